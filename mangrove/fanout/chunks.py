# -*- coding: utf-8 -*-
"""
The caller's side of a fan-out in chunks on an executor (see
:mod:`mangrove.fanout.executors`): split the keys into chunks, send each to a
worker (:func:`mangrove.fanout.worker.run_chunk`), hear of each key as it
finishes, and gather one :class:`~mangrove.fanout.results.RegionResults`.
"""
from __future__ import absolute_import

import logging
import pickle
import time
from concurrent import futures

from mangrove._compat import now
from mangrove.exceptions import (
    FanOutCancelledError, FanOutTimeoutError, InvalidArgumentTypeError,
    UnpicklableFunctionError, describe, error_text)
from mangrove.fanout.engine import fan_out
from mangrove.fanout.results import RegionResults, format_key
from mangrove.fanout.threads import Reporter
from mangrove.fanout.worker import prefixed, run_chunk

__all__ = ['Group', 'plan_chunks', 'map_in_chunks', 'executor_failure',
           'RETURN_GRACE', 'PROGRESS_CHUNKS_PER_SLOT']

logger = logging.getLogger(__name__)

# Deadlines on the one clock of every fan-out (mangrove._compat).
_now = now

# The longest single wait of the calling thread, so Ctrl-C is seen at once;
# and how often it looks for workers' reports while it waits.
_SLICE = 0.25
_REPORT_SLICE = 0.05

#: How many chunks per slot of the executor a fan-out with ``on_result``
#: sends when its workers report each chunk as it returns (dask, and
#: executors mangrove knows nothing of): progress comes in steps of a
#: quarter of a slot's keys, at the price of fewer keys at once in each
#: worker.
PROGRESS_CHUNKS_PER_SLOT = 4

#: How long past its timeout a fan-out waits for chunks to come back: each
#: worker's own fan-out ends at the timeout and returns what it has.
RETURN_GRACE = 1.0


class Group(object):
    """Keys of one pool that a fan-out sends to workers.

    :param pool: the pool (pickled for workers in other processes).
    :param keys: the pool's own keys, in the order the results keep: region
        keys (``'us_east_1'``) of a pool of one service, ``(service, region
        key)`` pairs of a multi-service pool.
    :param prefix: a tuple put in front of each of the pool's keys in the
        results (``('111111111111',)`` for an account's pool), or ``()``.
    """

    __slots__ = ('pool', 'keys', 'prefix')

    def __init__(self, pool, keys, prefix=()):
        self.pool = pool
        self.keys = list(keys)
        self.prefix = tuple(prefix)

    def key(self, key):
        """The results key of one of the pool's keys."""
        return prefixed(self.prefix, key)


def plan_chunks(groups, slots):
    """The chunks of a fan-out for an executor that runs ``slots`` tasks at
    once: one per slot, so that every worker is busy and none waits for a
    slot while another's keys wait on the network.

    Fewer groups than slots: the largest groups are split in half until
    there are enough (or every piece is one key). More: the groups are
    packed into ``slots`` chunks, largest first into the emptiest, each
    worker fanning out over all of its chunk's keys at once.

    :param groups: :class:`Group` objects.
    :param slots: how many tasks the executor runs at once.
    :returns: chunks, each a list of ``(group, keys)`` pieces.
    """
    pieces = [(group, group.keys) for group in groups if group.keys]
    while 0 < len(pieces) < slots:
        largest = max(range(len(pieces)), key=lambda i: len(pieces[i][1]))
        group, keys = pieces[largest]
        if len(keys) < 2:
            break
        half = (len(keys) + 1) // 2
        pieces[largest:largest + 1] = [(group, keys[:half]),
                                       (group, keys[half:])]
    if len(pieces) <= slots:
        return [[piece] for piece in pieces]
    chunks = [[] for _ in range(slots)]
    sizes = [0] * slots
    for index in sorted(range(len(pieces)),
                        key=lambda i: -len(pieces[i][1])):
        emptiest = sizes.index(min(sizes))
        chunks[emptiest].append(index)
        sizes[emptiest] += len(pieces[index][1])
    return [[pieces[index] for index in sorted(chunk)] for chunk in chunks]


def map_in_chunks(engine, func, groups, timeout=None, on_result=None,
                  **options):
    """Run ``func(region)`` for the keys of every group on ``engine``'s
    workers (in chunks, :func:`plan_chunks`, each one fan-out on threads
    in its worker) and gather one :class:`RegionResults`, in the groups'
    key order.

    :param engine: from :func:`~mangrove.fanout.executors.resolve_executor`.
    :param func: what ``map`` calls per region.
    :param groups: :class:`Group` objects.
    :param timeout: seconds after which each worker's fan-out returns what
        it has, and the call (at most :data:`RETURN_GRACE` later, for the
        chunks to come back); unfinished keys are
        :class:`FanOutTimeoutError`.
    :param on_result: ``on_result(key, result, error)``, once per key, one
        report at a time from a thread of the fan-out, as
        :func:`~mangrove.fanout.fan_out` calls it (it never holds the call
        past its timeout; what it raises for the program, SystemExit or
        KeyboardInterrupt, the call raises).
    :param options: further ``fan_out`` keywords for every chunk's
        fan-out (``max_workers`` and the like: threads per worker), checked
        here as ``fan_out`` checks them.
    :rtype: RegionResults
    :raises UnpicklableFunctionError: the workers are other processes and
        ``func`` cannot be pickled for them.
    """
    # The same checks, and errors, as a fan-out on threads: fan_out's own.
    fan_out([], timeout=timeout, on_result=on_result, **options)
    deadline = None if timeout is None else _now() + float(timeout)
    reports = None if on_result is None else engine.reports()
    slots = engine.workers()
    if on_result is not None and reports is None:
        # Each chunk is heard of when it returns: smaller chunks, finer
        # progress (the executor queues those its slots cannot run yet).
        slots = max(slots, min(sum(len(group.keys) for group in groups),
                               slots * PROGRESS_CHUNKS_PER_SLOT))
    chunks = plan_chunks(groups, slots)
    if not chunks:
        if reports is not None:
            reports.close()
        return RegionResults()
    func_data = _shipped_func(engine, func)
    pools = {}
    for group in groups:
        if id(group.pool) not in pools:
            pools[id(group.pool)] = _shipped_pool(engine, group.pool)
    run = _ChunkRun(chunks, on_result)
    finished = False
    try:
        for index, chunk in enumerate(chunks):
            pieces = [(pools[id(group.pool)], keys, group.prefix)
                      for group, keys in chunk]
            # The chunk's share of the timeout counts from now, not from
            # when a worker gets to it: the wall clock tells the worker.
            budget = None if deadline is None else (
                deadline - _now(), time.time())
            run.submit(index, engine.executor.submit(
                run_chunk, pieces, func_data, options, budget,
                None if reports is None else reports.destination()))
        run.wait(deadline, reports)
        results = run.results(timeout, [group.key(key) for group in groups
                                        for key in group.keys])
        finished = True
    finally:
        run.cancel()
        if reports is not None:
            reports.close()
        run.close(deadline, interrupted=not finished)
    return results


def _shipped_pool(engine, pool):
    """A pool as it travels to each worker, pickled once."""
    return _shipped(engine, pool, lambda why: InvalidArgumentTypeError(
        'map cannot send %r to the workers of %s: it cannot be pickled '
        '(%s). A pool class must be importable by name in the workers: '
        'define it at the top level of a module' % (
            pool, type(engine.executor).__name__, why),
        value=type(pool).__name__,
        valid='a pool class defined at the top level of a module'))


def _shipped_func(engine, func):
    """``func`` as it travels to each worker, pickled once."""
    return _shipped(engine, func, lambda why: UnpicklableFunctionError(
        'map cannot send %s to the workers of %s: it cannot be pickled '
        '(%s). Functions run in other processes must be importable by '
        'name: define it at the top level of a module, or call a boto '
        'method by name with pool.call(...)' % (
            describe(func), type(engine.executor).__name__, why),
        value=func, valid='a function defined at the top level of a module'))


def _shipped(engine, obj, error):
    """``obj`` pickled for the workers (as it is on threads), or the
    ``error(why)`` that says it cannot travel."""
    if not engine.pickles:
        return obj
    try:
        return engine.dumps(obj)
    except Exception as exc:
        raise error('%s: %s' % (type(exc).__name__, exc))


def executor_failure(error, key):
    """The error a key of a fan-out on an executor is given when its
    chunk failed as a whole (``error`` is what the chunk's future raised).

    An executor's ``CancelledError`` says nothing of what happened, nor of
    the key: it becomes a :class:`FanOutCancelledError` naming both (and
    quoting what the executor said, if anything). Any other error is the
    key's as it is (a worker process that died: ``BrokenProcessPool``).

    :param error: the exception of the chunk's future.
    :param key: the key (one of the chunk's keys that had not reported).
    :rtype: BaseException
    """
    if not isinstance(error, futures.CancelledError) or isinstance(
            error, FanOutCancelledError):
        return error
    said = error_text(error)
    return FanOutCancelledError(
        "%s: the executor cancelled this key's chunk of the fan-out before "
        'the key reported, so it has no result: its scheduler or worker '
        'went away (a dask scheduler stopped or lost cancels every task it '
        'held), or the executor was shut down%s' % (
            format_key(key), '' if said == type(error).__name__
            else ' (%s)' % said), key=key, cause=error)


class _ChunkRun(object):
    """One fan-out's chunks in flight, and their keys' outcomes as they
    arrive (whole chunks, or single keys the workers reported)."""

    def __init__(self, chunks, on_result):
        self.chunks = chunks
        self.reporter = None if on_result is None else Reporter(on_result)
        self.futures = {}
        self.parts = [None] * len(chunks)       # each chunk's results
        self.arrived = {}                       # key -> one-key results
        self.reported = set()

    def submit(self, index, future):
        self.futures[future] = index

    def wait(self, deadline, reports):
        pending = set(self.futures)
        limit = None if deadline is None else deadline + RETURN_GRACE
        while pending:
            wait = _SLICE if reports is None else _REPORT_SLICE
            if limit is not None:
                wait = min(wait, limit - _now())
                if wait <= 0:
                    break
            done, pending = futures.wait(
                pending, timeout=wait, return_when=futures.FIRST_COMPLETED)
            if self.reporter is not None:
                self.reporter.check()
            self._take(reports)
            for future in done:
                self._finish(self.futures[future], future)
        self._take(reports)

    def _take(self, reports):
        """Report the keys the workers reported since the last look."""
        if reports is None:
            return
        for key, part in reports.take():
            self.arrived[key] = part
            self._report(key, part)

    def _keys(self, index):
        return [group.key(key) for group, keys in self.chunks[index]
                for key in keys]

    def _finish(self, index, future):
        keys = self._keys(index)
        try:
            part = future.result()
            if isinstance(part, bytes):
                part = pickle.loads(part)
        except BaseException as exc:
            # The chunk never ran to its end (a worker died, the pool
            # could not travel): its keys that had not reported their
            # outcome have that error. Those that had keep theirs, which
            # on_result has seen: a success made is not undone by the
            # worker's later death.
            missing = [key for key in keys if key not in self.arrived]
            part = RegionResults.gathered(
                [self.arrived[key] for key in keys if key in self.arrived] +
                [RegionResults([], [(key, executor_failure(exc, key))
                                    for key in missing],
                               [(key, getattr(exc, '__traceback__', None))
                                for key in missing])], keys)
            logger.debug('a chunk failed with %d of its %d keys unreported: '
                         '%s', len(missing), len(keys), exc)
        self.parts[index] = part
        for key in keys:
            self._report(key, part)

    def _report(self, key, part):
        if self.reporter is None or key in self.reported:
            return
        self.reported.add(key)
        if key in part:
            result, error = part[key], None
        else:
            result, error = None, part.errors.get(key)
        self.reporter.put(key, result, error)

    def cancel(self):
        for future in self.futures:
            future.cancel()

    def close(self, deadline, interrupted):
        """Let ``on_result`` take the last reports (until a moment after
        ``deadline``, if any), and raise what it raised for the program."""
        if self.reporter is not None:
            self.reporter.close(deadline, interrupted)

    def results(self, timeout, order):
        gathered = []
        for index in range(len(self.chunks)):
            if self.parts[index] is not None:
                gathered.append(self.parts[index])
                continue
            for key in self._keys(index):
                part = self.arrived.get(key)
                if part is None:
                    part = _timed_out(key, timeout)
                    self._report(key, part)
                gathered.append(part)
        return RegionResults.gathered(gathered, order)


def _timed_out(key, timeout):
    error = FanOutTimeoutError(
        '%s did not finish within the fan-out timeout of %gs' % (
            format_key(key), timeout))
    error.key, error.timeout = key, timeout
    return RegionResults([], [(key, error)], [(key, None)])
