# -*- coding: utf-8 -*-
"""
Run one callable per region at once and gather every outcome apart.

:func:`fan_out` is the engine under ``ServicePool.map``: it runs a list of
``(key, callable)`` tasks on threads, waits for them (up to an optional
timeout), and returns a :class:`~mangrove.results.RegionResults` holding
each task's result or its exception. One task failing or overrunning the
timeout never loses another's result.

Each call starts its own worker threads, which end with it. Threads shared
between calls would be cheaper by a few thread starts, but one caller's slow
or stuck regions would then hold workers another caller is waiting for, a
shared ``max_workers`` would mean nothing per call, and the threads would
not survive a ``fork()``. Starting threads costs microseconds; the calls
they make cost round trips to AWS.

The threads are mangrove's own rather than a
:class:`concurrent.futures.ThreadPoolExecutor`'s, for three promises the
executor cannot keep: a task given up on at the timeout must not hold the
interpreter open at exit (the executor joins its threads at exit; these are
daemon threads), Ctrl-C must end a fan-out at once on Python 2.7 too (whose
untimed lock waits ignore it; every wait here is a short timed one), and a
timeout too long for the platform's lock waits must not overflow them.
"""
from __future__ import absolute_import

import collections
import logging
import math
import numbers
import sys
import threading
import time

import six

from mangrove._interpreters import Mapping
from mangrove.exceptions import (
    FanOutTimeoutError, InvalidArgumentError, wrong_type, wrong_value)
from mangrove.results import RegionResults, format_key


__all__ = ['fan_out', 'RegionResults', 'format_key', 'DEFAULT_MAX_WORKERS']

logger = logging.getLogger(__name__)

#: Threads used when ``max_workers`` is not given (fewer for fewer tasks).
DEFAULT_MAX_WORKERS = 32

# Python 2.7 has no monotonic clock.
_now = getattr(time, 'monotonic', time.time)

# The longest single wait of the calling thread: short, so that Ctrl-C is
# seen at once on Python 2.7 and no timeout, however long, reaches a lock
# wait that would overflow; long enough to cost nothing while it waits.
_SLICE = 0.25

# How long past the timeout a fan-out waits for on_result to take the last
# reports (the timed-out tasks) before it returns without them.
_REPORT_GRACE = 0.2


def fan_out(tasks, max_workers=None, timeout=None, on_result=None):
    """Run every task at once on threads and gather each outcome apart.

    Each callable is called with no arguments. A task that raises is
    recorded in :attr:`RegionResults.errors` with its traceback; the others
    are unaffected.

    With a ``timeout``, the call returns once that many seconds have passed
    since it started, whatever the tasks (or ``on_result``) are doing. Every
    task that has not finished by then is reported in
    :attr:`RegionResults.errors` as a
    :class:`~mangrove.exceptions.FanOutTimeoutError`; those not yet started
    never start. Python cannot stop a running thread: a task given up on
    runs on in the background until its callable returns, and its result is
    dropped. Its thread is a daemon thread, so it never keeps the
    interpreter from exiting (it ends with the process). Give boto calls a
    socket timeout of their own so that such threads do not pile up in a
    long-lived process.

    Ctrl-C (:class:`KeyboardInterrupt`) in the calling thread ends the
    call at once, on every Python; tasks not started are dropped, those
    running are given up on as above.

    :param tasks: ``(key, callable)`` pairs, in the order the results should
        keep. Keys must be hashable and distinct: region keys such as
        ``'us_east_1'`` or tuples such as ``('ec2', 'us_east_1')``.
    :type tasks: list of tuple
    :param max_workers: at most this many tasks run at once; by default
        ``min(32, len(tasks))``.
    :type max_workers: int or None
    :param timeout: seconds, from the start of the call, after which the
        call returns and unfinished tasks count as timed out; ``None`` waits
        for every task. Any finite length is valid (one longer than the
        process will live is no timeout).
    :type timeout: int, float or None
    :param on_result: called as ``on_result(key, result, error)`` exactly
        once per task, as each finishes, with ``error`` ``None`` on success
        and ``result`` ``None`` on failure; timed-out tasks are reported
        once the timeout strikes, in task order. The calls are made one at
        a time, in the order the tasks finish, from one thread of the
        fan-out, so it needs no locking (a progress bar can update
        directly). It never delays the call past its timeout: if it is
        still busy a moment after the timeout, the call returns, and the
        reports it has not taken are dropped (no call starts after the
        fan-out returned). An exception it raises is logged on the
        ``mangrove.fanout`` logger and the fan-out carries on, as
        :mod:`concurrent.futures` does for done callbacks: results already
        paid for are never thrown away because of a progress display.
    :type on_result: callable or None
    :rtype: RegionResults
    :raises InvalidArgumentTypeError: an argument has the wrong type.
    :raises InvalidArgumentError: an argument has an unusable value, or two
        tasks share a key.
    """
    tasks = _checked_tasks(tasks)
    _check_max_workers(max_workers)
    timeout = _checked_timeout(timeout)
    if on_result is not None and not callable(on_result):
        raise wrong_type('on_result', 'a callable taking (key, result, '
                         'error) or None', on_result)
    if not tasks:
        return RegionResults()

    deadline = None if timeout is None else _now() + timeout
    workers = min(max_workers or DEFAULT_MAX_WORKERS, len(tasks))
    run = _Run(tasks)
    outcomes = _Outcomes(tasks, on_result)
    threads = _start_workers(run, workers)
    finished = False
    try:
        while outcomes.missing:
            batch = run.wait(deadline)
            for index, outcome in batch:
                outcomes.record(index, outcome)
            if not batch and deadline is not None and _now() >= deadline:
                break
        # Only a timeout leaves tasks unreported. Those not started yet
        # never will; the rest are reported in task order.
        started, late = run.stop()
        for index, outcome in late:
            # Finished between the deadline and now: keep the result.
            outcomes.record(index, outcome)
        for index in sorted(outcomes.missing):
            outcomes.record(index, (False, _timeout_error(
                tasks[index][0], timeout, workers, index >= started), None))
        finished = True
    finally:
        # On a timeout or an interrupt, some threads may be stuck in a
        # callable: they are left to finish on their own. Idle ones exit.
        run.stop()
        outcomes.close(deadline, interrupted=not finished)
    if all(run.done):
        for thread in threads:
            thread.join()  # each has returned from its last task
    else:
        logger.debug('fan-out timed out after %ss; given up on: %s', timeout,
                     ', '.join(format_key(key) for (key, _), done
                               in zip(tasks, run.done) if not done))
    return outcomes.results()


class _Outcomes(object):
    """Each task's outcome as the calling thread learns it, reported to
    ``on_result`` (if any) through a :class:`_Reporter`."""

    def __init__(self, tasks, on_result):
        self.tasks = tasks
        self.outcomes = [None] * len(tasks)
        self.missing = set(range(len(tasks)))
        self.reporter = None if on_result is None else _Reporter(on_result)

    def record(self, index, outcome):
        self.outcomes[index] = outcome
        self.missing.discard(index)
        if self.reporter is not None:
            ok, value, _ = outcome
            self.reporter.put(self.tasks[index][0], value if ok else None,
                              None if ok else value)

    def close(self, deadline, interrupted):
        if self.reporter is not None:
            self.reporter.close(deadline, interrupted)

    def results(self):
        results, errors, tracebacks = [], [], []
        for (key, _), (ok, value, tb) in zip(self.tasks, self.outcomes):
            if ok:
                results.append((key, value))
            else:
                errors.append((key, value))
                tracebacks.append((key, tb))
        return RegionResults(results, errors, tracebacks)


class _Run(object):
    """One fan-out's tasks, handed out to its workers in order, and their
    outcomes handed back to the calling thread."""

    def __init__(self, tasks):
        self.tasks = tasks
        self.cond = threading.Condition(threading.Lock())
        self.next = 0          # the index of the next task to start
        self.stopped = False   # no task starts any more
        self.finished = []     # (index, outcome) not yet seen by the caller
        self.done = [False] * len(tasks)

    def take(self):
        """The next task's index for a worker, or None when there is none."""
        with self.cond:
            if self.stopped or self.next == len(self.tasks):
                return None
            self.next += 1
            return self.next - 1

    def finish(self, index, outcome):
        with self.cond:
            self.done[index] = True
            if not self.stopped:
                self.finished.append((index, outcome))
                self.cond.notify()

    def wait(self, deadline):
        """The outcomes finished since the last call, waiting for one until
        ``deadline`` (None: for ever) in short, interruptible slices."""
        with self.cond:
            while not self.finished:
                wait = _SLICE
                if deadline is not None:
                    wait = min(wait, deadline - _now())
                    if wait <= 0:
                        break
                self.cond.wait(wait)
            batch, self.finished = self.finished, []
            return batch

    def stop(self):
        """Start no more tasks; ``(tasks started, outcomes not yet seen)``."""
        with self.cond:
            self.stopped = True
            late, self.finished = self.finished, []
            return self.next, late


def _start_workers(run, count):
    threads = []
    for number in range(count):
        thread = threading.Thread(
            target=_work, args=(run,),
            name='mangrove-fanout_%d' % number)
        # A task given up on must not keep the interpreter from exiting.
        thread.daemon = True
        thread.start()
        threads.append(thread)
    return threads


def _work(run):
    while True:
        index = run.take()
        if index is None:
            return
        run.finish(index, _call(run.tasks[index][1]))


def _call(func):
    # The traceback is taken here, in the worker, because Python 2
    # exceptions carry none. BaseException too, as concurrent.futures does:
    # a task's SystemExit must become that task's error, not end the
    # caller's whole fan-out.
    try:
        return True, func(), None
    except BaseException:
        _, error, tb = sys.exc_info()
        return False, error, tb


class _Reporter(object):
    """Calls ``on_result`` one report at a time on a thread of its own, so
    that a slow callback never holds the fan-out past its timeout."""

    def __init__(self, on_result):
        self.on_result = on_result
        self.cond = threading.Condition(threading.Lock())
        self.queue = collections.deque()
        self.busy = False
        self.closed = False
        self.dropped = False
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
                while not self.queue and not self.closed:
                    self.cond.wait(_SLICE)
                if not self.queue or self.dropped:
                    return
                key, result, error = self.queue.popleft()
                self.busy = True
            try:
                self.on_result(key, result, error)
            except Exception:
                logger.exception(
                    'on_result raised for %s; the fan-out carries on',
                    format_key(key))
            finally:
                with self.cond:
                    self.busy = False
                    self.cond.notify_all()

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
                deadline, _now()) + _REPORT_GRACE
            while self.queue or self.busy:
                wait = _SLICE
                if limit is not None:
                    wait = min(wait, limit - _now())
                    if wait <= 0:
                        break
                self.cond.wait(wait)
            if self.queue or self.busy:
                self.dropped = True
                logger.warning(
                    'on_result was still busy at the fan-out timeout; %d '
                    'report(s) dropped', len(self.queue))
                return
        self.thread.join()


def _timeout_error(key, timeout, workers, never_started):
    message = '%s did not finish within the fan-out timeout of %ss' % (
        format_key(key), _format_seconds(timeout))
    if never_started:
        message += (' (it never started: all %d worker threads were busy; '
                    'raise max_workers)' % workers)
    error = FanOutTimeoutError(message)
    error.key, error.timeout = key, timeout
    return error


def _checked_tasks(tasks):
    if isinstance(tasks, (six.string_types, bytes, Mapping)) or not hasattr(
            tasks, '__iter__'):
        raise wrong_type('tasks', 'a list of (key, callable) pairs', tasks)
    tasks = [tuple(task) if isinstance(task, list) else task
             for task in tasks]
    seen = set()
    for task in tasks:
        if not (isinstance(task, tuple) and len(task) == 2
                and callable(task[1])):
            raise wrong_type('each task', 'a (key, callable) pair', task)
        key = task[0]
        try:
            duplicate = key in seen
        except TypeError:
            raise wrong_type('task keys', 'hashable (a string or a tuple)',
                             key)
        if duplicate:
            raise InvalidArgumentError(
                'task keys must be distinct; %r appears more than once' % (
                    key,), value=key, valid='distinct keys')
        seen.add(key)
    return tasks


def _check_max_workers(max_workers):
    if max_workers is None:
        return
    if isinstance(max_workers, bool) or not isinstance(
            max_workers, six.integer_types):
        raise wrong_type('max_workers', 'a positive int or None', max_workers)
    if max_workers < 1:
        raise wrong_value('max_workers',
                          'a positive int (1 or more) or None', max_workers)


def _checked_timeout(timeout):
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
        raise wrong_type('timeout', 'a number of seconds (int or float) or '
                         'None', timeout)
    try:
        seconds = float(timeout)
    except OverflowError:  # an int beyond any float
        seconds = float('inf')
    # NaN fails "> 0". Infinity is refused so that "no timeout" is said one
    # way, None; any finite length is fine (waits are made in slices).
    if not (seconds > 0 and not math.isinf(seconds)):
        raise wrong_value('timeout', 'a positive, finite number of seconds '
                          'or None', timeout)
    return seconds


def _format_seconds(seconds):
    return ('%g' % seconds) if seconds is not None else 'None'
