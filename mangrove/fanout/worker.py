# -*- coding: utf-8 -*-
"""
What runs in a worker of a fan-out on an executor (see
:mod:`mangrove.fanout.executors`): one chunk, one fan-out on threads over the
regions of one or more pools.

A worker process keeps each pool it is sent unpickled, keyed by a digest of
its pickle (its declaration, settings and credentials: its identity), so
its connections serve every later chunk of that pool. The results go back
pickled once, here, where a result that cannot travel can still be told
apart from the rest.
"""
from __future__ import absolute_import

import collections
import hashlib
import logging
import os
import pickle
import threading
import time

from mangrove.exceptions import UnpicklableError
from mangrove.fanout.engine import fan_out
from mangrove.fanout.progress import reporter
from mangrove.fanout.results import RegionResults
from mangrove.optin import NotEnabledAware

__all__ = ['run_chunk', 'prefixed', 'region_task', 'WORKER_POOL_CACHE_SIZE']

logger = logging.getLogger(__name__)

#: How many pools a worker process keeps unpickled (least recently used
#: beyond that are closed and dropped).
WORKER_POOL_CACHE_SIZE = 128

# The timeout of a chunk a worker starts after the fan-out's timeout: its
# keys all time out at once.
_LEAST_TIMEOUT = 0.001


def prefixed(prefix, key):
    """A pool's key with ``prefix`` (a tuple) in front:
    ``('111111111111', 'us_east_1')``; the key itself for ``()``."""
    if not prefix:
        return key
    return prefix + (key if isinstance(key, tuple) else (key,))


_worker_pools = collections.OrderedDict()
_worker_lock = threading.Lock()


def _worker_pool(data):
    """The pool pickled as ``data``, unpickled once in this process."""
    if not isinstance(data, bytes):
        return data   # a thread of the calling process: the pool itself
    digest = hashlib.sha256(data).hexdigest()
    with _worker_lock:
        pool = _worker_pools.pop(digest, None)
        if pool is None:
            pool = pickle.loads(data)
            logger.debug('worker %d: unpickled %r', os.getpid(), pool)
        _worker_pools[digest] = pool
        dropped = []
        while len(_worker_pools) > WORKER_POOL_CACHE_SIZE:
            dropped.append(_worker_pools.popitem(last=False)[1])
    for old in dropped:
        old.close()
    return pool


def run_chunk(pieces, func_data, options, budget, progress):
    """One chunk, in a worker: one fan-out on threads over the keys of
    every piece, each key behind its piece's prefix, reported as it
    finishes (when ``progress`` says where) and returned together.

    :param pieces: ``(pool, keys, prefix)`` triples, each pool pickled (in
        another process) or itself (in a thread).
    :param func_data: the function, pickled or itself.
    :param options: ``fan_out`` keywords (``max_workers`` and the like).
    :param budget: ``(seconds, wall-clock time they were given at)`` for
        a fan-out with a timeout, else None.
    :param progress: where to report each key as it finishes (see
        :func:`mangrove.fanout.progress.reporter`), or None.
    """
    options = dict(options)
    if budget is not None:
        seconds, given = budget
        options['timeout'] = max(seconds - (time.time() - given),
                                 _LEAST_TIMEOUT)
    func = NotEnabledAware(pickle.loads(func_data) if isinstance(
        func_data, bytes) else func_data)
    # Each pool makes the tasks of all of its keys in the chunk at once
    # (an account pool's roles are then assumed in parallel).
    tasks, own = [], collections.OrderedDict()
    for pool_data, keys, prefix in pieces:
        pool = _worker_pool(pool_data)
        own.setdefault((id(pool), prefix), (pool, prefix, []))[2].extend(
            keys)
    for pool, prefix, keys in own.values():
        tasks.extend((prefixed(prefix, key), task)
                     for key, task in pool.chunk_tasks(func, keys))
    sender = reporter(progress)
    results = fan_out(tasks, on_result=None if sender is None
                      else sender.send, **options)
    if all(isinstance(piece[0], bytes) for piece in pieces):
        return _returned(results)
    return results


def region_task(func, pool, key):
    """``func`` for one key of a pool (see
    :meth:`~mangrove.pool.base.BasePool.chunk_tasks`): a callable that
    raises the key's error when the pool lacks it."""
    return pool.chunk_tasks(func, [key])[0][1]


def _returned(results):
    """``results`` pickled for the trip back, each result that cannot
    travel replaced by its key's :class:`UnpicklableError`, so one key's
    odd value never costs the others theirs."""
    try:
        return pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
    except Exception:
        pass
    parts = []
    for key, value in results.items():
        try:
            pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            cls = type(value)
            parts.append(RegionResults([], [(key, UnpicklableError(
                '%s.%s' % (cls.__module__, cls.__name__),
                'the result could not be pickled to leave its worker (%s: '
                '%s)' % (type(exc).__name__, exc)))], [(key, None)]))
        else:
            parts.append(RegionResults([(key, value)]))
    # Errors pickle one by one already (as stand-ins when they must).
    parts.append(RegionResults([], results.errors.items(),
                               results.tracebacks.items()))
    return pickle.dumps(RegionResults.gathered(parts),
                        pickle.HIGHEST_PROTOCOL)
