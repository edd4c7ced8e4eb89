# -*- coding: utf-8 -*-
"""Fan-out over a pool's regions and a mixin's services, against the server.

What one region holds never shows in another's result; one region failing
or stalling costs only its own entry; many threads may fan out on one pool.
"""
from __future__ import absolute_import

import threading

import pytest

from mangrove.exceptions import FanOutError, FanOutTimeoutError
from mangrove.pool import ServiceMixinPool
from mangrove.services import Ec2Pool, SqsPool

from bed.clock import manual_clock
from workers import run_threads

REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1']
KEYS = [name.replace('-', '_') for name in REGIONS]


def group_names(region):
    return sorted(g.name for g in region.get_all_security_groups()
                  if g.name != 'default')


def through(proxy, **kwargs):
    return dict(kwargs, is_secure=False, proxy='127.0.0.1',
                proxy_port=proxy.port, aws_access_key_id='testing',
                aws_secret_access_key='testing')


@pytest.mark.slow
def test_each_region_answers_with_its_own_state():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    for key in KEYS[:3]:
        pool.regions[key].create_security_group('only-' + key, 'fan-out')

    results = pool.map(group_names)

    assert results.ok
    assert list(results) == KEYS
    assert dict(results) == {
        'us_east_1': ['only-us_east_1'], 'eu_west_1': ['only-eu_west_1'],
        'ap_southeast_2': ['only-ap_southeast_2'], 'sa_east_1': []}


def test_call_passes_its_arguments_untouched_to_every_region():
    pool = SqsPool(connect=True, regions=REGIONS[:2])

    created = pool.call('create_queue', 'jobs', visibility_timeout=45)

    assert [q.name for q in created.values()] == ['jobs', 'jobs']
    for key in KEYS[:2]:
        queue = pool.regions[key].get_queue('jobs')
        assert queue.get_timeout() == 45
    assert SqsPool(connect=True, regions=REGIONS[2:3]).regions \
        .ap_southeast_2.get_queue('jobs') is None


@pytest.mark.slow
def test_eight_threads_fanning_out_on_one_pool_get_complete_results():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    for key in KEYS:
        pool.regions[key].create_security_group('sg-' + key, 'fan-out')
    expected = dict((key, ['sg-' + key]) for key in KEYS)
    outcomes = []
    lock = threading.Lock()
    start = threading.Barrier(8) if hasattr(threading, 'Barrier') else None

    def fan_out():
        if start is not None:
            start.wait()
        for _ in range(3):
            results = pool.map(group_names)
            with lock:
                outcomes.append((list(results), dict(results),
                                 dict(results.errors)))

    assert run_threads([fan_out] * 8) == []
    assert len(outcomes) == 24
    for keys, results, errors in outcomes:
        assert errors == {}
        assert keys == KEYS
        assert results == expected


@pytest.mark.slow
def test_a_region_answering_503_costs_only_its_own_result(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    pool.regions.us_east_1.create_security_group('kept', 'fan-out')
    proxy.faults['eu-west-1'] = '503'

    results = pool.map(group_names)

    assert list(results) == ['us_east_1', 'ap_southeast_2', 'sa_east_1']
    assert results['us_east_1'] == ['kept']
    assert results.failed == ['eu_west_1']
    error = results.errors['eu_west_1']
    assert type(error).__name__ == 'BotoServerError'
    assert error.status == 503
    assert 'group_names' in results.format_error('eu_west_1')
    with pytest.raises(FanOutError) as raised:
        results.raise_for_errors()
    assert 'eu_west_1' in str(raised.value)
    assert raised.value.results is results


@pytest.mark.slow
def test_a_stalled_region_times_out_and_the_others_are_kept(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    proxy.faults['sa-east-1'] = 'stall'
    seen = []

    def answered(key, result, error):
        seen.append((key, error is None))
        if len(seen) == 3:
            # The others have answered; the stalled region has not. Time
            # moves past the timeout only now, however long they took.
            clock.advance(5)

    try:
        with manual_clock() as clock:
            results = pool.map(group_names, timeout=5, on_result=answered)
    finally:
        proxy.faults.pop('sa-east-1')
        proxy.release()

    assert list(results) == KEYS[:3]
    assert results.failed == ['sa_east_1']
    assert isinstance(results.errors['sa_east_1'], FanOutTimeoutError)
    assert sorted(seen) == sorted([(k, True) for k in KEYS[:3]] +
                                  [('sa_east_1', False)])


def test_map_narrowed_to_regions_in_either_form():
    pool = Ec2Pool(connect=True, regions=REGIONS)

    results = pool.map(lambda region: region.region_name,
                       regions=['sa_east_1', 'eu-west-1'])

    assert dict(results) == {'sa_east_1': 'sa-east-1',
                             'eu_west_1': 'eu-west-1'}
    assert list(results) == ['sa_east_1', 'eu_west_1']


class Inventory(ServiceMixinPool):
    services = {'ec2': {'regions': REGIONS[:2]},
                'sqs': {'regions': REGIONS[1:3]}}


def test_mixin_fan_out_is_keyed_by_service_and_region():
    inventory = Inventory(connect=True)
    inventory.sqs.regions.ap_southeast_2.create_queue('orders')
    inventory.ec2.regions.us_east_1.create_security_group('web', 'web')

    def count(region):
        if region.pool.service_name == 'sqs':
            return [q.name for q in region.get_all_queues()]
        return group_names(region)

    results = inventory.map(count)

    assert results.ok
    assert list(results) == [('ec2', 'us_east_1'), ('ec2', 'eu_west_1'),
                             ('sqs', 'eu_west_1'),
                             ('sqs', 'ap_southeast_2')]
    assert results[('ec2', 'us_east_1')] == ['web']
    assert results[('ec2', 'eu_west_1')] == []
    assert results[('sqs', 'ap_southeast_2')] == ['orders']
    assert results[('sqs', 'eu_west_1')] == []

    only_sqs = inventory.map(count, services=['sqs'], regions=['eu-west-1'])
    assert list(only_sqs) == [('sqs', 'eu_west_1')]
