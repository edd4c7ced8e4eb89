# -*- coding: utf-8 -*-
"""
Faults during calls: the server refusing connections, answering 5xx,
resetting or stalling, for one region or all of them.

The error reaches the caller as boto's own exception (or that region's
entry of a fan-out), unwrapped by mangrove; the pool stays as it was (same
regions, same boto connection objects) and the next call works once the
server is back. boto's retry settings (``num_retries``,
``http_socket_timeout``, read from boto's config) pass through untouched:
the number of requests the proxy receives is boto's alone.
"""
from __future__ import absolute_import

import errno
import socket
import threading

import pytest
from six.moves import http_client

from mangrove import FanOutError, MangroveError
from mangrove.services import Ec2Pool
from workers import HANG_GUARD, REGIONS, Ec2SqsPool, boto_setting

KEYS = [name.replace('-', '_') for name in REGIONS]

# What boto raises when the network fails: it re-raises the socket or
# http.client error as it is.
NETWORK_ERRORS = (socket.error, http_client.HTTPException)


@pytest.fixture
def via_proxy(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    return connect_kwargs


@pytest.fixture
def pool(via_proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)
    assert pool.call('get_all_instances').ok   # keep-alive sockets open
    return pool


def snapshot(pool):
    """What must not change when a call fails: the regions, their proxies
    and their boto connection objects."""
    return [(key, proxy, proxy.connection)
            for key, proxy in pool.regions.items()]


def requests_to(proxy, region, since=0):
    return [r for r in proxy.records[since:] if r['region'] == region]


def assert_boto_error(error, kind=NETWORK_ERRORS):
    assert isinstance(error, kind), repr(error)
    assert not isinstance(error, MangroveError)


@pytest.mark.slow
def test_refused_connections_reach_the_caller_and_the_pool_recovers(
        pool, proxy):
    before = snapshot(pool)
    proxy.stop()

    errors = []
    for _ in range(2):
        with pytest.raises(NETWORK_ERRORS) as info:
            pool.regions.us_east_1.get_all_instances()
        errors.append(info.value)
    # The first call may meet the keep-alive socket the server closed; by
    # then boto has dropped it, and nothing listens any more.
    assert_boto_error(errors[0])
    assert isinstance(errors[1], socket.error)
    assert errors[1].errno == errno.ECONNREFUSED

    results = pool.call('get_all_instances')
    assert results.failed == KEYS and len(results) == 0
    for key in KEYS:
        assert_boto_error(results.errors[key])
    with pytest.raises(FanOutError) as info:
        results.raise_for_errors()
    assert info.value.results is results
    assert snapshot(pool) == before

    proxy.restart()
    assert pool.regions.us_east_1.get_all_instances() == []
    assert pool.call('get_all_instances').ok
    assert snapshot(pool) == before


@pytest.mark.slow
def test_5xx_for_one_region_is_boto_server_error_for_that_region_only(
        pool, proxy):
    from boto.exception import BotoServerError
    before = snapshot(pool)
    proxy.faults['eu-west-1'] = '503'

    with pytest.raises(BotoServerError) as info:
        pool.regions.eu_west_1.get_all_instances()
    assert info.value.status == 503
    assert_boto_error(info.value, BotoServerError)
    assert pool.regions.us_east_1.get_all_instances() == []

    results = pool.call('get_all_instances')
    assert results.succeeded == ['us_east_1']
    assert results.failed == ['eu_west_1']
    assert isinstance(results.errors['eu_west_1'], BotoServerError)
    assert results.errors['eu_west_1'].status == 503

    del proxy.faults['eu-west-1']
    assert pool.regions.eu_west_1.get_all_instances() == []
    assert pool.call('get_all_instances').ok
    assert snapshot(pool) == before


@pytest.mark.slow
def test_reset_for_one_region_fails_that_region_only(pool, proxy):
    before = snapshot(pool)
    proxy.faults['eu-west-1'] = 'reset'

    with pytest.raises(NETWORK_ERRORS) as info:
        pool.regions.eu_west_1.get_all_instances()
    assert_boto_error(info.value)
    results = pool.call('get_all_instances')
    assert results.succeeded == ['us_east_1']
    assert_boto_error(results.errors['eu_west_1'])

    del proxy.faults['eu-west-1']
    assert pool.call('get_all_instances').ok
    assert snapshot(pool) == before


@pytest.mark.slow
def test_stall_ends_with_boto_socket_timeout_from_http_socket_timeout(
        proxy, via_proxy):
    default_pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)
    with boto_setting('http_socket_timeout', 1):
        pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)
    # boto's own setting, as boto read it: mangrove neither sets nor
    # overrides it.
    for key in KEYS:
        assert pool.regions[key].connection.http_connection_kwargs[
            'timeout'] == 1
        assert default_pool.regions[key].connection.http_connection_kwargs[
            'timeout'] == 70
    # moto builds a region's backend on its first request, which can take
    # longer than the one-second timeout on a loaded machine: warm both
    # regions first so that only the stall can time out.
    assert default_pool.call('get_all_instances').ok
    before = snapshot(pool)
    proxy.faults['eu-west-1'] = 'stall'
    try:
        with pytest.raises(socket.timeout) as info:
            pool.regions.eu_west_1.get_all_instances()
        assert_boto_error(info.value)
        assert pool.regions.us_east_1.get_all_instances() == []

        results = pool.call('get_all_instances')
        assert results.succeeded == ['us_east_1']
        assert isinstance(results.errors['eu_west_1'], socket.timeout)
    finally:
        del proxy.faults['eu-west-1']
        proxy.release()
    assert pool.regions.eu_west_1.get_all_instances() == []
    assert pool.call('get_all_instances').ok
    assert snapshot(pool) == before


def test_a_stalled_region_does_not_hold_up_calls_to_other_regions(
        pool, proxy):
    proxy.faults['eu-west-1'] = 'stall'
    stalled = []
    caller = threading.Thread(
        target=lambda: stalled.append(pool.regions.eu_west_1.get_all_zones()))
    caller.daemon = True
    caller.start()
    try:
        proxy.wait_held(1)
        assert pool.regions.us_east_1.get_all_instances() == []
        assert pool.regions.us_east_1.get_all_zones()
        assert proxy.held == 1
    finally:
        del proxy.faults['eu-west-1']
        proxy.release()
        caller.join(HANG_GUARD)
    assert not caller.is_alive()
    assert [zone.region_name for zone in stalled[0]][:1] == ['eu-west-1']


@pytest.mark.slow
@pytest.mark.parametrize('num_retries', [0, 2])
def test_num_retries_passes_through_to_boto(pool, proxy, num_retries):
    from boto.exception import BotoServerError
    proxy.faults['eu-west-1'] = '503'
    with boto_setting('num_retries', num_retries):
        start = len(proxy.records)
        with pytest.raises(BotoServerError):
            pool.regions.eu_west_1.get_all_instances()
        direct = requests_to(proxy, 'eu-west-1', start)

        start = len(proxy.records)
        results = pool.call('get_all_instances')
        fanned = requests_to(proxy, 'eu-west-1', start)
    assert isinstance(results.errors['eu_west_1'], BotoServerError)
    # One request, plus one for each retry boto's config allows.
    assert len(direct) == len(fanned) == 1 + num_retries
    assert len(requests_to(proxy, 'us-east-1', start)) == 1


@pytest.mark.slow
def test_faults_in_one_region_of_a_mixin_pool(proxy, via_proxy):
    mixin = Ec2SqsPool(connect=True, **via_proxy)
    proxy.faults['eu-west-1'] = '503'
    results = mixin.map(lambda region: region.region_name)
    assert results.ok    # no request made: nothing to fail
    results = mixin.map(
        lambda region: region.get_all_queues()
        if region.pool.service_name == 'sqs' else region.get_all_instances())
    assert sorted(results.failed) == [('ec2', 'eu_west_1'),
                                      ('sqs', 'eu_west_1')]
    assert sorted(results.succeeded) == [('ec2', 'us_east_1'),
                                         ('sqs', 'us_east_1')]
    proxy.stop()
    results = mixin.map(
        lambda region: region.get_all_queues()
        if region.pool.service_name == 'sqs' else region.get_all_instances())
    assert len(results.failed) == 4
    for error in results.errors.values():
        assert_boto_error(error)
    del proxy.faults['eu-west-1']
    proxy.restart()
    results = mixin.map(
        lambda region: region.get_all_queues()
        if region.pool.service_name == 'sqs' else region.get_all_instances())
    assert results.ok and len(results) == 4
