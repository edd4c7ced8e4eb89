# -*- coding: utf-8 -*-
"""
One boto method called by name: what ``pool.call(...)`` and
``mangrove call`` fan out.
"""
from __future__ import absolute_import

import six

from mangrove.exceptions import (
    InvalidArgumentError, PoolAttributeError, UnknownMethodError, not_one_of,
    wrong_type)

__all__ = ['MethodCall', 'FAN_OUT_OPTIONS', 'split_options',
           'missing_attribute']

#: The keywords of ``call()`` that shape the fan-out, as ``map()`` takes
#: them, rather than reach the boto method.
FAN_OUT_OPTIONS = ('regions', 'max_workers', 'timeout', 'on_result',
                   'retry', 'executor')


def split_options(kwargs, names=FAN_OUT_OPTIONS):
    """Split ``call()``'s keywords into fan-out options and the boto
    method's keywords.

    ``call_kwargs``, a dict, holds keywords for the boto method whose
    names are those of options (``call_kwargs={'timeout': 30}``); they join
    the method's other keywords.

    :param kwargs: every keyword ``call()`` was given.
    :param names: the option names.
    :returns: ``(options, method keywords)``, two dicts.
    :raises InvalidArgumentTypeError: ``call_kwargs`` is not a dict of
        string keys.
    :raises InvalidArgumentError: a keyword is given both directly and in
        ``call_kwargs``.
    """
    kwargs = dict(kwargs)
    options = dict((name, kwargs.pop(name)) for name in names
                   if name in kwargs)
    extra = kwargs.pop('call_kwargs', None)
    if extra is None:
        return options, kwargs
    expected = "a dict of keyword arguments for the boto method, such as " \
        "{'timeout': 30}"
    if not isinstance(extra, dict) or not all(
            isinstance(key, six.string_types) for key in extra):
        raise wrong_type('call_kwargs', expected, extra)
    twice = sorted(set(extra) & set(kwargs))
    if twice:
        raise InvalidArgumentError(
            'keyword %r given both directly and in call_kwargs' % twice[0],
            value=twice[0], valid=expected)
    kwargs.update(extra)
    return options, kwargs


def missing_attribute(pool, attr, connection_class, region_key):
    """The error for ``pool.<attr>`` that the pool does not have.

    A boto method read off a pool (``ec2.get_all_instances()``, as a boto
    script reads it off a connection) is the usual slip in a console: the
    error says where the method is called instead.

    :param pool: the pool (for its class name).
    :param attr: the attribute asked for.
    :param connection_class: the service's boto connection class, or None.
    :param region_key: a region of the pool, for the example, or None.
    :rtype: AttributeError
    """
    name = type(pool).__name__
    if connection_class is None or attr.startswith('_') or \
            not callable(getattr(connection_class, attr, None)):
        return AttributeError('%r object has no attribute %r' % (name, attr))
    where = 'regions.%s' % region_key if region_key else "regions['REGION']"
    return PoolAttributeError(
        '%s has no method %r: a pool holds a %s per region, not one of its '
        'own; call it in every region with pool.call(%r, ...) or in one '
        'with pool.%s.%s(...)' % (name, attr, connection_class.__name__,
                                  attr, where, attr),
        value=attr, valid=['call', 'map', 'regions'])


class MethodCall(object):
    """``call(region)`` calls ``region.<name>(*args, **kwargs)``.

    Picklable (so a fan-out can travel to a process pool) and shown as the
    call it makes.

    :param name: the boto connection method's name.
    :type name: str
    :param args: its positional arguments.
    :type args: tuple
    :param kwargs: its keyword arguments.
    :type kwargs: dict
    :raises InvalidArgumentTypeError: ``name`` is not a string.
    """

    __slots__ = ('name', 'args', 'kwargs')

    def __init__(self, name, args=(), kwargs=None):
        if not isinstance(name, six.string_types):
            raise wrong_type('method_name',
                             "a string such as 'get_all_instances'", name)
        self.name = name
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})

    def __call__(self, region):
        return getattr(region, self.name)(*self.args, **self.kwargs)

    def found_in(self, connection):
        """Whether ``connection`` has this public method.

        :param connection: a boto connection object.
        :rtype: bool
        """
        if self.name.startswith('_'):
            return False
        return callable(getattr(connection, self.name, None))

    def check(self, region, where):
        """Raise unless ``region``'s connection has this method.

        :param region: a region proxy of the pool asked.
        :param where: how the message names the pool.
        :raises UnknownMethodError: it has no such public method.
        """
        if not self.found_in(region.connection):
            raise self.unknown([region.connection], where)

    def unknown(self, connections, where):
        """The error for a method none of ``connections`` has.

        :param connections: connection objects, or their classes (one per
            service asked).
        :param where: how the message names what was asked
            (``'Ec2Pool EC2'``).
        :rtype: :class:`~mangrove.exceptions.UnknownMethodError`
        """
        names, classes = set(), []
        for connection in connections:
            cls = connection if isinstance(connection, type) \
                else type(connection)
            classes.append(cls.__name__)
            names.update(name for name in dir(cls) if not name.startswith(
                '_') and callable(getattr(cls, name, None)))
        return not_one_of(
            UnknownMethodError, '%s: %s has no method %r' % (
                where, ' or '.join(classes), self.name),
            self.name, sorted(names), 'its methods')

    def __getstate__(self):
        return (self.name, self.args, self.kwargs)

    def __setstate__(self, state):
        self.name, self.args, self.kwargs = state

    def __repr__(self):
        words = [repr(a) for a in self.args] + [
            '%s=%r' % item for item in sorted(self.kwargs.items())]
        return '<MethodCall %s(%s)>' % (self.name, ', '.join(words))
