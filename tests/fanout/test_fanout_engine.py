# -*- coding: utf-8 -*-
"""
The fan-out engine on its own, with plain callables (no AWS endpoint).

Ordering and concurrency are forced with events and conditions, never with
sleeps, and nothing here asserts on elapsed time. Every wait has a generous
bound only so that a bug fails the test instead of hanging it.
"""
from __future__ import absolute_import

import logging
import threading
from concurrent.futures import TimeoutError as FuturesTimeoutError

import pytest

from mangrove import fanout
from mangrove.exceptions import (
    FanOutError, FanOutTimeoutError, InvalidArgumentError,
    InvalidArgumentTypeError, MangroveError)
from mangrove.fanout import RegionResults, fan_out

# Nothing here talks to AWS: no moto server (see conftest.py).
pytestmark = pytest.mark.no_server

REGIONS = ['us_east_1', 'us_east_2', 'us_west_1', 'us_west_2', 'eu_west_1']

# Only bounds a wait that a bug would make endless; never asserted on.
HANG_GUARD = 10

# Long enough for a task that returns at once to finish even on a loaded
# machine, so only the task held on purpose times out.
TIMEOUT = 1.0


def returning(value):
    return lambda: value


def raise_in_us_east_2():
    raise ValueError('us_east_2 is down')


def raise_in_eu_west_1():
    raise RuntimeError('eu_west_1 refused\nwith a second line')


def test_results_follow_task_order_not_completion_order():
    # Each task waits for the one after it, so they finish last to first.
    finished = dict((key, threading.Event()) for key in REGIONS)
    completion = []

    def task(index):
        def run():
            if index + 1 < len(REGIONS):
                assert finished[REGIONS[index + 1]].wait(HANG_GUARD)
            completion.append(REGIONS[index])
            finished[REGIONS[index]].set()
            return index
        return run

    results = fan_out([(key, task(i)) for i, key in enumerate(REGIONS)])

    assert completion == list(reversed(REGIONS))
    assert list(results) == REGIONS
    assert list(results.keys()) == REGIONS
    assert list(results.values()) == [0, 1, 2, 3, 4]
    assert list(results.items()) == list(zip(REGIONS, range(5)))
    assert results.succeeded == REGIONS
    assert results.ok and results.failed == [] and not results.errors


def test_failures_are_kept_apart_with_their_traceback():
    tasks = [(key, returning(key.upper())) for key in REGIONS]
    tasks[1] = ('us_east_2', raise_in_us_east_2)

    results = fan_out(tasks)

    assert not results.ok
    assert len(results) == 4
    assert dict(results) == dict(
        (key, key.upper()) for key in REGIONS if key != 'us_east_2')
    assert results.failed == ['us_east_2']
    assert list(results.errors) == ['us_east_2']
    error = results.errors['us_east_2']
    assert isinstance(error, ValueError)
    assert str(error) == 'us_east_2 is down'
    text = results.format_error('us_east_2')
    assert 'raise_in_us_east_2' in text
    assert 'ValueError: us_east_2 is down' in text
    assert results.tracebacks['us_east_2'] is not None


def test_looking_up_a_failed_key_says_it_failed_and_why():
    results = fan_out([('us_east_1', returning(1)),
                       ('us_east_2', raise_in_us_east_2)])

    assert 'us_east_2' not in results
    assert results.get('us_east_2') is None
    with pytest.raises(KeyError) as failed:
        results['us_east_2']
    assert isinstance(failed.value, MangroveError)
    message = str(failed.value)
    assert 'us_east_2' in message and 'failed' in message
    assert 'ValueError: us_east_2 is down' in message


def test_looking_up_an_unknown_key_names_the_valid_keys():
    results = fan_out([('us_east_1', returning(1)),
                       ('us_east_2', raise_in_us_east_2)])

    with pytest.raises(KeyError) as unknown:
        results['eu-west-9']
    message = str(unknown.value)
    assert "'eu-west-9'" in message
    assert 'succeeded: us_east_1' in message
    assert 'failed: us_east_2' in message
    with pytest.raises(KeyError):
        results.format_error('us_east_1')


def test_raise_for_errors_names_every_failed_key_and_its_error():
    results = fan_out([('us_east_1', returning(1)),
                       ('us_east_2', raise_in_us_east_2),
                       ('eu_west_1', raise_in_eu_west_1)])

    with pytest.raises(FanOutError) as raised:
        results.raise_for_errors()

    error = raised.value
    assert isinstance(error, MangroveError)
    assert error.results is results
    message = str(error)
    assert '2 of 3' in message
    assert 'us_east_2: ValueError: us_east_2 is down' in message
    assert 'eu_west_1: RuntimeError: eu_west_1 refused with a second line' \
        in message
    assert 'us_east_1' not in message
    # Python 3 chains the first failure, so an uncaught error shows its
    # traceback.
    assert getattr(error, '__cause__', results.errors['us_east_2']) is \
        results.errors['us_east_2']


def test_raise_for_errors_does_nothing_when_every_task_succeeded():
    results = fan_out([(key, returning(key)) for key in REGIONS])

    assert results.raise_for_errors() is None
    assert repr(results) == '<RegionResults 5 ok>'


def test_repr_is_short_and_names_the_failures():
    results = fan_out(
        [(key, raise_in_us_east_2) for key in REGIONS[:4]]
        + [('eu_west_1', returning(1))])

    assert repr(results) == (
        '<RegionResults 1 ok, 4 failed: us_east_1, us_east_2, us_west_1, '
        '... (+1)>')


@pytest.mark.slow
def test_timed_out_task_is_an_error_and_fast_results_are_kept():
    release = threading.Event()
    slow_thread = []

    def stuck():
        slow_thread.append(threading.current_thread())
        release.wait(HANG_GUARD)
        return 'too late'

    tasks = [(key, returning(key)) for key in REGIONS]
    tasks[2] = ('us_west_1', stuck)
    try:
        # Returning at all proves the call did not wait for the stuck task,
        # which is only released below.
        results = fan_out(tasks, timeout=TIMEOUT)
    finally:
        release.set()

    assert results.succeeded == [k for k in REGIONS if k != 'us_west_1']
    assert results.failed == ['us_west_1']
    error = results.errors['us_west_1']
    assert isinstance(error, FanOutTimeoutError)
    assert isinstance(error, FuturesTimeoutError)
    assert isinstance(error, MangroveError)
    assert 'us_west_1' in str(error) and '1s' in str(error)
    assert 'FanOutTimeoutError' in results.format_error('us_west_1')
    slow_thread[0].join(HANG_GUARD)
    assert not slow_thread[0].is_alive()


def test_task_still_queued_at_the_timeout_is_cancelled_and_reported():
    release = threading.Event()
    ran = []

    def stuck():
        release.wait(HANG_GUARD)

    try:
        results = fan_out(
            [('us_east_1', stuck), ('us_east_2', lambda: ran.append(1))],
            max_workers=1, timeout=0.2)
    finally:
        release.set()

    assert results.failed == ['us_east_1', 'us_east_2']
    assert 'never started' in str(results.errors['us_east_2'])
    assert 'max_workers' in str(results.errors['us_east_2'])
    assert ran == []


@pytest.mark.slow
def test_on_result_is_called_once_per_key_with_result_or_error():
    release = threading.Event()
    calls = []

    def stuck():
        release.wait(HANG_GUARD)

    try:
        results = fan_out(
            [('us_east_1', returning(1)),
             ('us_east_2', raise_in_us_east_2),
             ('us_west_1', stuck)],
            timeout=TIMEOUT,
            on_result=lambda *args: calls.append(
                (threading.current_thread(),) + args))
    finally:
        release.set()

    assert sorted(call[1] for call in calls) == sorted(
        ['us_east_1', 'us_east_2', 'us_west_1'])
    by_key = dict((call[1], call[2:]) for call in calls)
    assert by_key['us_east_1'] == (1, None)
    assert by_key['us_east_2'] == (None, results.errors['us_east_2'])
    assert by_key['us_west_1'] == (None, results.errors['us_west_1'])
    # One thread makes every call, so they never overlap.
    assert len(set(call[0] for call in calls)) == 1


def test_on_result_raising_is_logged_and_loses_no_result(caplog):
    def broken_progress_bar(key, result, error):
        raise ZeroDivisionError('progress bar for %s' % key)

    with caplog.at_level(logging.ERROR, logger='mangrove.fanout'):
        results = fan_out([(key, returning(key)) for key in REGIONS],
                          on_result=broken_progress_bar)

    assert dict(results) == dict((key, key) for key in REGIONS)
    logged = [r for r in caplog.records if r.name == 'mangrove.fanout']
    assert len(logged) == len(REGIONS)
    assert all(r.exc_info[0] is ZeroDivisionError for r in logged)


def test_no_tasks_give_empty_results_without_a_thread():
    before = set(threading.enumerate())

    results = fan_out([])

    assert not [thread for thread in threading.enumerate()
                if thread not in before and
                thread.name.startswith('mangrove-fanout')]

    assert isinstance(results, RegionResults)
    assert len(results) == 0 and results.ok
    assert repr(results) == '<RegionResults 0 ok>'


def test_worker_threads_are_gone_when_the_call_returns():
    threads = []
    lock = threading.Lock()

    def task():
        with lock:
            threads.append(threading.current_thread())

    fan_out([(key, task) for key in REGIONS])

    assert threads
    assert not any(thread.is_alive() for thread in threads)


def _bounded_tasks(count, limit):
    # Each task waits until `limit` tasks are inside at once (or every task
    # has entered), so a correct bound reaches exactly `limit`, and an
    # executor with more threads than that overshoots it.
    state = {'active': 0, 'peak': 0, 'entered': 0}
    cond = threading.Condition()

    def task():
        with cond:
            state['active'] += 1
            state['entered'] += 1
            state['peak'] = max(state['peak'], state['active'])
            cond.notify_all()
            while not (state['active'] >= limit
                       or state['entered'] == count):
                assert cond.wait(HANG_GUARD) is not False
            state['active'] -= 1
        return True

    return [('task%d' % i, task) for i in range(count)], state


def test_max_workers_bounds_the_tasks_running_at_once():
    tasks, state = _bounded_tasks(count=12, limit=3)

    results = fan_out(tasks, max_workers=3)

    assert results.ok and len(results) == 12
    assert state['peak'] == 3


def test_by_default_every_task_runs_at_once():
    tasks, state = _bounded_tasks(count=6, limit=6)

    results = fan_out(tasks)

    assert results.ok and len(results) == 6
    assert state['peak'] == 6


@pytest.mark.slow
def test_by_default_ten_services_times_34_regions_run_at_once():
    # 340 calls: a multi-service fan-out over every commercial region. The
    # endpoint limits, not the thread count, bound what one endpoint gets.
    assert fanout.DEFAULT_MAX_WORKERS >= 340
    tasks, state = _bounded_tasks(count=340, limit=340)

    results = fan_out(tasks)

    assert results.ok and len(results) == 340
    assert state['peak'] == 340


def test_no_more_threads_start_than_tasks_need():
    names = set()
    lock = threading.Lock()

    def task():
        with lock:
            names.add(threading.current_thread().name)
        return True

    fan_out([('t%d' % i, task) for i in range(3)], max_workers=8)

    assert 1 <= len(names) <= 3
    assert all(name.startswith('mangrove-fanout_') for name in names)


def test_eight_concurrent_callers_each_get_complete_results():
    start = threading.Event()
    outcomes = {}
    lock = threading.Lock()

    def caller(n):
        tasks = [(key, returning((n, key))) for key in REGIONS]
        tasks.append(('failing', raise_in_us_east_2))
        start.wait(HANG_GUARD)
        results = fan_out(tasks, max_workers=3)
        with lock:
            outcomes[n] = results

    callers = [threading.Thread(target=caller, args=(n,)) for n in range(8)]
    for thread in callers:
        thread.start()
    start.set()
    for thread in callers:
        thread.join(HANG_GUARD)

    assert sorted(outcomes) == list(range(8))
    for n, results in outcomes.items():
        assert list(results.items()) == [(key, (n, key)) for key in REGIONS]
        assert results.failed == ['failing']


def test_tuple_keys_of_a_mixin_pool():
    results = fan_out([(('ec2', 'us_east_1'), returning('i-1')),
                       (('sqs', 'us_east_1'), returning('q-1')),
                       (('ec2', 'us_east_2'), raise_in_us_east_2)])

    assert results[('ec2', 'us_east_1')] == 'i-1'
    assert list(results) == [('ec2', 'us_east_1'), ('sqs', 'us_east_1')]
    assert results.failed == [('ec2', 'us_east_2')]
    assert repr(results) == '<RegionResults 2 ok, 1 failed: ec2/us_east_2>'
    with pytest.raises(FanOutError) as raised:
        results.raise_for_errors()
    assert 'ec2/us_east_2: ValueError: us_east_2 is down' in str(raised.value)
    with pytest.raises(KeyError) as failed:
        results[('ec2', 'us_east_2')]
    assert 'ec2/us_east_2' in str(failed.value)


def test_timeout_error_names_a_tuple_key():
    release = threading.Event()
    try:
        results = fan_out([(('s3', 'eu_west_1'), lambda: release.wait(
            HANG_GUARD))], timeout=0.1)
    finally:
        release.set()

    assert 's3/eu_west_1' in str(results.errors[('s3', 'eu_west_1')])


@pytest.mark.parametrize('arguments, error, fragment', [
    (dict(max_workers=0), InvalidArgumentError, '0'),
    (dict(max_workers=-2), InvalidArgumentError, '-2'),
    (dict(max_workers=2.5), InvalidArgumentTypeError, 'float 2.5'),
    (dict(max_workers='4'), InvalidArgumentTypeError, "'4'"),
    (dict(max_workers=True), InvalidArgumentTypeError, 'bool True'),
    (dict(timeout=0), InvalidArgumentError, 'positive'),
    (dict(timeout=-1.5), InvalidArgumentError, '-1.5'),
    (dict(timeout=float('nan')), InvalidArgumentError, 'nan'),
    (dict(timeout=float('inf')), InvalidArgumentError, 'inf'),
    (dict(timeout='5'), InvalidArgumentTypeError, "'5'"),
    (dict(timeout=True), InvalidArgumentTypeError, 'bool True'),
    (dict(on_result=42), InvalidArgumentTypeError, 'int 42'),
    (dict(tasks=None), InvalidArgumentTypeError, 'NoneType None'),
    (dict(tasks='us_east_1'), InvalidArgumentTypeError, "'us_east_1'"),
    (dict(tasks={'us_east_1': returning(1)}), InvalidArgumentTypeError,
     'dict'),
    (dict(tasks=[('us_east_1', 42)]), InvalidArgumentTypeError, '42'),
    (dict(tasks=[('us_east_1',)]), InvalidArgumentTypeError, 'pair'),
    (dict(tasks=[(['us_east_1'], returning(1))]), InvalidArgumentTypeError,
     'hashable'),
    (dict(tasks=[('us_east_1', returning(1)), ('us_east_1', returning(2))]),
     InvalidArgumentError, "'us_east_1' appears more than once"),
])
def test_bad_arguments_are_refused_before_any_task_runs(
        arguments, error, fragment):
    ran = []
    arguments.setdefault('tasks', [('us_east_1', lambda: ran.append(1))])

    with pytest.raises(error) as raised:
        fan_out(**arguments)

    assert isinstance(raised.value, MangroveError)
    assert fragment in str(raised.value)
    assert ran == []


def test_valid_arguments_of_every_accepted_type_are_taken():
    results = fan_out(iter([['us_east_1', returning(1)]]), max_workers=1,
                      timeout=30, on_result=None)

    assert dict(results) == {'us_east_1': 1}
