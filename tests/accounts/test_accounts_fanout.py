# -*- coding: utf-8 -*-
"""An account pool's fan-out options against the suite's moto server:
``paginate`` follows every page of every account x region (each with more
than one page), and ``timeout`` gives up on a stalled account or region
alone, keyed as its results would be, while every other key keeps its
result."""
from __future__ import absolute_import

import threading

import pytest

from mangrove import ServiceMixinPool
from mangrove.accounts import AccountPool
from mangrove.exceptions import FanOutTimeoutError
from mangrove.pool.pagination import next_page
from mangrove.services import Ec2Pool

from bed.accounts import through
from bed.clock import manual_clock

PROD, DEV, SLOW = '111111111111', '222222222222', '555555555555'
REGIONS = ['us-east-1', 'eu-west-1']


class Inventory(ServiceMixinPool):
    services = {'ec2': {}, 'sqs': {}}


def run_instances(region, count):
    """``count`` reservations (one instance each) in one account's region:
    their ids."""
    image = region.get_all_images()[0].id
    return sorted(region.run_instances(image).instances[0].id
                  for _ in range(count))


@pytest.mark.slow
def test_paginate_follows_every_page_of_every_account_and_region():
    fleet = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                        regions=REGIONS)
    # A different number in each account and region, each more than a
    # page of 2: state of one account never counts in another.
    counts = {(PROD, 'us_east_1'): 5, (PROD, 'eu_west_1'): 3,
              (DEV, 'us_east_1'): 4, (DEV, 'eu_west_1'): 0}
    made = dict((key, run_instances(
        fleet.accounts[key[0]].region_proxy(key[1]), count))
        for key, count in counts.items())

    first = fleet.call('get_all_reservations', max_results=2)
    assert [len(first[key]) for key in first] == [2, 2, 2, 0]

    results = fleet.paginate('get_all_reservations', max_results=2)
    assert results.ok
    assert list(results) == [(PROD, 'us_east_1'), (PROD, 'eu_west_1'),
                             (DEV, 'us_east_1'), (DEV, 'eu_west_1')]
    for key, reservations in results.items():
        assert sorted(i.id for r in reservations
                      for i in r.instances) == made[key]
        assert next_page(reservations) is None

    # Narrowed, and stopped early with the next page's token kept.
    some = fleet.paginate('get_all_reservations', max_results=2,
                          max_pages=1, accounts=[PROD],
                          regions=['us-east-1'])
    assert list(some) == [(PROD, 'us_east_1')]
    assert len(some[PROD, 'us-east-1']) == 2
    assert next_page(some[PROD, 'us-east-1'])[0] == 'next_token'


@pytest.mark.slow
def test_paginate_on_a_multi_service_pool_in_every_account():
    fleet = AccountPool(Inventory, [PROD, DEV], role_name='Audit',
                        regions=['us-east-1'])
    made = run_instances(fleet.accounts[DEV].ec2.regions.us_east_1, 3)
    results = fleet.paginate('get_all_reservations', max_results=2,
                             services=['ec2'])
    assert list(results) == [(PROD, 'ec2', 'us_east_1'),
                             (DEV, 'ec2', 'us_east_1')]
    assert results[PROD, 'ec2', 'us-east-1'] == []
    assert sorted(i.id for r in results[DEV, 'ec2', 'us-east-1']
                  for i in r.instances) == made


@pytest.fixture
def stalled_role(proxy):
    """STS holds AssumeRole of ``SLOW``'s role (at most 60 s) until the
    test ends; every other account's is answered at once."""
    released = threading.Event()

    def answer(param):
        if ':%s:' % SLOW in (param('RoleArn') or ''):
            released.wait(60)
        return None  # forwarded to moto
    proxy.answers['AssumeRole'] = answer
    try:
        yield
    finally:
        released.set()
        proxy.answers.pop('AssumeRole', None)


@pytest.mark.slow
def test_timeout_gives_up_on_a_stalled_account_and_region_alone(
        proxy, stalled_role):
    accounts = [PROD, DEV, SLOW]
    regions = ['eu-west-1', 'eu-west-2']
    fleet = AccountPool(Ec2Pool, accounts, role_name='Audit',
                        regions=regions, **through(proxy))
    proxy.faults['eu-west-2'] = 'stall'
    reported = []

    def report(*outcome):
        reported.append(outcome)
        if sum(1 for _, _, error in reported if error is None) == 2:
            # Both keys that can answer have: only now does time pass the
            # timeout, however long their roles and requests took.
            clock.advance(4)

    try:
        with manual_clock() as clock:
            results = fleet.call('get_all_zones', timeout=4,
                                 on_result=report)
    finally:
        proxy.faults.clear()
        proxy.release()
    assert list(results) == [(PROD, 'eu_west_1'), (DEV, 'eu_west_1')]
    assert all(z.name.startswith('eu-west-1') for z in
               results[DEV, 'eu-west-1'])
    # Keyed as results are: the account's regions, not the account (its
    # role did not fail; it did not answer in time).
    assert list(results.errors) == [
        (PROD, 'eu_west_2'), (DEV, 'eu_west_2'),
        (SLOW, 'eu_west_1'), (SLOW, 'eu_west_2')]
    for error in results.errors.values():
        assert isinstance(error, FanOutTimeoutError)
    assert sorted(key for key, _, error in reported if error is None) == \
        [(PROD, 'eu_west_1'), (DEV, 'eu_west_1')]
    assert len(reported) == 6
