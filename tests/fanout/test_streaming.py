# -*- coding: utf-8 -*-
"""
Streaming fan-out: :func:`mangrove.fanout.iter_fan_out` yields each key's
outcome as it finishes and holds only the calls in flight, so an inventory
of a hundred thousand calls needs no memory for every result.
"""
from __future__ import absolute_import

import gc
import threading

import pytest

from mangrove.exceptions import (
    FanOutTimeoutError, InvalidArgumentError, InvalidArgumentTypeError)
from mangrove.fanout import iter_fan_out
from mangrove.services import Ec2Pool
from workers import HANG_GUARD, REGIONS


class Payload(object):
    """A result that counts how many of its kind are alive."""

    alive = 0
    lock = threading.Lock()

    def __init__(self, size):
        self.data = b'x' * size
        with Payload.lock:
            Payload.alive += 1

    def __del__(self):
        with Payload.lock:
            Payload.alive -= 1


def test_outcomes_arrive_as_each_finishes_not_in_task_order():
    release = threading.Event()

    def slow():
        assert release.wait(HANG_GUARD), 'the fast outcome never arrived'
        return 'slow'

    stream = iter_fan_out([('slow', slow), ('fast', lambda: 'fast')])
    first = next(stream)
    release.set()
    rest = list(stream)

    assert (first.key, first.result, first.error) == ('fast', 'fast', None)
    assert [(o.key, o.result) for o in rest] == [('slow', 'slow')]
    assert first.position == 1 and rest[0].position == 0


def test_each_key_yields_its_error_apart():
    def failing():
        raise ValueError('boom')

    outcomes = dict((o.key, o) for o in iter_fan_out(
        [('bad', failing), ('good', lambda: 1)]))

    assert isinstance(outcomes['bad'].error, ValueError)
    assert outcomes['bad'].traceback is not None
    assert outcomes['bad'].result is None
    assert outcomes['good'].result == 1 and outcomes['good'].error is None
    assert outcomes['good'].stats.elapsed >= 0


@pytest.mark.slow
def test_a_long_stream_holds_only_the_calls_in_flight():
    # 5,000 tasks of 10 KB results, read from a generator and dropped as
    # they arrive: holding them all would be 50 MB.
    workers = 8
    read = [0]
    peak = [0]

    def tasks():
        for n in range(5000):
            read[0] += 1
            yield n, lambda: Payload(10000)

    for outcome in iter_fan_out(tasks(), max_workers=workers):
        assert outcome.error is None
        peak[0] = max(peak[0], Payload.alive)
        del outcome

    gc.collect()
    assert read[0] == 5000
    # Bounded by the workers, not the tasks: at most ``workers`` in flight;
    # a worker takes a task only while fewer than ``workers`` outcomes
    # wait, so up to 2 * workers - 1 can wait; and the batch the loop took
    # last is as large. 5 * workers in all (40 here, against 5,000).
    assert peak[0] <= 5 * workers
    assert Payload.alive == 0


@pytest.mark.slow
def test_memory_stays_flat_under_tracemalloc():
    tracemalloc = pytest.importorskip('tracemalloc')

    def tasks(count):
        for n in range(count):
            yield ('account-%d' % (n // 50), 'region-%d' % (n % 50)), \
                lambda: Payload(2000)

    def run(count):
        for outcome in iter_fan_out(tasks(count), max_workers=16):
            assert outcome.error is None

    run(1000)   # warm up: threads, caches
    gc.collect()
    tracemalloc.start()
    try:
        run(1000)
        gc.collect()
        after_short, _ = tracemalloc.get_traced_memory()
        run(10000)
        gc.collect()
        after_long, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Holding 10,000 results of 2 KB would take 20 MB.
    assert after_long - after_short < 256 * 1024
    assert peak < 4 * 1024 * 1024


def test_tasks_are_read_only_as_workers_free_up():
    read = [0]
    gate = threading.Event()

    def tasks():
        for n in range(1000):
            read[0] += 1
            yield n, (lambda: gate.wait(HANG_GUARD))

    stream = iter_fan_out(tasks(), max_workers=4)
    gate.set()
    first = next(stream)
    assert first.error is None
    assert read[0] < 1000
    stream.close()


def test_leaving_the_loop_starts_no_more_tasks():
    started = []
    lock = threading.Lock()

    def task(n):
        def run():
            with lock:
                started.append(n)
            return n
        return run

    stream = iter_fan_out(((n, task(n)) for n in range(10000)),
                          max_workers=2)
    for outcome in stream:
        break
    stream.close()
    count = len(started)

    assert count < 10000
    with lock:
        assert len(started) <= count + 2


def test_a_timeout_reports_the_running_and_the_never_started():
    hold = threading.Event()

    tasks = [('stuck', lambda: hold.wait(HANG_GUARD))] + [
        ('later%d' % n, lambda: 'never') for n in range(3)]
    try:
        outcomes = list(iter_fan_out(tasks, max_workers=1, timeout=0.2))
    finally:
        hold.set()

    assert [o.key for o in outcomes] == ['stuck', 'later0', 'later1',
                                         'later2']
    assert all(isinstance(o.error, FanOutTimeoutError) for o in outcomes)
    assert 'never started' in str(outcomes[1].error)
    assert 'never started' not in str(outcomes[0].error)


def test_a_bad_task_raises_from_the_loop_when_reached():
    stream = iter_fan_out(iter([('a', lambda: 1), 'not a task']))
    with pytest.raises(InvalidArgumentTypeError) as caught:
        list(stream)
    assert "'not a task'" in str(caught.value)


@pytest.mark.parametrize('kwargs, error', [
    (dict(tasks='us_east_1'), InvalidArgumentTypeError),
    (dict(tasks={'a': int}), InvalidArgumentTypeError),
    (dict(tasks=[], max_workers=0), InvalidArgumentError),
    (dict(tasks=[], timeout=-1), InvalidArgumentError),
    (dict(tasks=[], retry='x'), InvalidArgumentTypeError),
])
def test_arguments_are_checked_at_the_call(kwargs, error):
    with pytest.raises(error):
        iter_fan_out(**kwargs)


def test_a_pools_regions_stream_against_the_server(moto_server):
    pool = moto_server.pool(Ec2Pool, regions=REGIONS)
    tasks = ((key, region.get_all_zones)
             for key, region in pool.regions.items())

    outcomes = dict((o.key, o) for o in iter_fan_out(tasks))

    assert sorted(outcomes) == sorted(k.replace('-', '_') for k in REGIONS)
    for key, outcome in outcomes.items():
        assert outcome.error is None
        assert all(zone.name.startswith(key.replace('_', '-'))
                   for zone in outcome.result)
        assert outcome.stats.requests == 1
