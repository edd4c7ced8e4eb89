# -*- coding: utf-8 -*-
"""
:class:`BasePool`: what every kind of pool does the same way.

``map``, ``iter_map``, ``call``, ``paginate``, ``close`` and the context
manager, the fan-out options and their checks, and the checks of service
and region names are written here once. Each kind
(:class:`~mangrove.pool.service.ServicePool`,
:class:`~mangrove.pool.client.ClientPool`,
:class:`~mangrove.pool.mixin.ServiceMixinPool`,
:class:`~mangrove.accounts.AccountPool`) supplies what differs:

* ``_keys(**selection)``: the keys a fan-out asks, in the pool's order,
  from the selectors ``map`` takes (``regions``; a multi-service pool's
  ``services``; an account pool's ``accounts``);
* :meth:`BasePool.chunk_tasks`: a ``(key, callable)`` task per key, on the
  caller's threads and in a worker of an executor alike
  (:mod:`mangrove.fanout.worker`);
* :meth:`BasePool.chunk_groups`: which keys travel to a worker together;
* ``_parts()``: what ``close`` closes;
* ``_narrow_to_method(method, options)``: ``call``'s check that the pool
  has the method, before anything is sent.

Each kind keeps its own ``map`` and ``iter_map``, one line each binding
its selectors in their documented order, so that ``help()``, ``inspect``
and the ``TypeError`` of a wrong keyword read as they always have.
"""
from __future__ import absolute_import

import collections
import functools

import six

from mangrove.exceptions import (
    InvalidServiceError, RegionNotInPoolError, not_one_of, wrong_type)
from mangrove.fanout import executors
from mangrove.fanout import engine as fanout
from mangrove.fanout.chunks import Group, map_in_chunks
from mangrove.optin import NotEnabledAware
from mangrove.pool.calls import MethodCall, split_options
from mangrove.pool.latency import RegionTask
from mangrove.pool.pagination import Paginating
from mangrove.regions import unknown_region
from mangrove.registry import get_service

__all__ = ['BasePool', 'lookup_tasks', 'attribute_name']


def attribute_name(name):
    """The attribute a service is reached by: its name as declared, lower
    case, with dashes as underscores (``'cognito-identity'`` ->
    ``cognito_identity``)."""
    if not isinstance(name, six.string_types):
        raise wrong_type('a service name', "a string such as 'ec2'", name)
    attr = name.strip().lower().replace('-', '_')
    try:
        return str(attr)
    except UnicodeError:  # Python 2: not a service name, but a fine key
        return attr


def lookup_tasks(func, keys, lookup):
    """``(key, RegionTask(func, lookup(key)))`` for each key; a key whose
    lookup fails gets a task raising that error, so that it is reported
    as that key's error and the other keys still run (what a worker needs
    when its pool lacks a key it was sent)."""
    tasks = []
    for key in keys:
        try:
            task = RegionTask(func, lookup(key))
        except Exception as exc:
            task = functools.partial(_raise, exc)
        tasks.append((key, task))
    return tasks


def _raise(error):
    raise error


def grouped_by_first(keys):
    """``keys`` (tuples) in groups of the same first item, in order."""
    groups = collections.OrderedDict()
    for key in keys:
        groups.setdefault(key[0], []).append(key)
    return list(groups.values())


class BasePool(Paginating):
    """What every pool does alike: fan out a function (``map``,
    ``iter_map``), a boto method (``call``) or a listing (``paginate``)
    over its regions, and close its connections, also as a context
    manager::

        with Ec2Pool(connect=True) as ec2:
            ec2.call('get_all_instances', timeout=30)
    """

    #: The fan-out options every ``map`` takes after its selectors.
    _OPTIONS = ('max_workers', 'timeout', 'on_result', 'retry', 'executor')

    #: ``map``'s keywords, as ``call`` and ``paginate`` keep them for it:
    #: the kind's selectors, then the options.
    _fanout_options = ('regions',) + _OPTIONS

    #: Whether :func:`mangrove.pool.map_pools` takes this kind.
    _joins_map_pools = True

    # -- written once ---------------------------------------------------------

    def _map(self, func, selection, max_workers=None, timeout=None,
             on_result=None, retry=None, executor=None):
        """``map``'s body, for every kind: ``selection`` is the kind's
        selectors by name."""
        keys = self._checked_keys(func, selection)
        fanout.check_options(max_workers, timeout, on_result, retry)
        return self._run(func, keys, dict(
            max_workers=max_workers, timeout=timeout, on_result=on_result,
            retry=retry, executor=executor))

    def _iter_map(self, func, selection, max_workers=None, timeout=None,
                  retry=None):
        """``iter_map``'s body, for every kind."""
        keys = self._checked_keys(func, selection)
        fanout.check_options(max_workers, timeout, retry=retry)
        return self._stream(func, keys, dict(
            max_workers=max_workers, timeout=timeout, retry=retry))

    def call(self, method_name, *args, **kwargs):
        """Call one boto method with these arguments in every region at
        once (every service that has it, every account).

        ``pool.call('get_all_instances', regions=['us-east-1'])`` is
        ``pool.map(lambda r: r.get_all_instances(), regions=['us-east-1'])``:
        ``map``'s keywords (its selectors, ``max_workers``, ``timeout``,
        ``on_result``, ``retry``, ``executor``) shape the fan-out, the rest
        go to boto (one named like them goes in
        ``call_kwargs={'timeout': 30}``). A multi-service pool asks the
        services that have the method; ``services=[...]`` must all have it.

        :param method_name: the boto connection method's name.
        :rtype: :class:`~mangrove.fanout.results.RegionResults`
        :raises UnknownMethodError: the pool's connections have no such
            method (with a did-you-mean); nothing is sent.
        """
        options, kwargs = split_options(kwargs, self._fanout_options)
        method = MethodCall(method_name, args, kwargs)
        return self.map(method, **self._narrow_to_method(method, options))

    def close(self):
        """Close the pool's connections and the sockets they hold; the
        pool can ``connect()`` again (an account pool keeps its
        credentials).
        """
        for part in self._parts():
            part.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _checked_keys(self, func, selection):
        if not callable(func):
            raise wrong_type('func', 'callable, such as lambda region: '
                             'region.get_all_instances()', func)
        return self._keys(**selection)

    def _run(self, func, keys, options):
        """The fan-out of ``func`` over ``keys``: on threads here, or on
        an executor in chunks, each of :meth:`chunk_groups` travelling
        together."""
        engine = executors.resolve_executor(options.pop('executor'))
        if engine is None:
            return fanout.fan_out(self.chunk_tasks(NotEnabledAware(func),
                                                   keys), **options)
        return map_in_chunks(engine, func, [
            Group(self, group) for group in self.chunk_groups(keys)],
            **options)

    def _stream(self, func, keys, options):
        """``_run``'s streaming form, on threads."""
        return fanout.iter_fan_out(
            self.chunk_tasks(NotEnabledAware(func), keys), **options)

    # -- checks of names, written once ----------------------------------------

    def _service_attrs(self, services, pools, label):
        """The attributes of ``pools`` (attribute -> pool) that
        ``services`` (names or aliases, None for all) names, in order.

        :raises InvalidServiceError: one names no service of ``pools``.
        """
        if services is None:
            return list(pools)
        if isinstance(services, six.string_types) or not isinstance(
                services, (list, tuple, set, frozenset)):
            raise wrong_type('services', 'a list of service names or None',
                             services)
        attrs = []
        for name in services:
            attr = attribute_name(name)
            if attr not in pools:
                try:
                    canonical = get_service(name).name
                except InvalidServiceError:
                    canonical = None
                attr = next((a for a, pool in pools.items()
                             if pool.service_name == canonical), None)
            if attr is None:
                raise not_one_of(
                    InvalidServiceError, '%s has no service %r'
                    % (label, name), name, list(pools), 'its services')
            if attr not in attrs:
                attrs.append(attr)
        return attrs

    @staticmethod
    def _check_region_names(names, attrs, pools, label):
        """Refuse a region name that none of the services ``attrs`` of
        ``pools`` has.

        :raises RegionNotInPoolError: naming it, with a did-you-mean.
        """
        for name in names or ():
            if any(name in pools[attr].regions for attr in attrs):
                continue
            keys = []
            for attr in attrs:
                keys.extend(k for k in pools[attr].regions if k not in keys)
            raise unknown_region(
                RegionNotInPoolError, '%s: none of its services %s has '
                'region %r' % (label, ', '.join(attrs), name),
                name, keys, 'their regions')

    @staticmethod
    def _services_having(method, targets, all_needed, where):
        """The attributes of ``targets`` (``(attribute, connection or its
        class)`` pairs; None for a target that cannot be asked, taken as
        having it) that have ``method``.

        :param all_needed: every target must have it (they were named).
        :param where: ``where(lacking attributes)`` names them in the error.
        :raises UnknownMethodError: one that must have it lacks it, or
            none has it.
        """
        having, lacking = [], []
        for attr, connection in targets:
            if connection is None or method.found_in(connection):
                having.append(attr)
            else:
                lacking.append((attr, connection))
        if lacking and (all_needed or not having):
            raise method.unknown([conn for _, conn in lacking],
                                 where([attr for attr, _ in lacking]))
        return having

    # -- what each kind supplies ----------------------------------------------

    def _keys(self, **selection):
        """The keys a fan-out asks, in the pool's order: ``selection``'s
        names and values checked (``regions``, ``services``,
        ``accounts``)."""
        raise NotImplementedError

    def chunk_tasks(self, func, keys):
        """The fan-out tasks of ``keys``: on the calling process's threads,
        or in a worker of an executor, for its chunk
        (:mod:`mangrove.fanout.worker`).

        :param func: called with each key's region proxy (wrapped by the
            caller, as :class:`~mangrove.optin.NotEnabledAware`).
        :param keys: keys of this pool.
        :rtype: list of ``(key, callable)`` pairs
        """
        raise NotImplementedError

    def chunk_groups(self, keys=None):
        """``keys`` (by default every key of the pool) in the groups that
        travel to the workers of an executor together.

        :rtype: list of lists of keys
        """
        raise NotImplementedError

    def _parts(self):
        """What :meth:`close` closes: objects with a ``close()``."""
        raise NotImplementedError

    def _narrow_to_method(self, method, options):
        """``call``'s ``map`` keywords, once it is known the pool can send
        ``method`` (a :class:`~mangrove.pool.calls.MethodCall`).

        :raises UnknownMethodError: it cannot; nothing is sent.
        """
        raise NotImplementedError
