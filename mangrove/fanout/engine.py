# -*- coding: utf-8 -*-
"""
Run one callable per region at once and gather every outcome apart.

:func:`fan_out` is the engine under ``ServicePool.map``: it runs a list of
``(key, callable)`` tasks on threads, waits for them (up to an optional
timeout), and returns a :class:`~mangrove.fanout.results.RegionResults` holding
each task's result or its exception. One task failing or overrunning the
timeout never loses another's result. :func:`iter_fan_out` is its
streaming form: it yields each task's outcome as it finishes, for
inventories too large to hold.

By default every task of a fan-out runs at once (up to
:data:`DEFAULT_MAX_WORKERS` threads), so a fan-out over every region takes
about as long as its slowest region; what keeps a wide fan-out from
flooding one endpoint is that endpoint's concurrency limit
(:mod:`mangrove.limits`), which holds across fan-outs, and throttling
errors are retried with backoff (:mod:`mangrove.throttling`).

Each task runs in a :class:`~mangrove.fanout.context.SendContext` of its own:
the requests it makes are counted in its stats and retried by the
fan-out's ``retry``. That context is the worker thread's, so a thread the
task starts has none (the process default policy, counted nowhere), unless
its function is wrapped by :func:`carry`::

    def task():
        thread = threading.Thread(target=carry(work))
        thread.start()
        thread.join()

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

import logging
import math
import numbers

import six

from mangrove._compat import Mapping, now
from mangrove.exceptions import (
    FanOutTimeoutError, InvalidArgumentError, InvalidArgumentTypeError,
    wrong_type, wrong_value)
from mangrove.fanout.context import carry
from mangrove.fanout.order import start_order
from mangrove.fanout.results import RegionResults, format_key
from mangrove.fanout.stats import CallStats
from mangrove.fanout.threads import Outcome, Reporter, TaskRun
from mangrove.throttling import check_retry

__all__ = ['fan_out', 'iter_fan_out', 'Outcome', 'RegionResults',
           'format_key', 'DEFAULT_MAX_WORKERS', 'carry']

logger = logging.getLogger(__name__)

#: Threads used when ``max_workers`` is not given (fewer for fewer tasks):
#: enough for every task of a fan-out over all regions of ten services at
#: once. Concurrency per endpoint is bounded apart, by
#: :mod:`mangrove.limits`.
DEFAULT_MAX_WORKERS = 512


def fan_out(tasks, max_workers=None, timeout=None, on_result=None,
            retry=None):
    """Run every task at once on threads and gather each outcome apart.

    Each callable is called with no arguments. A task that raises is
    recorded in :attr:`RegionResults.errors` with its traceback; the others
    are unaffected. What each task cost (requests, throttling errors
    retried, seconds backing off) is in :attr:`RegionResults.stats`.

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

    Tasks whose callable has an ``expected_seconds`` (a pool's tasks do:
    what their region took lately) start slowest first, so that the longest
    round trips are on the wire while the client works on the short ones;
    results keep the order of ``tasks`` (see :mod:`mangrove.fanout.order`).

    Ctrl-C (:class:`KeyboardInterrupt`) in the calling thread ends the
    call at once, on every Python; tasks not started are dropped, those
    running are given up on as above.

    :param tasks: ``(key, callable)`` pairs, in the order the results should
        keep. Keys must be hashable and distinct: region keys such as
        ``'us_east_1'`` or tuples such as ``('ec2', 'us_east_1')``.
    :type tasks: list of tuple
    :param max_workers: at most this many tasks run at once; by default
        ``min(DEFAULT_MAX_WORKERS, len(tasks))``, every task at once.
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
        paid for are never thrown away because of a progress display. A
        :class:`SystemExit` or :class:`KeyboardInterrupt` it raises is
        raised by the call, at once, as if ``on_result`` had run in the
        calling thread; the tasks still running are left to finish on
        their own.
    :type on_result: callable or None
    :param retry: how the tasks' requests retry throttling errors; by
        default the process's policy
        (:func:`mangrove.throttling.default_retry`).
    :type retry: :class:`~mangrove.throttling.RetryPolicy` or None
    :rtype: RegionResults
    :raises InvalidArgumentTypeError: an argument has the wrong type.
    :raises InvalidArgumentError: an argument has an unusable value, or two
        tasks share a key.
    """
    tasks = _checked_tasks(tasks)
    timeout = check_options(max_workers, timeout, on_result, retry)
    if not tasks:
        return RegionResults()

    deadline = None if timeout is None else now() + timeout
    workers = min(max_workers or DEFAULT_MAX_WORKERS, len(tasks))
    run = TaskRun(iter([(index,) + tasks[index] for index
                        in start_order([func for _, func in tasks])]),
                  workers, retry, eager=on_result is not None)
    outcomes = _Outcomes(tasks, on_result, run.wake)
    finished = False
    try:
        while outcomes.missing:
            batch = run.wait(deadline)
            outcomes.check()
            for outcome in batch:
                outcomes.record(outcome)
            if not batch and deadline is not None and now() >= deadline:
                break
        # Only a timeout leaves tasks unreported. Those not started yet
        # never will; the rest are reported in task order.
        running, late = run.stop()
        for outcome in late:
            # Finished between the deadline and now: keep the result.
            outcomes.record(outcome)
        for index in sorted(outcomes.missing):
            outcomes.record(_timed_out(index, tasks[index][0], timeout,
                                       workers, index not in running))
        finished = True
    finally:
        # On a timeout or an interrupt, some threads may be stuck in a
        # callable: they are left to finish on their own. Idle ones exit.
        run.stop()
        outcomes.close(deadline, interrupted=not finished)
    if run.idle:
        run.join()  # each worker has returned from its last task
    else:
        logger.debug('fan-out timed out after %ss; given up on: %s', timeout,
                     ', '.join(format_key(tasks[index][0])
                               for index in sorted(run.running)))
    return outcomes.results()


def iter_fan_out(tasks, max_workers=None, timeout=None, retry=None):
    """Run tasks at once on threads and yield each outcome as it finishes.

    The streaming form of :func:`fan_out`, for fan-outs too large to hold
    (an inventory of every account, service and region): ``tasks`` may be
    any iterable, a generator included, and is read only as workers free
    up; each task's :class:`~mangrove.fanout.threads.Outcome` is yielded as
    soon as it finishes, and dropped by the fan-out once yielded. Memory is
    needed for the tasks in flight and for at most ``max_workers`` outcomes
    the loop has not taken yet (workers wait while that many are waiting),
    never for every result::

        for outcome in iter_fan_out((key, task) for key, task in inventory):
            if outcome.error is None:
                write(outcome.key, outcome.result)

    Each outcome is ``(key, result, error, traceback, stats, position)``:
    ``error`` is None on success, ``stats`` the task's
    :class:`~mangrove.fanout.stats.CallStats`, ``position`` its place among the
    tasks. Keys are not checked for being distinct (that would mean holding
    them all). With a ``timeout``, the tasks still running when it strikes
    are yielded with a :class:`~mangrove.exceptions.FanOutTimeoutError`,
    then every task not started (the rest of ``tasks`` is read for that).
    Leaving the loop early (``break``, an exception) starts no further task
    and gives up on those running, as a timeout does.

    :param tasks: ``(key, callable)`` pairs; an item that is not one raises
        :class:`~mangrove.exceptions.InvalidArgumentTypeError` from the
        loop when it is reached.
    :type tasks: iterable of tuple
    :param max_workers: at most this many tasks run at once (default
        :data:`DEFAULT_MAX_WORKERS`; threads start only as tasks need them).
    :type max_workers: int or None
    :param timeout: seconds from the first step of the loop.
    :type timeout: int, float or None
    :param retry: as for :func:`fan_out`.
    :type retry: :class:`~mangrove.throttling.RetryPolicy` or None
    :returns: an iterator of :class:`~mangrove.fanout.threads.Outcome`.
    :raises InvalidArgumentTypeError: an argument has the wrong type.
    :raises InvalidArgumentError: an argument has an unusable value.
    """
    if isinstance(tasks, (six.string_types, bytes, Mapping)) or not hasattr(
            tasks, '__iter__'):
        raise wrong_type('tasks', 'an iterable of (key, callable) pairs',
                         tasks)
    timeout = check_options(max_workers, timeout, retry=retry)
    source = _slowest_first(tasks) if isinstance(tasks, (list, tuple)) \
        else _checked_stream(tasks)
    return _stream(source, max_workers or DEFAULT_MAX_WORKERS, timeout,
                   retry)


def _stream(source, workers, timeout, retry):
    deadline = None if timeout is None else now() + timeout
    run = TaskRun(source, workers, retry, backlog=workers)
    try:
        timed_out = False
        while not (timed_out or run.drained):
            batch = run.wait(deadline)
            for outcome in batch:
                yield outcome
            if run.source_error is not None:
                run.stop()
                run.raise_source_error()
            timed_out = not batch and deadline is not None and \
                now() >= deadline
        if not timed_out:
            run.join()  # each worker has returned from its last task
            return
        running, late = run.stop()
        for outcome in late:
            yield outcome
        for index in sorted(running):
            yield _timed_out(index, running[index], timeout, workers, False)
        for index, key, _ in source:
            yield _timed_out(index, key, timeout, workers, True)
    finally:
        run.stop()


def _slowest_first(tasks):
    """The checked tasks of a list, which is held whole already, in
    :func:`~mangrove.fanout.order.start_order`; a list with a bad item is read
    in its own order instead, so the item raises when it is reached."""
    try:
        checked = list(_checked_stream(tasks))
    except InvalidArgumentTypeError:
        checked = None
    if checked is None:
        for task in _checked_stream(tasks):
            yield task
        return
    for index in start_order([func for _, _, func in checked]):
        yield checked[index]


def _checked_stream(tasks):
    """``(index, key, callable)`` of each task, checked as it is read."""
    for index, task in enumerate(tasks):
        if isinstance(task, list):
            task = tuple(task)
        if not (isinstance(task, tuple) and len(task) == 2
                and callable(task[1])):
            raise wrong_type('each task', 'a (key, callable) pair', task)
        try:
            hash(task[0])
        except TypeError:
            raise wrong_type('task keys', 'hashable (a string or a tuple)',
                             task[0])
        yield index, task[0], task[1]


class _Outcomes(object):
    """Each task's outcome as the calling thread learns it, reported to
    ``on_result`` (if any) through a
    :class:`~mangrove.fanout.threads.Reporter`."""

    def __init__(self, tasks, on_result, wake):
        self.tasks = tasks
        self.outcomes = [None] * len(tasks)
        self.missing = set(range(len(tasks)))
        self.reporter = None if on_result is None else Reporter(on_result,
                                                                wake)

    def check(self):
        """Raise the SystemExit or KeyboardInterrupt ``on_result`` raised."""
        if self.reporter is not None:
            self.reporter.check()

    def record(self, outcome):
        self.outcomes[outcome.position] = outcome
        self.missing.discard(outcome.position)
        if self.reporter is not None:
            self.reporter.put(outcome.key, outcome.result, outcome.error)

    def close(self, deadline, interrupted):
        if self.reporter is not None:
            self.reporter.close(deadline, interrupted)

    def results(self):
        results, errors, tracebacks = [], [], []
        for outcome in self.outcomes:
            if outcome.error is None:
                results.append((outcome.key, outcome.result))
            else:
                errors.append((outcome.key, outcome.error))
                tracebacks.append((outcome.key, outcome.traceback))
        return RegionResults(results, errors, tracebacks,
                             [(o.key, o.stats) for o in self.outcomes])


def _timed_out(index, key, timeout, workers, never_started):
    message = '%s did not finish within the fan-out timeout of %ss' % (
        format_key(key), _format_seconds(timeout))
    if never_started:
        message += (' (it never started: all %d worker threads were busy; '
                    'raise max_workers)' % workers)
    error = FanOutTimeoutError(message)
    error.key, error.timeout = key, timeout
    return Outcome(key, None, error, None, CallStats(), index)


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


def check_options(max_workers=None, timeout=None, on_result=None,
                  retry=None):
    """Refuse a fan-out option of the wrong type or value, as
    :func:`fan_out` does (a pool checks them before anything runs).

    :returns: ``timeout`` in seconds, or None.
    :raises InvalidArgumentTypeError: an option has the wrong type.
    :raises InvalidArgumentError: an option has an unusable value.
    """
    _check_max_workers(max_workers)
    timeout = _checked_timeout(timeout)
    if on_result is not None and not callable(on_result):
        raise wrong_type('on_result', 'a callable taking (key, result, '
                         'error) or None', on_result)
    check_retry(retry)
    return timeout


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
