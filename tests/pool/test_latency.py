# -*- coding: utf-8 -*-
"""
A fan-out starts the regions that took longest last time first, and keeps
its results in the pool's order.

Round trips come from the test bed's loopback proxy in front of the moto
server. Each fan-out here runs on one worker thread, so the order in which
tasks start is the order the fan-out chose; nothing asserts on time.
"""
from __future__ import absolute_import

import pytest

from mangrove import ServiceMixinPool
from mangrove.accounts import AccountPool
from mangrove.exceptions import InvalidArgumentTypeError
from mangrove.fanout import fan_out, iter_fan_out
from mangrove.fanout.order import start_order
from mangrove.pool.latency import RegionTask, observe
from mangrove.pool.proxy import region_connection
from mangrove.services import Ec2Pool

from bed.accounts import StartOrder, through

REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1']
# Far apart, so that what the machine adds cannot reorder them.
ROUND_TRIPS = {'eu-west-1': 0.4, 'us-west-2': 0.2}
SLOWEST_FIRST = ['eu_west_1', 'us_west_2', 'us_east_1']


class Inventory(ServiceMixinPool):
    services = {'ec2': {}, 'sqs': {}}


def warmed(pool_or_proxies, proxy):
    """Answer each region once straight through its proxy (moto's first
    request in a region is slow, and is not a fan-out task so it is not
    recorded), then add the round trips."""
    for region in pool_or_proxies:
        region.get_all_zones()
    proxy.latency.update(ROUND_TRIPS)


class Task(object):
    def __init__(self, name, expected, calls):
        self.name, self.expected_seconds, self.calls = name, expected, calls

    def __call__(self):
        self.calls.append(self.name)
        return self.name


def test_never_measured_first_then_longest_first_ties_in_order():
    tasks = [Task(name, expected, None) for name, expected in [
        ('a', 0.1), ('b', None), ('c', 0.3), ('d', 0.1), ('e', None),
        ('f', 0.2)]]
    assert [tasks[i].name for i in start_order(tasks)] == [
        'b', 'e', 'c', 'f', 'a', 'd']
    # Callables that know nothing keep their order.
    assert start_order([len, abs, max]) == [0, 1, 2]


def test_fan_out_starts_by_expected_seconds_and_keeps_task_order():
    calls = []
    tasks = [(name, Task(name, expected, calls)) for name, expected in [
        ('a', 0.1), ('b', 0.5), ('c', None), ('d', 0.3)]]
    results = fan_out(tasks, max_workers=1)
    assert calls == ['c', 'b', 'd', 'a']
    assert list(results.items()) == [
        ('a', 'a'), ('b', 'b'), ('c', 'c'), ('d', 'd')]

    del calls[:]
    outcomes = list(iter_fan_out(tasks, max_workers=1))
    assert calls == ['c', 'b', 'd', 'a']
    assert [o.position for o in outcomes] == [2, 1, 3, 0]


def test_a_stream_of_tasks_starts_in_its_own_order():
    calls = []
    tasks = ((name, Task(name, expected, calls))
             for name, expected in [('a', 0.1), ('b', 0.5)])
    assert [o.key for o in iter_fan_out(tasks, max_workers=1)] == ['a', 'b']
    assert calls == ['a', 'b']


def test_a_bad_task_in_a_list_still_raises_when_it_is_reached():
    calls = []
    tasks = [('a', Task('a', 0.1, calls)), ('b', 'not callable')]
    stream = iter_fan_out(tasks, max_workers=1)
    with pytest.raises(InvalidArgumentTypeError) as caught:
        list(stream)
    assert "'not callable'" in str(caught.value)
    assert calls == ['a']


def test_moving_average_follows_a_region_that_slows_down():
    class Region(object):
        seconds = None
    region = Region()
    observe(region, 0.1)
    assert region.seconds == pytest.approx(0.1)
    observe(region, 0.5)
    assert region.seconds == pytest.approx(0.3)


def remembered(regions, seconds):
    """Set what each region's tasks took: measured times on a shared
    machine are too noisy to order by in a test."""
    for region in regions:
        region_connection(region).seconds = seconds[region.region_key]


# Not the pool's order, nor the round trips' order.
SECONDS = {'us_east_1': 3.0, 'us_west_2': 1.0, 'eu_west_1': 2.0}
BY_SECONDS = ['us_east_1', 'eu_west_1', 'us_west_2']


@pytest.mark.slow
def test_a_fan_out_measures_each_region(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    warmed(pool.regions.values(), proxy)
    assert [RegionTask(len, region).expected_seconds
            for region in pool.regions.values()] == [None, None, None]

    first = StartOrder()
    assert list(pool.map(first, max_workers=1)) == [
        'us_east_1', 'us_west_2', 'eu_west_1']
    # Nothing measured yet: the pool's order.
    assert first.keys == ['us_east_1', 'us_west_2', 'eu_west_1']
    seconds = dict((key, RegionTask(len, region).expected_seconds)
                   for key, region in pool.regions.items())
    # At least the round trip the proxy added (a loaded machine adds more).
    assert seconds['eu_west_1'] >= 0.4 and seconds['us_west_2'] >= 0.2
    assert seconds['us_east_1'] > 0


def test_a_pool_starts_its_slowest_region_first(connect_kwargs):
    pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
    remembered(pool.regions.values(), SECONDS)

    second = StartOrder()
    results = pool.map(second, max_workers=1)
    assert second.keys == BY_SECONDS
    assert results.ok and list(results) == [
        'us_east_1', 'us_west_2', 'eu_west_1']

    remembered(pool.regions.values(), SECONDS)
    streamed = StartOrder()
    assert sorted(o.key for o in pool.iter_map(streamed, max_workers=1)) \
        == sorted(BY_SECONDS)
    assert streamed.keys == BY_SECONDS


@pytest.mark.slow
def test_a_failing_region_is_measured_too(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    warmed(pool.regions.values(), proxy)

    def fails_slowly(region):
        region.get_all_zones()
        raise ValueError('no answer wanted from %s' % region.region_key)

    results = pool.map(fails_slowly)
    assert sorted(results.errors) == sorted(SLOWEST_FIRST)
    assert region_connection(pool.regions.eu_west_1).seconds >= 0.4


def test_a_multi_service_pool_starts_its_slowest_regions_first(
        connect_kwargs):
    pool = Inventory(connect=True, regions=REGIONS, **connect_kwargs)
    remembered(pool.ec2.regions.values(), SECONDS)

    second = StartOrder()
    results = pool.map(second, services=['ec2'], max_workers=1)
    assert second.keys == BY_SECONDS
    assert list(results) == [('ec2', key) for key in
                             ['us_east_1', 'us_west_2', 'eu_west_1']]


@pytest.mark.slow
def test_an_account_pool_starts_its_slowest_regions_first(connect_kwargs):
    accounts = ['111111111111', '222222222222']
    fleet = AccountPool(Ec2Pool, accounts, role_name='Audit',
                        regions=REGIONS, **connect_kwargs)
    for account in accounts:
        remembered(fleet.accounts[account].regions.values(), SECONDS)

    second = StartOrder()
    results = fleet.map(second, max_workers=1)
    assert results.ok
    assert second.keys == [key for key in BY_SECONDS for _ in accounts]
    assert list(results) == [(account, key) for account in accounts
                             for key in ['us_east_1', 'us_west_2',
                                         'eu_west_1']]
