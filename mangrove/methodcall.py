# -*- coding: utf-8 -*-
"""
One boto method called by name: what ``pool.call(...)`` and
``mangrove call`` fan out.
"""
from __future__ import absolute_import

import six

from mangrove.exceptions import wrong_type

__all__ = ['MethodCall']


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

    def __getstate__(self):
        return (self.name, self.args, self.kwargs)

    def __setstate__(self, state):
        self.name, self.args, self.kwargs = state

    def __repr__(self):
        words = [repr(a) for a in self.args] + [
            '%s=%r' % item for item in sorted(self.kwargs.items())]
        return '<MethodCall %s(%s)>' % (self.name, ', '.join(words))
