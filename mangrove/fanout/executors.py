# -*- coding: utf-8 -*-
"""
A fan-out past one process: ``map``/``call`` on a process pool or a cluster.

``pool.map(func, executor=...)`` takes any :mod:`concurrent.futures`
executor: a :class:`~concurrent.futures.ProcessPoolExecutor` (fork or
spawn), loky's, dask.distributed's (``client.get_executor()``, or the
``Client`` itself), or a :class:`~concurrent.futures.ThreadPoolExecutor`.
Without one (or with ``'threads'``) a fan-out runs on threads in the calling
process, as it always has.

Work travels in chunks (a service's regions, an account's pool), never one
call per task: each chunk is one ``pool.map`` inside a worker, fanned out
on threads there. The pool travels pickled (its declaration and settings,
never sockets) and is unpickled once per worker process: a worker keeps it
in a cache keyed by a digest of its pickle, so the connections it opens
serve every later chunk of that pool, in this fan-out and the next.

Each key's outcome comes back as a
:class:`~mangrove.fanout.results.RegionResults` does across processes:
results whole, errors whole with their traceback text, and an error that
cannot travel as an :class:`~mangrove.exceptions.UnpicklableError` naming
its type and message.

Progress (``on_result``) is reported per key as each finishes in its
worker on threads, process pools and loky (:mod:`mangrove.fanout.progress`:
in memory for threads, a private directory for processes; no socket). dask
and any other executor report a chunk's keys when the chunk returns, and a
fan-out with ``on_result`` sends them smaller chunks for finer progress
(:data:`~mangrove.fanout.chunks.PROGRESS_CHUNKS_PER_SLOT`).
"""
from __future__ import absolute_import

import pickle
from concurrent import futures

import six

from mangrove.exceptions import wrong_type
from mangrove.fanout.chunks import Group, map_in_chunks
from mangrove.fanout.engine import fan_out
from mangrove.fanout.progress import ReportDirectory, ThreadReports

__all__ = ['fan_out_on', 'resolve_executor', 'map_in_chunks', 'Group']

_EXPECTED = ("None or 'threads', a concurrent.futures.Executor (a "
             "ProcessPoolExecutor, loky's, dask's client.get_executor()) or "
             "a dask.distributed Client")


class _Engine(object):
    """An executor and what mangrove knows about where it runs work."""

    def __init__(self, executor, kind):
        self.executor = executor
        self.kind = kind   # 'threads', 'processes', 'dask' or 'other'

    @property
    def pickles(self):
        return self.kind != 'threads'

    def dumps(self, value):
        """Pickle as the executor's workers can load it: dask and loky ship
        functions with cloudpickle (lambdas, closures), processes with
        pickle."""
        if self.kind == 'dask' or (
                self.kind == 'processes' and _module_of(self.executor)
                .startswith('loky')):
            try:
                import cloudpickle
            except ImportError:
                pass
            else:
                return cloudpickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def workers(self):
        """How many tasks the executor runs at once (a guess for any other
        executor: this machine's cores)."""
        count = None
        if self.kind == 'dask':
            client = getattr(self.executor, '_client', None)
            try:
                count = sum(client.nthreads().values())
            except Exception:
                count = None
        else:
            # Every executor of concurrent.futures and loky keeps it here.
            count = getattr(self.executor, '_max_workers', None)
        if not isinstance(count, six.integer_types) or count < 1:
            count = _cores()
        return count

    def reports(self):
        """A new way for the workers to report each key as it finishes
        (:mod:`mangrove.fanout.progress`), or None where they report each
        chunk as it returns: workers that may be on other machines (dask)
        and executors mangrove knows nothing of."""
        if self.kind == 'threads':
            return ThreadReports()
        if self.kind == 'processes':
            return ReportDirectory()
        return None


def _module_of(obj):
    return type(obj).__module__ or ''


def _cores():
    try:
        import multiprocessing
        return multiprocessing.cpu_count()
    except NotImplementedError:
        return 1


def resolve_executor(executor):
    """The engine for ``map(..., executor=executor)``, or None for the
    threads of the calling process.

    :param executor: None or ``'threads'``, a
        :class:`concurrent.futures.Executor`, or a dask.distributed
        ``Client`` (its ``get_executor()`` is used).
    :raises InvalidArgumentTypeError: anything else.
    """
    if executor is None or executor == 'threads':
        return None
    if _module_of(executor).startswith('distributed') and hasattr(
            executor, 'get_executor'):
        executor = executor.get_executor()
    if not isinstance(executor, futures.Executor) or isinstance(
            executor, six.string_types):
        raise wrong_type('executor', _EXPECTED, executor)
    module = _module_of(executor)
    if isinstance(executor, futures.ThreadPoolExecutor):
        kind = 'threads'
    elif module.startswith('distributed'):
        kind = 'dask'
    elif isinstance(executor, futures.ProcessPoolExecutor) or \
            module.startswith('loky'):
        kind = 'processes'
    else:
        kind = 'other'
    return _Engine(executor, kind)


def fan_out_on(executor, pool, func, tasks, **options):
    """A pool's ``map``: its ``(key, callable)`` tasks fanned out on threads
    (:func:`~mangrove.fanout.fan_out`), or ``func`` on ``executor`` in
    chunks, as the pool groups its keys (each service of a multi-service
    pool, each account of an account pool, a group of its own).

    :raises InvalidArgumentTypeError: ``executor`` is not one.
    """
    engine = resolve_executor(executor)
    if engine is None:
        return fan_out(tasks, **options)
    return map_in_chunks(engine, func, [
        Group(pool, keys)
        for keys in pool.chunk_groups([key for key, _ in tasks])], **options)
