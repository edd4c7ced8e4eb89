# -*- coding: utf-8 -*-
"""``add_region`` on a connected pool takes a region name as people type
it: in another case or with spaces around it, it is the same region, and
the pool gets (or keeps) one proxy for it, connected.  A name the service
does not know is refused by name and leaves the pool as it was.
"""
from __future__ import absolute_import

import pytest

from mangrove.exceptions import UnknownRegionError
from mangrove.services import Ec2Pool
from test_errors import snapshot


def ec2_pool():
    return Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'],
                   default_region='us-east-1')


@pytest.mark.parametrize('name', ['US-EAST-2', '  us-east-2 ', 'Us_East_2\t'],
                         ids=['upper-case', 'spaces', 'key-mixed-case-tab'])
def test_add_region_takes_a_name_in_another_case_or_with_spaces(name):
    pool = ec2_pool()

    proxy = pool.add_region(name)

    assert proxy is pool.regions['us_east_2']
    assert proxy.state == 'built'
    assert proxy.connection.region.name == 'us-east-2'
    assert list(pool.regions) == ['us_east_1', 'eu_west_1', 'us_east_2']
    # It answers: the connection reaches the emulator in that region.
    proxy.run_instances('ami-12c6146b')
    assert len(proxy.get_only_instances()) == 1
    assert pool.regions.us_east_1.get_only_instances() == []


def test_a_second_add_region_returns_the_same_proxy():
    pool = ec2_pool()
    proxy = pool.add_region('US-EAST-2')
    conn = proxy.connection

    assert pool.add_region('  us-east-2 ') is proxy
    assert pool.add_region('us_east_2') is proxy
    assert proxy.connection is conn
    assert len(pool.regions) == 3


def test_an_unknown_name_with_spaces_is_refused_by_name():
    pool = ec2_pool()
    before = snapshot(pool)

    with pytest.raises(UnknownRegionError) as raised:
        pool.add_region('  US-EST-2 ')

    # Named once, normalized, with the region the user likely meant.
    message = str(raised.value)
    assert "no region 'us-est-2'" in message
    assert 'us-east-2' in message
    assert raised.value.value == 'us-est-2'
    assert 'us-east-2' in raised.value.valid
    assert snapshot(pool) == before
    assert list(pool.regions) == ['us_east_1', 'eu_west_1']
