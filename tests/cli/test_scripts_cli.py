# -*- coding: utf-8 -*-
"""The command line's side of pages, partitions and enabled regions:
``mangrove call`` follows each region's pages (``--max-pages`` stops early
and says so), ``--partition all`` and ``--regions enabled``."""
from __future__ import absolute_import

from mangrove.services import Ec2Pool

import pytest

from clirun import loads, mangrove


def make_reservations(count):
    pool = Ec2Pool(connect=True, regions=['us-east-1'])
    region = pool.regions.us_east_1
    image = region.get_all_images()[0].id
    for _ in range(count):
        region.run_instances(image)


@pytest.mark.slow
def test_call_follows_every_page_never_printing_a_first_page_alone():
    make_reservations(7)
    result = mangrove('call', 'ec2', 'get_all_reservations', 'max_results=5',
                      '--regions', 'us-east-1', '--json')
    assert result.status == 0, result.err
    assert len(loads(result.out)['us-east-1']) == 7


def test_max_pages_stops_early_and_says_more_remain():
    make_reservations(7)
    result = mangrove('call', 'ec2', 'get_all_reservations', 'max_results=5',
                      '--regions', 'us-east-1', '--max-pages', '1', '--json')
    assert result.status == 0, result.err
    assert len(loads(result.out)['us-east-1']) == 5
    assert 'us-east-1: stopped after 1 page; more remain (next_token=' in \
        result.err


def test_max_pages_must_be_a_positive_whole_number():
    result = mangrove('call', 'ec2', 'get_all_zones', '--max-pages', '0')
    assert result.status == 2
    assert "'0'" in result.err


@pytest.mark.slow
def test_partition_all_and_enabled_regions():
    everywhere = mangrove('regions', 'iam', '--partition', 'all')
    assert everywhere.out.splitlines() == [
        'aws-global', 'aws-cn-global', 'aws-us-gov-global']
    enabled = mangrove('call', 'ec2', 'get_all_zones', '--regions', 'enabled',
                       '--json')
    assert enabled.status == 0, enabled.err
    # The test server enables every commercial region.
    assert len(loads(enabled.out)) == 34
