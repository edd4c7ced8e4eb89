# -*- coding: utf-8 -*-
"""
An account pool's fan-out with the options of every other fan-out: on an
executor (threads, processes by fork and spawn, loky; dask in
tests/test_executors_dask.py), where each worker assumes its accounts'
roles itself; with ``retry=`` and per-key stats; and streamed with
``iter_map``. Against the suite's moto server, through the loopback proxy
where a test reads or shapes what STS and EC2 answer.
"""
from __future__ import absolute_import

import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

import executor_workers as work
from mangrove import limits, throttling
from mangrove.accounts import AccountPool
from mangrove.exceptions import (
    AssumeRoleError, InvalidArgumentTypeError, NotConnectedError,
    UnpicklableError)
from mangrove.services import Ec2Pool
from mangrove.throttling import RetryPolicy
from test_executors import (
    START_METHODS, account_pools, check_fleet, process_pool)
from workers import HANG_GUARD

from bed.accounts import check_refused_alone, refuse, through
from bed.throttle import Throttle, access_key

# Every test here is slow: its own processes (see conftest.py).
pytestmark = pytest.mark.slow

PROD, DEV, REFUSED = '111111111111', '222222222222', '444444444444'
REGIONS = ['us-east-1', 'eu-west-1']

# Quick waits: the tests count retries, they do not time them.
FAST = RetryPolicy(attempts=60, seconds=HANG_GUARD, base=0.002, cap=0.05)


@pytest.fixture(autouse=True)
def fresh_limits():
    limits.reset_endpoints()
    yield
    limits.reset_endpoints()


def fleet_of(accounts=None, **options):
    """The accounts of tests/executor_workers.py, each reached through its
    ``fleet`` role (where account_pools() made its security groups)."""
    return AccountPool(Ec2Pool, accounts or work.ACCOUNTS, role_name='fleet',
                       regions=work.REGIONS, **options)


def sts_requests(proxy):
    return [r for r in proxy.records if r['host'].startswith('sts.')]


def sts_keys(proxy):
    """The access key ids that signed the STS requests the proxy saw."""
    return set(access_key(r['authorization'], r['path'], b'')
               for r in sts_requests(proxy))


def assumed(fleet):
    """The accounts whose role this process has assumed."""
    return [account for account in fleet.accounts
            if fleet.accounts.slot(account).pool is not None]


def test_the_same_fan_out_on_threads_processes_and_loky():
    account_pools()   # each account's security groups, made in moto
    on_threads = fleet_of().map(work.inventory)
    expected = check_fleet(on_threads)
    assert isinstance(on_threads.errors['333333333333', 'ap_southeast_2'],
                      work.HoldsALock)   # never pickled on threads
    with ThreadPoolExecutor(3) as threads:
        assert check_fleet(fleet_of().map(
            work.inventory, executor=threads)) == expected
    for method in START_METHODS:
        with process_pool(method) as processes:
            fleet = fleet_of()
            arrived = fleet.map(work.inventory, executor=processes)
            assert check_fleet(arrived) == expected, method
            stand_in = arrived.errors['333333333333', 'ap_southeast_2']
            assert isinstance(stand_in, UnpicklableError)
            # The workers assumed every role, from the pool's settings:
            # this process never did, and no credentials travelled.
            assert assumed(fleet) == [], method
    try:
        import loky
    except ImportError:
        return   # loky installs where tox.ini gives it (Python 3.7+)
    executor = loky.get_reusable_executor(max_workers=2)
    assert check_fleet(fleet_of().map(work.inventory,
                                      executor=executor)) == expected


def test_call_takes_the_executor_and_narrows_as_map_does():
    fleet = fleet_of()
    with ThreadPoolExecutor(2) as threads:
        results = fleet.call('get_all_zones', executor=threads,
                             accounts=[work.ACCOUNTS[1]],
                             regions=['eu-west-1'])
    assert list(results) == [(work.ACCOUNTS[1], 'eu_west_1')]
    assert all(z.name.startswith('eu-west-1')
               for z in list(results.values())[0])
    with process_pool('fork') as processes:
        where = fleet_of().map(work.where, executor=processes)
        zones = fleet.call('get_all_zones', executor=processes)
    assert where.ok
    assert len(set(pid for pid, _ in where.values())) <= 2

    # boto's objects come back with their connection, but the role's
    # credentials stay in the worker: nothing secret travels, and the
    # connection says so if used.
    assert zones.ok and len(zones) == len(work.ACCOUNTS) * len(work.REGIONS)
    for key, found in zones.items():
        assert found and all(z.name.startswith(key[1].replace('_', '-'))
                             for z in found)
    connection = list(zones.values())[0][0].connection
    assert connection.provider.secret_key is None
    assert connection.provider.security_token is None
    with pytest.raises(NotConnectedError) as raised:
        connection.get_all_zones()
    assert 'credentials' in str(raised.value)
    here = fleet.call('get_all_zones')
    data = pickle.dumps(here, pickle.HIGHEST_PROTOCOL)
    for account in work.ACCOUNTS:
        provider = fleet.accounts[account].regions.us_east_1.connection \
            .provider
        assert provider.secret_key.encode('ascii') not in data
        assert provider.security_token.encode('ascii') not in data
    # In this process the connections sign as ever.
    assert fleet.accounts[work.ACCOUNTS[0]].regions.us_east_1 \
        .get_all_zones()


@pytest.mark.parametrize('method', START_METHODS)
def test_a_refused_role_in_a_worker_is_its_account_error_once(proxy,
                                                              method):
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    fleet = AccountPool(Ec2Pool, [PROD, REFUSED, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    reported = []
    with process_pool(method) as processes:
        results = fleet.map(work.where, executor=processes,
                            on_result=lambda *a: reported.append(a))
    check_refused_alone(results, REFUSED, [
        (PROD, 'us_east_1'), (PROD, 'eu_west_1'), (DEV, 'us_east_1'),
        (DEV, 'eu_west_1')])
    # One AssumeRole per account, each from a worker, none from here.
    assert len(sts_requests(proxy)) == 3
    assert assumed(fleet) == []
    failures = [(k, type(e).__name__) for k, _, e in reported
                if e is not None]
    assert failures == [(REFUSED, 'AssumeRoleError')]
    assert len(reported) == 5


@pytest.mark.parametrize('method', START_METHODS)
def test_workers_use_their_own_credentials_unless_the_caller_sends_its(
        proxy, method):
    # The caller's own keys, given to the pool; the workers' environment
    # (the test bed's BOTO_CONFIG) has others: 'testing'.
    caller = dict(aws_access_key_id='AKIACALLERSTAYSHERE0',
                  aws_secret_access_key='CallerSecretStaysHere0123456789abcde',
                  security_token='CallerSessionTokenStaysHere0123456789')
    options = dict(caller, **through(proxy))
    left = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                       regions=REGIONS, **options)
    data = pickle.dumps(left, pickle.HIGHEST_PROTOCOL)
    for secret in caller.values():
        assert secret.encode('ascii') not in data
    sent = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                       regions=REGIONS, pickle_credentials=True, **options)
    data = pickle.dumps(sent, pickle.HIGHEST_PROTOCOL)
    assert caller['aws_secret_access_key'].encode('ascii') in data
    assert caller['security_token'].encode('ascii') in data
    with process_pool(method) as processes:
        results = left.map(work.where, executor=processes)
        assert results.ok and len(results) == 4
        assert sts_keys(proxy) == set(['testing'])
        proxy.clear()
        results = sent.map(work.where, executor=processes)
        assert results.ok and len(results) == 4
        assert sts_keys(proxy) == set([caller['aws_access_key_id']])
    # Every role was assumed in a worker, none here.
    assert assumed(left) == assumed(sent) == []


def test_retry_reaches_every_account_and_each_key_shows_its_stats(proxy):
    # Each account's eu-west-1 endpoint (its own access key) throttles its
    # first two requests; us-east-1 never does.
    proxy.throttle['eu-west-1'] = Throttle(first=2)
    fleet = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    results = fleet.call('get_all_zones', retry=FAST)
    assert results.ok, results.errors
    assert list(results.stats) == list(results)
    for account in (PROD, DEV):
        assert results.stats[account, 'eu_west_1'].throttled == 2
        assert results.stats[account, 'eu_west_1'].retries == 2
        assert results.stats[account, 'eu-west-1'].requests == 3
        assert results.stats[account, 'us_east_1'].throttled == 0
    assert results.stats.throttled == 4

    # A budget of one send: the throttling error, for those keys alone.
    proxy.throttle['eu-west-1'] = Throttle(max_in_flight=0)
    once = fleet.call('get_all_zones', retry=RetryPolicy(attempts=1))
    assert list(once.errors) == [(PROD, 'eu_west_1'), (DEV, 'eu_west_1')]
    assert all(throttling.throttling_code(e) == 'RequestLimitExceeded'
               for e in once.errors.values())
    assert list(once) == [(PROD, 'us_east_1'), (DEV, 'us_east_1')]


def test_iter_map_yields_each_key_as_it_ends_and_a_failed_account_once(
        proxy):
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    fleet = AccountPool(Ec2Pool, [PROD, REFUSED, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    stream = fleet.iter_map(lambda region: region.region_name,
                            max_workers=3)
    outcomes = list(stream)
    assert sorted(o.key for o in outcomes if o.error is None) == sorted(
        (account, region.replace('-', '_')) for account in (PROD, DEV)
        for region in REGIONS)
    assert all(o.result == o.key[1].replace('_', '-') for o in outcomes
               if o.error is None)
    failed = [o for o in outcomes if o.error is not None]
    assert [o.key for o in failed] == [REFUSED]
    assert isinstance(failed[0].error, AssumeRoleError)
    assert failed[0].traceback is not None
    assert len(sts_requests(proxy)) == 3

    narrowed = list(fleet.iter_map(lambda region: region.region_name,
                                   accounts=[DEV], regions=['eu-west-1']))
    assert [(o.key, o.result) for o in narrowed] == [
        ((DEV, 'eu_west_1'), 'eu-west-1')]


def test_bad_options_are_refused_before_any_role_is_assumed(proxy):
    fleet = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    for bad in ('processes', 3, object(), ThreadPoolExecutor):
        with pytest.raises(InvalidArgumentTypeError) as raised:
            fleet.map(work.where, executor=bad)
        assert 'concurrent.futures.Executor' in str(raised.value)
        with pytest.raises(TypeError):
            fleet.call('get_all_zones', executor=bad)
    with pytest.raises(InvalidArgumentTypeError) as raised:
        fleet.call('get_all_zones', retry=3)
    assert 'RetryPolicy' in str(raised.value)
    with pytest.raises(InvalidArgumentTypeError):
        fleet.iter_map(work.where, retry='often')
    with pytest.raises(InvalidArgumentTypeError):
        fleet.iter_map('get_all_zones')
    with pytest.raises(ValueError):
        fleet.iter_map(work.where, max_workers=0)
    assert sts_requests(proxy) == [] and assumed(fleet) == []
    assert fleet.map(work.where, executor='threads').ok
