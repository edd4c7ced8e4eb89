# -*- coding: utf-8 -*-
"""
A new account pool starts the regions that took longest first, from what
account pools of its kind (pool class and options, regions aside) took
before in the process; pools of another kind start in their own order.

Round trips come from the test bed's loopback proxy in front of the moto
server. Each fan-out here runs on one worker thread, so the order in which
tasks start is the order the fan-out chose; nothing asserts on time.
"""
from __future__ import absolute_import

import pickle

import pytest

from mangrove.accounts import plan as accountfanout
from mangrove.accounts import AccountPool
from mangrove.accounts.plan import pool_kind
from mangrove.services import Ec2Pool, SqsPool

from bed.accounts import StartOrder, through

ACCOUNTS = ['111111111111', '222222222222']
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1']
IN_ORDER = ['us_east_1', 'us_west_2', 'eu_west_1']
# Far apart, so that what the machine adds cannot reorder them.
ROUND_TRIPS = {'eu-west-1': 0.4, 'us-west-2': 0.2}
SLOWEST_FIRST = ['eu_west_1', 'us_west_2', 'us_east_1']


def fleet_through(proxy, **options):
    options = dict(through(proxy), **options)
    options.setdefault('regions', REGIONS)
    return AccountPool(Ec2Pool, ACCOUNTS, role_name='Audit', **options)


def measured_once(proxy):
    """A fan-out of an account pool through ``proxy`` with its round trips
    (each region answered once before, straight: moto's first request in
    a region is slow, and is not a fan-out task)."""
    first = fleet_through(proxy)
    for account in ACCOUNTS:
        for region in first.accounts[account].regions.values():
            region.get_all_zones()
    proxy.latency.update(ROUND_TRIPS)
    starts = StartOrder()
    assert first.map(starts, max_workers=1).ok
    first.close()
    return starts


@pytest.mark.slow
def test_a_new_account_pool_of_the_same_kind_starts_slowest_first(proxy):
    measured_once(proxy)
    # New pools, new credentials, nothing run in their accounts yet; the
    # regions they list may differ (and come in another order).
    for fleet in (fleet_through(proxy),
                  fleet_through(proxy, regions=list(reversed(REGIONS))),
                  pickle.loads(pickle.dumps(fleet_through(proxy)))):
        assert all(slot.pool is None for slot in
                   (fleet.accounts.slot(a) for a in ACCOUNTS))
        starts = StartOrder()
        results = fleet.map(starts, max_workers=1)
        assert results.ok
        assert starts.keys == [key for key in SLOWEST_FIRST
                               for _ in ACCOUNTS]
        # Results keep the pool's own order.
        regions = [k.replace('-', '_') for k in fleet._template.regions]
        assert list(results) == [(account, key) for account in ACCOUNTS
                                 for key in regions]
        fleet.close()


@pytest.mark.slow
def test_pools_of_another_kind_keep_their_own_order(proxy, moto_server):
    from bed.proxy import LoopbackProxy
    measured_once(proxy)
    elsewhere = LoopbackProxy(moto_server).start()
    try:
        # Another endpoint (here another proxy): nothing measured there
        # (but by an earlier test whose proxy had this port).
        other = fleet_through(elsewhere)
        for key in list(accountfanout._REGION_TIMES):
            if key[0] == other._kind:
                del accountfanout._REGION_TIMES[key]
        starts = StartOrder()
        assert other.map(starts, max_workers=1).ok
        assert starts.keys == [key for key in IN_ORDER for _ in ACCOUNTS]
    finally:
        elsewhere.stop()


def test_the_kind_is_the_pool_class_and_options_but_the_regions():
    base = dict(is_secure=False, proxy='127.0.0.1', proxy_port=8080)
    kind = pool_kind(Ec2Pool, base)
    assert pool_kind(Ec2Pool, dict(base, regions=['us-east-1'],
                                   default_region='us-east-1')) == kind
    assert pool_kind(Ec2Pool, dict(base, proxy_port=8081)) != kind
    assert pool_kind(Ec2Pool, dict(base, endpoint_url='http://x')) != kind
    assert pool_kind(SqsPool, base) != kind
    hash(kind)
