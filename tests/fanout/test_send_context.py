# -*- coding: utf-8 -*-
"""
What a fan-out task's requests are sent under (mangrove.fanout.context): its
stats and its fan-out's retry policy, on the task's own thread; on a thread
the task starts, nothing, unless the thread's function is given
``mangrove.fanout.carry``.

Against the moto server behind the test bed's proxy, which throttles the
first request of an endpoint: a request sent under the fan-out's policy
(many attempts) is retried and succeeds; one sent under the process
default, set here to one attempt, fails with the throttling error. Counted
by the requests the proxy received and the keys' stats.
"""
from __future__ import absolute_import

import threading

import pytest

from mangrove import limits, throttling
from mangrove.exceptions import InvalidArgumentTypeError
from mangrove.fanout import stats as callstats
from mangrove.fanout import context as sendcontext
from mangrove.fanout import carry, fan_out, iter_fan_out
from mangrove.services import Ec2Pool
from mangrove.throttling import RetryPolicy, throttling_code
from workers import HANG_GUARD

from bed.throttle import Throttle

FAST = RetryPolicy(attempts=60, seconds=HANG_GUARD, base=0.002, cap=0.05)
ONE_SEND = RetryPolicy(attempts=1)


@pytest.fixture(autouse=True)
def one_send_by_default():
    """The process default sends once: a throttled request sent under it
    fails, one sent under the fan-out's FAST is retried."""
    limits.reset_endpoints()
    saved = throttling.default_retry()
    throttling.set_default_retry(ONE_SEND)
    yield
    throttling.set_default_retry(saved)
    limits.reset_endpoints()


@pytest.fixture
def pool(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    proxy.throttle['us-east-1'] = Throttle(first=1)
    return Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)


def requests_to(proxy, region):
    return [r for r in proxy.records if r['region'] == region]


def in_a_thread(target):
    """Run ``target`` on a thread the calling task starts; its outcome as
    ``('ok', result)`` or ``('error', exception)``."""
    outcome = []

    def run():
        try:
            outcome.append(('ok', target()))
        except Exception as error:
            outcome.append(('error', error))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(HANG_GUARD)
    assert outcome, 'the task\'s thread did not finish'
    return outcome[0]


def test_a_plain_threads_requests_are_not_counted_and_use_the_default(
        proxy, pool):
    def task(region):
        return in_a_thread(region.get_all_zones)

    results = pool.map(task, retry=FAST)

    kind, error = results['us_east_1']
    assert kind == 'error'
    # One send: the process default's, not the fan-out's 60 attempts.
    assert throttling_code(error) == 'RequestLimitExceeded'
    assert len(requests_to(proxy, 'us-east-1')) == 1
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.throttled, stats.retries) == (0, 0, 0)


def test_a_carried_threads_requests_are_counted_and_use_the_fan_outs_retry(
        proxy, pool):
    def task(region):
        return in_a_thread(carry(region.get_all_zones))

    results = pool.map(task, retry=FAST)

    kind, zones = results['us_east_1']
    assert kind == 'ok' and zones, zones
    assert len(requests_to(proxy, 'us-east-1')) == 2
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.throttled, stats.retries) == (2, 1, 1)


def test_a_carried_thread_counts_beside_the_tasks_own_requests(proxy, pool):
    region = pool.regions.us_east_1

    def task():
        mine = region.get_all_zones()    # throttled once, retried
        return mine, in_a_thread(carry(region.get_all_zones))

    results = fan_out([('key', task)], retry=FAST)

    assert results.ok, results.errors
    assert results['key'][1][0] == 'ok'
    stats = results.stats['key']
    assert (stats.requests, stats.throttled, stats.retries) == (3, 1, 1)
    assert len(requests_to(proxy, 'us-east-1')) == 3


def test_carry_outside_any_task_is_harmless(proxy, pool):
    region = pool.regions.us_east_1

    def zones():
        return region.get_all_zones()

    carried = carry(zones)
    assert carried is zones
    assert sendcontext.current() is sendcontext.NO_CONTEXT
    # Called outside a task: the process default, one send.
    kind, error = in_a_thread(carried)
    assert kind == 'error' and throttling_code(error) == \
        'RequestLimitExceeded'
    # Given to a fan-out as its task: the task's context, as any task.
    results = fan_out([('key', carried)], retry=FAST)
    assert results.ok, results.errors
    assert results.stats['key'].requests == 1
    assert sendcontext.current() is sendcontext.NO_CONTEXT


def test_carry_checks_its_argument():
    with pytest.raises(InvalidArgumentTypeError) as caught:
        carry('get_all_zones')
    assert 'func must be a callable' in str(caught.value)
    assert "'get_all_zones'" in str(caught.value)


def test_contexts_do_not_leak_between_tasks_or_after_the_fan_out(
        connect_kwargs):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)
    region = pool.regions.us_east_1
    seen = {}

    def task(number):
        def run():
            context = sendcontext.current()
            seen[number] = (context, threading.current_thread())
            for _ in range(number):
                region.get_all_zones()
            if number == 2:
                raise ValueError('task 2 fails after its requests')
            return callstats.current()
        return run

    # One worker: every task runs on the same thread, one after another.
    results = fan_out([(n, task(n)) for n in range(4)], max_workers=1,
                      retry=FAST)

    assert len(set(thread for _, thread in seen.values())) == 1
    contexts = [seen[n][0] for n in range(4)]
    assert len(set(map(id, contexts))) == 4
    for number, context in enumerate(contexts):
        assert context is not sendcontext.NO_CONTEXT
        assert context.retry is FAST
        # Each task's context holds the very stats its results show.
        assert context.stats is results.stats[number]
        assert results.stats[number].requests == number
    assert results[1] == (results.stats[1], FAST)
    assert isinstance(results.errors[2], ValueError)
    # Nothing is left on the calling thread: a request made now is counted
    # nowhere.
    assert sendcontext.current() is sendcontext.NO_CONTEXT
    assert callstats.current() == (None, None)
    region.get_all_zones()
    assert [results.stats[n].requests for n in range(4)] == [0, 1, 2, 3]


def test_a_fan_out_inside_a_task_gives_the_task_its_context_back(
        connect_kwargs):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)
    region = pool.regions.us_east_1
    inner_policy = RetryPolicy(attempts=2)

    def outer():
        mine = sendcontext.current()
        inner = fan_out([('inner', lambda: (sendcontext.current(),
                                            region.get_all_zones()))],
                        retry=inner_policy)
        region.get_all_zones()
        return mine, sendcontext.current(), inner

    results = fan_out([('outer', outer)], retry=FAST)

    mine, after, inner = results['outer']
    assert after is mine and mine.retry is FAST
    inner_context = inner['inner'][0]
    assert inner_context is not mine and inner_context.retry is inner_policy
    assert inner.stats['inner'].requests == 1
    assert results.stats['outer'].requests == 1


def test_a_streams_tasks_each_run_in_their_own_context(connect_kwargs):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)
    region = pool.regions.us_east_1

    def task(number):
        def run():
            for _ in range(number):
                region.get_all_zones()
            return sendcontext.current()
        return run

    outcomes = list(iter_fan_out(((n, task(n)) for n in range(3)),
                                 max_workers=1, retry=FAST))

    assert [o.stats.requests for o in outcomes] == [0, 1, 2]
    assert all(o.result.stats is o.stats and o.result.retry is FAST
               for o in outcomes)
    assert sendcontext.current() is sendcontext.NO_CONTEXT


def test_the_old_names_still_work(connect_kwargs):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)
    stats = callstats.CallStats()
    assert callstats.current() == (None, None)
    with callstats.recording(stats, FAST) as recorded:
        assert recorded is stats
        assert callstats.current() == (stats, FAST)
        context = sendcontext.current()
        assert (context.stats, context.retry) == (stats, FAST)
        pool.regions.us_east_1.get_all_zones()
    assert callstats.current() == (None, None)
    assert stats.requests == 1
