# -*- coding: utf-8 -*-
"""
One fan-out over several pools at once (:func:`map_pools`), such as a pool
per account: every key of every pool in one fan-out, one result per key.

It is here, with the pools, because it asks each pool for its keys and
tasks (:meth:`~mangrove.pool.base.BasePool.chunk_groups`,
:meth:`~mangrove.pool.base.BasePool.chunk_tasks`) and hands them to the
fan-out engine or an executor (:mod:`mangrove.fanout.executors`), which know
nothing of pools.
"""
from __future__ import absolute_import

import six

from mangrove._compat import Mapping
from mangrove.exceptions import InvalidArgumentError, wrong_type
from mangrove.fanout.chunks import Group, map_in_chunks
from mangrove.fanout.engine import fan_out
from mangrove.fanout.executors import (  # noqa: F401 (1.1's executors names)
    fan_out_on, resolve_executor)
from mangrove.optin import NotEnabledAware
from mangrove.pool.base import BasePool

# 1.1's mangrove.executors is served by this module (its old path points
# here), so its every name is here too.
__all__ = ['map_pools', 'fan_out_on', 'resolve_executor', 'map_in_chunks',
           'Group']


def map_pools(pools, func, executor=None, max_workers=None, timeout=None,
              on_result=None, retry=None):
    """Run ``func(region_proxy)`` in every region of several pools at once,
    such as one pool per account: one fan-out, one result per key.

    Each pool's keys get its name in front: ``(name, region_key)`` for a
    :class:`~mangrove.pool.service.ServicePool`, ``(name, service,
    region_key)`` for a :class:`~mangrove.pool.mixin.ServiceMixinPool`
    (a name that is a tuple is spread: ``(org, account, region_key)``).
    On threads, every key of every pool is one task of one fan-out. With
    an executor, each pool travels to the workers once; each of its
    services is a chunk of the fan-out (split further when there are
    fewer chunks than workers), fanned out on threads there.

    :param pools: name -> connected pool, a mapping or ``(name, pool)``
        pairs, in the order the results keep.
    :param func: called with each region's
        :class:`~mangrove.pool.proxy.RegionProxy`; must pickle for an executor
        of other processes.
    :param executor: as for ``map``: ``None`` for threads of this process,
        or a :class:`concurrent.futures.Executor` (processes, loky, dask).
    :param max_workers: threads at most: in all on threads (default every
        task at once, up to ``fanout.DEFAULT_MAX_WORKERS``), per worker's
        chunk with an executor.
    :param timeout: seconds after which the call returns.
    :param on_result: ``on_result(key, result, error)`` as each key
        finishes, from the calling thread.
    :param retry: how throttling errors are retried (a
        :class:`~mangrove.throttling.RetryPolicy`; default the process's).
    :rtype: :class:`~mangrove.fanout.results.RegionResults`
    :raises InvalidArgumentTypeError: ``pools`` is not pools by name.
    :raises InvalidArgumentError: two pools share a name.
    :raises NotConnectedError: a pool is not connected.
    """
    if not callable(func):
        raise wrong_type('func', 'callable, such as lambda region: '
                         'region.get_all_instances()', func)
    pairs = list(pools.items()) if isinstance(pools, Mapping) else pools
    if isinstance(pairs, six.string_types) or not hasattr(pairs,
                                                          '__iter__'):
        raise wrong_type('pools', 'a mapping of name to pool', pools)
    groups, names = [], set()
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(
                pair[1], BasePool) and pair[1]._joins_map_pools):
            raise wrong_type('each of pools', 'a (name, pool) pair', pair)
        name, pool = pair
        prefix = name if isinstance(name, tuple) else (name,)
        if prefix in names:
            raise InvalidArgumentError(
                'pool names must be distinct; %r appears more than once'
                % (name,), value=name, valid='distinct names')
        names.add(prefix)
        groups.extend(Group(pool, keys, prefix)
                      for keys in pool.chunk_groups())
    engine = resolve_executor(executor)
    if engine is not None:
        return map_in_chunks(engine, func, groups, timeout=timeout,
                             on_result=on_result, max_workers=max_workers,
                             retry=retry)
    # Threads: one fan-out over every key of every pool, as a worker
    # process runs its chunk. (A fan-out per pool would start threads for
    # each pool apart: thousands of thread starts for a fleet.)
    func = NotEnabledAware(func)
    return fan_out([(group.key(key), task) for group in groups
                    for key, task in group.pool.chunk_tasks(func, group.keys)],
                   max_workers=max_workers, timeout=timeout,
                   on_result=on_result, retry=retry)
