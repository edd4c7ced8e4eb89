# -*- coding: utf-8 -*-
"""
One fan-out's run on threads: tasks handed out to worker threads as they
free up, outcomes handed back to the calling thread as they finish.

Tasks are taken from their source one at a time, when a worker is free, so
a fan-out over a generator of a hundred thousand tasks holds only the tasks
in flight. With a ``backlog``, workers also wait while that many outcomes
are finished but not yet taken by the caller, so a slow consumer of a
stream holds memory for a bounded number of results.

Each task runs in a :class:`~mangrove.fanout.context.SendContext` of its own,
made here, so the requests it makes through a pool's connections are
counted in its :class:`~mangrove.fanout.stats.CallStats` and retried under the
fan-out's retry policy. The context is the worker thread's for the task's
call alone: the next task on that thread, the caller's thread and any
thread the task starts (unless given :func:`~mangrove.fanout.context.carry`)
never see it.
"""
from __future__ import absolute_import

import collections
import logging
import sys
import threading

import six

from mangrove._compat import now, wait_until
from mangrove.fanout.context import SendContext
from mangrove.fanout.keys import format_key
from mangrove.fanout.stats import CallStats

__all__ = ['Outcome', 'TaskRun', 'Reporter']

logger = logging.getLogger('mangrove.fanout')

#: One task's outcome: its ``key``, its ``result`` (None when it failed),
#: its ``error`` (None when it succeeded), the ``traceback`` of the error
#: and the task's :class:`~mangrove.fanout.stats.CallStats`. ``position``
#: is its place among the tasks.
Outcome = collections.namedtuple(
    'Outcome', 'key result error traceback stats position')


class TaskRun(object):
    """Hands ``(index, key, callable)`` items of ``source`` out to worker
    threads, and their :class:`Outcome` back to the calling thread.

    :param source: an iterator of ``(index, key, callable)``.
    :param workers: how many worker threads at most.
    :param retry: the retry policy the tasks' requests run under.
    :param backlog: workers take no task while this many outcomes wait for
        the caller; None: no bound.
    :param eager: the caller takes each outcome as it finishes (a stream,
        a progress callback); otherwise it is woken only once every task
        has finished (or at its deadline).
    """

    def __init__(self, source, workers, retry=None, backlog=None,
                 eager=True):
        self.source = source
        self.retry = retry
        self.backlog = backlog
        # Waking the caller costs a thread switch, about as much client
        # CPU as a small request's parsing: a caller that only wants the
        # whole is woken once, not once per task.
        self.eager = eager or backlog is not None
        self.cond = threading.Condition(threading.Lock())
        self.stopped = False      # no task starts any more
        self.exhausted = False    # the source has no more tasks
        self.source_error = None  # exc_info of a source that raised
        self.running = {}         # index -> key, of the tasks in flight
        self.woken = False        # wake() was called: the caller must look
        self.finished = collections.deque()  # outcomes the caller has not
        # Workers start as tasks need them: a stream of unknown length
        # starts no more threads than it has tasks in flight.
        self.workers = workers
        self.threads = []
        self.started = 1          # threads started or being started
        self._thread(0)

    def _thread(self, number):
        """Start worker ``number``, outside the lock: ``start()`` waits
        for the new thread to run, and the other workers must not wait
        for that to record an outcome or take a task."""
        thread = threading.Thread(target=self._work, name='mangrove-fanout_%d'
                                  % number)
        # A task given up on must not keep the interpreter from exiting.
        thread.daemon = True
        thread.start()
        with self.cond:
            self.threads.append(thread)

    @property
    def idle(self):
        """No task is in flight and none will start."""
        with self.cond:
            return not self.running and (self.stopped or self.exhausted)

    @property
    def drained(self):
        """Every task ran and the caller has taken every outcome."""
        with self.cond:
            return self.exhausted and not self.running and \
                not self.finished

    def _take(self):
        """The next task for a worker, or None when there is none; starts
        one more worker when every one is busy."""
        task, more = self._next()
        if more is not None:
            self._thread(more)
        return task

    def _next(self):
        """``(task or None, number of a worker to start or None)``."""
        with self.cond:
            if self.backlog is not None:
                wait_until(self.cond, lambda: self.stopped or
                           len(self.finished) < self.backlog)
            if self.stopped or self.exhausted:
                return None, None
            try:
                task = next(self.source, None)
            except BaseException:
                self.source_error = sys.exc_info()
                task = None
            if task is None:
                self.exhausted = True
                self.cond.notify_all()
                return None, None
            self.running[task[0]] = task[1]
            if len(self.running) >= self.started and \
                    self.started < self.workers:
                # Every worker is busy: one more may help.
                self.started += 1
                return task, self.started - 1
            return task, None

    def _work(self):
        while True:
            task = self._take()
            if task is None:
                return
            index, key, func = task
            outcome = _call(index, key, func, self.retry)
            with self.cond:
                del self.running[index]
                if not self.stopped:
                    self.finished.append(outcome)
                if self.eager or self._done():
                    self.cond.notify_all()
            # A stream's caller drops each result once it has it: a worker
            # waiting for its next task must not keep its last one alive.
            del task, func, outcome

    def _done(self):
        return self.stopped or (self.exhausted and not self.running)

    def wait(self, deadline):
        """The outcomes finished since the last call, waiting until
        ``deadline`` (None: for ever) or until nothing is left to run, or,
        for an ``eager`` caller, for one."""
        with self.cond:
            wait_until(self.cond, (lambda: self.woken or self.finished or
                                   self._done())
                       if self.eager else self._done, deadline)
            batch = list(self.finished)
            self.finished.clear()
            self.cond.notify_all()
            return batch

    def wake(self):
        """End the caller's :meth:`wait` now, and each later one at once
        (the caller has something to do besides taking outcomes)."""
        with self.cond:
            self.woken = True
            self.cond.notify_all()

    def stop(self):
        """Start no more tasks; return ``(keys in flight by index,
        outcomes not yet taken)``."""
        with self.cond:
            self.stopped = True
            late = list(self.finished)
            self.finished.clear()
            self.cond.notify_all()
            return dict(self.running), late

    def raise_source_error(self):
        """Raise what the task source raised, if it did."""
        if self.source_error is not None:
            error, self.source_error = self.source_error, None
            six.reraise(*error)

    def join(self):
        """Wait for the worker threads, once :attr:`idle`."""
        with self.cond:
            threads = list(self.threads)
        for thread in threads:
            thread.join()


def _call(index, key, func, retry):
    # The traceback is taken here, in the worker, because Python 2
    # exceptions carry none. BaseException too, as concurrent.futures does:
    # a task's SystemExit must become that task's error, not end the
    # caller's whole fan-out.
    stats = CallStats()
    context = SendContext(stats, retry)
    started = now()
    try:
        result = context.run(func)
    except BaseException:
        _, error, tb = sys.exc_info()
        stats.elapsed = now() - started
        return Outcome(key, None, error, tb, stats, index)
    stats.elapsed = now() - started
    return Outcome(key, result, None, None, stats, index)


class Reporter(object):
    """Calls ``on_result`` one report at a time on a thread of its own, so
    that a slow callback never holds the fan-out past its timeout.

    An :class:`Exception` from ``on_result`` is logged and the reports go
    on. A :class:`SystemExit` or :class:`KeyboardInterrupt` (anything not an
    :class:`Exception`) is meant for the program: the reports stop, and
    :meth:`check` (or :meth:`close`) raises it in the calling thread, which
    ``wake`` (if given) tells at once.

    :param on_result: ``on_result(key, result, error)``.
    :param wake: called with no argument, from the report thread, when
        ``on_result`` raised something the caller must raise.
    """

    # How long past the timeout a fan-out waits for on_result to take the
    # last reports (the timed-out tasks) before it returns without them.
    GRACE = 0.2

    def __init__(self, on_result, wake=None):
        self.on_result = on_result
        self.wake = wake
        self.cond = threading.Condition(threading.Lock())
        self.queue = collections.deque()
        self.busy = False
        self.closed = False
        self.dropped = False
        self.raised = None
        self.thread = threading.Thread(target=self._loop,
                                       name='mangrove-fanout-report')
        self.thread.daemon = True
        self.thread.start()

    def put(self, key, result, error):
        with self.cond:
            self.queue.append((key, result, error))
            self.cond.notify_all()

    def _loop(self):
        while True:
            with self.cond:
                wait_until(self.cond, lambda: self.queue or self.closed)
                if not self.queue or self.dropped:
                    return
                key, result, error = self.queue.popleft()
                self.busy = True
            stop = False
            try:
                self.on_result(key, result, error)
            except Exception:
                logger.exception(
                    'on_result raised for %s; the fan-out carries on',
                    format_key(key))
            except BaseException as exc:
                # Left to end this thread alone, it would end nothing, and
                # a fan-out with no timeout would wait for ever for the
                # reports no one takes any more.
                stop = True
                with self.cond:
                    self.raised = exc
                    self.dropped = True
            finally:
                with self.cond:
                    self.busy = False
                    self.cond.notify_all()
            if stop:
                if self.wake is not None:
                    self.wake()
                return

    def check(self):
        """Raise what ``on_result`` raised for the program, if it did."""
        if self.raised is not None:
            raise self.raised

    def close(self, deadline, interrupted=False):
        """Wait until every report is taken (or until a moment after
        ``deadline``, if any); drop the rest. After an interrupt, drop them
        now."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()
            if interrupted:
                self.dropped = True
                return
            limit = None if deadline is None else max(
                deadline, now()) + self.GRACE
            if not wait_until(self.cond, lambda: self.dropped or not (
                    self.queue or self.busy), limit):
                self.dropped = True
                logger.warning(
                    'on_result was still busy at the fan-out timeout; %d '
                    'report(s) dropped', len(self.queue))
                return
        self.thread.join()
        self.check()
