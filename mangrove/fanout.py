# -*- coding: utf-8 -*-
"""
Run one callable per region at once and gather every outcome apart.

:func:`fan_out` is the engine under ``ServicePool.map``: it runs a list of
``(key, callable)`` tasks on threads, waits for them (up to an optional
timeout), and returns a :class:`RegionResults` holding each task's result or
its exception. One task failing or overrunning the timeout never loses
another's result.

Each call makes its own thread pool and shuts it down before returning. A
pool shared between calls would be cheaper by a few thread starts, but one
caller's slow or stuck regions would then hold workers another caller is
waiting for, a shared ``max_workers`` would mean nothing per call, and its
threads would not survive a ``fork()``. Starting threads costs microseconds;
the calls they make cost round trips to AWS.
"""
from __future__ import absolute_import

import collections
import logging
import math
import numbers
import sys
import time
import traceback
from concurrent.futures import (
    ThreadPoolExecutor, TimeoutError as _FuturesTimeoutError, as_completed)

import six

from mangrove.exceptions import (
    MAX_NAMES, FanOutError, FanOutTimeoutError, InvalidArgumentError,
    RegionNotInPoolError, error_text, name_list, wrong_type, wrong_value)

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

logger = logging.getLogger(__name__)

#: Threads used when ``max_workers`` is not given (fewer for fewer tasks).
DEFAULT_MAX_WORKERS = 32

# Python 2.7 has no monotonic clock; the futures backport uses time.time too.
_now = getattr(time, 'monotonic', time.time)


def fan_out(tasks, max_workers=None, timeout=None, on_result=None):
    """Run every task at once on threads and gather each outcome apart.

    Each callable is called with no arguments. A task that raises is
    recorded in :attr:`RegionResults.errors` with its traceback; the others
    are unaffected.

    With a ``timeout``, the call returns once that many seconds have passed
    since it started, whatever the tasks are doing. Every task that has not
    finished by then is reported in :attr:`RegionResults.errors` as a
    :class:`~mangrove.exceptions.FanOutTimeoutError`; those not yet started
    are cancelled, but Python cannot stop a running thread, so a task still
    running goes on in the background until its callable returns and its
    result is dropped. Give boto calls a socket timeout of their own so
    such threads end (the interpreter waits for them at exit).

    :param tasks: ``(key, callable)`` pairs, in the order the results should
        keep. Keys must be hashable and distinct: region keys such as
        ``'us_east_1'`` or tuples such as ``('ec2', 'us_east_1')``.
    :type tasks: list of tuple
    :param max_workers: at most this many tasks run at once; by default
        ``min(32, len(tasks))``.
    :type max_workers: int or None
    :param timeout: seconds, from the start of the call, after which the
        call returns and unfinished tasks count as timed out; ``None`` waits
        for every task.
    :type timeout: int, float or None
    :param on_result: called as ``on_result(key, result, error)`` exactly
        once per task, as each finishes, with ``error`` ``None`` on success
        and ``result`` ``None`` on failure; timed-out tasks are reported
        once the timeout strikes, in task order. It is always called from
        the thread that called :func:`fan_out`, one call at a time, so it
        needs no locking (a progress bar can update directly). An exception
        it raises is logged on the ``mangrove.fanout`` logger and the
        fan-out carries on, as :mod:`concurrent.futures` does for done
        callbacks: results already paid for are never thrown away because
        of a progress display.
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
    outcomes = [None] * len(tasks)

    def record(index, outcome):
        outcomes[index] = outcome
        if on_result is None:
            return
        key = tasks[index][0]
        ok, value, _ = outcome
        try:
            if ok:
                on_result(key, value, None)
            else:
                on_result(key, None, value)
        except Exception:
            logger.exception(
                'on_result raised for %s; the fan-out carries on',
                format_key(key))

    executor = ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix='mangrove-fanout')
    unfinished = {}
    try:
        for index, (_, func) in enumerate(tasks):
            unfinished[executor.submit(_call, func)] = index
        remaining = None if deadline is None else max(0.0, deadline - _now())
        completed = as_completed(list(unfinished), timeout=remaining)
        while True:
            try:
                future = next(completed)
            except (StopIteration, _FuturesTimeoutError):
                break
            record(unfinished.pop(future), future.result())
        # Only a timeout leaves futures behind. Those not started yet never
        # will; the rest are reported in task order.
        for future in unfinished:
            future.cancel()
        for future, index in sorted(unfinished.items(), key=lambda i: i[1]):
            if future.done() and not future.cancelled():
                # Finished between the deadline and now: keep the result.
                del unfinished[future]
                record(index, future.result())
                continue
            record(index, (False, _timeout_error(
                tasks[index][0], timeout, workers, future.cancelled()), None))
        if unfinished:
            logger.debug(
                'fan-out timed out after %ss; still running or cancelled: %s',
                timeout, ', '.join(format_key(tasks[i][0])
                                   for i in sorted(unfinished.values())))
    finally:
        # On a timeout (or an interrupt of the caller) some threads may be
        # stuck in a callable: waiting for them would break the promise to
        # return by the deadline. Idle workers exit either way.
        for future in unfinished:
            future.cancel()
        executor.shutdown(wait=not unfinished)

    results, errors, tracebacks = [], [], []
    for (key, _), (ok, value, tb) in zip(tasks, outcomes):
        if ok:
            results.append((key, value))
        else:
            errors.append((key, value))
            tracebacks.append((key, tb))
    return RegionResults(results, errors, tracebacks)


def _call(func):
    # The traceback is taken here, in the worker, because Python 2 exceptions
    # carry none and the futures backport's Future.exception() drops it.
    # BaseException too, as concurrent.futures does: a task's SystemExit must
    # become that task's error, not end the caller's whole fan-out.
    try:
        return True, func(), None
    except BaseException:
        _, error, tb = sys.exc_info()
        return False, error, tb


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
    seconds = float(timeout)
    # NaN fails "> 0"; infinity overflows the lock waits underneath.
    if not (seconds > 0 and not math.isinf(seconds)):
        raise wrong_value('timeout', 'a positive, finite number of seconds '
                          'or None', timeout)
    return seconds


def _format_seconds(seconds):
    return ('%g' % seconds) if seconds is not None else 'None'


def format_key(key):
    """How mangrove writes a result key in messages.

    ``'us_east_1'`` stays as it is; a mixin pool's ``('ec2', 'us_east_1')``
    becomes ``ec2/us_east_1``.

    :param key: a task key.
    :rtype: str
    """
    if isinstance(key, tuple):
        return '/'.join('%s' % (part,) for part in key)
    return '%s' % (key,)


class RegionResults(Mapping):
    """The outcome of a fan-out: each key's result, or its error.

    As a mapping it holds the keys that succeeded, key -> result, in task
    order (the pool's region order), not in the order the tasks finished.
    The keys that failed or timed out are in :attr:`errors` instead::

        results = pool.map(lambda region: region.get_all_instances())
        for region_key, reservations in results.items():
            ...
        if not results.ok:
            print(results.format_error(results.failed[0]))
        results.raise_for_errors()

    Looking up a key that failed raises a :class:`KeyError` (a
    :class:`~mangrove.exceptions.RegionNotInPoolError`) that says why.

    :param results: key -> result of the tasks that succeeded, in order.
    :type results: mapping or list of pairs
    :param errors: key -> exception of the tasks that failed, in order.
    :type errors: mapping or list of pairs
    :param tracebacks: key -> traceback of each failed task (``None`` for a
        timeout, which has none).
    :type tracebacks: mapping or list of pairs

    :ivar errors: key -> exception of each task that failed or timed out, in
        task order (an :class:`~collections.OrderedDict`).
    :ivar tracebacks: key -> traceback object of each failed task, kept
        apart from the exception because Python 2 exceptions carry none
        (re-raise one with ``six.reraise``).
    """

    def __init__(self, results=(), errors=(), tracebacks=()):
        self._results = collections.OrderedDict(results)
        self.errors = collections.OrderedDict(errors)
        self.tracebacks = collections.OrderedDict(tracebacks)

    def __getitem__(self, key):
        try:
            return self._results[key]
        except KeyError:
            pass
        except TypeError:
            raise RegionNotInPoolError(
                '%r cannot be a key of these results (unhashable %s)'
                % (key, type(key).__name__), value=key,
                valid=self.succeeded)
        error = self.errors.get(key)
        if error is not None:
            six.raise_from(RegionNotInPoolError(
                '%s has no result: it failed with %s (see .errors[%r])'
                % (format_key(key), error_text(error), key), value=key,
                valid=self.succeeded), error)
        raise RegionNotInPoolError(
            '%r is not a key of these results; succeeded: %s; failed: %s'
            % (key, self._key_list(self._results),
               self._key_list(self.errors)), value=key, valid=self.succeeded)

    def __contains__(self, key):
        try:
            return key in self._results
        except TypeError:
            return False

    def __iter__(self):
        return iter(self._results)

    def __len__(self):
        return len(self._results)

    def __repr__(self):
        text = '<RegionResults %d ok' % len(self._results)
        if self.errors:
            failed = [format_key(k) for k in self.errors]
            shown = ', '.join(failed[:3])
            if len(failed) > 3:
                shown += ', ... (+%d)' % (len(failed) - 3)
            text += ', %d failed: %s' % (len(failed), shown)
        return text + '>'

    @property
    def ok(self):
        """``True`` when no task failed or timed out.

        :rtype: bool
        """
        return not self.errors

    @property
    def succeeded(self):
        """The keys that have a result, in task order.

        :rtype: list
        """
        return list(self._results)

    @property
    def failed(self):
        """The keys that failed or timed out, in task order.

        :rtype: list
        """
        return list(self.errors)

    def format_error(self, key):
        """The traceback of a failed key's error, as text.

        :param key: a key of :attr:`errors`.
        :rtype: str
        :raises KeyError: ``key`` did not fail.
        """
        try:
            error = self.errors[key]
        except KeyError:
            raise RegionNotInPoolError(
                '%r did not fail; failed keys: %s'
                % (key, self._key_list(self.errors)), value=key,
                valid=self.failed)
        return ''.join(traceback.format_exception(
            type(error), error, self.tracebacks.get(key)))

    def raise_for_errors(self):
        """Raise if any task failed or timed out; do nothing otherwise.

        The error is chained from the first failure in task order, so its
        traceback shows where that one went wrong.

        :raises FanOutError: naming every failed key and its error, with
            these results as its ``.results``.
        """
        if not self.errors:
            return
        lines = ['fan-out failed for %d of %d keys:' % (
            len(self.errors), len(self.errors) + len(self._results))]
        for key, error in list(self.errors.items())[:MAX_NAMES]:
            lines.append('  %s: %s' % (format_key(key), error_text(error)))
        if len(self.errors) > MAX_NAMES:
            lines.append('  ... and %d more (see .results.errors)'
                         % (len(self.errors) - MAX_NAMES))
        first = next(iter(self.errors.values()))
        six.raise_from(FanOutError('\n'.join(lines), results=self), first)

    @staticmethod
    def _key_list(keys):
        return name_list(format_key(k) for k in keys)
