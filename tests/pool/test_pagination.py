# -*- coding: utf-8 -*-
"""Pagination: each region's whole list, with more items than one page per
region, in the three shapes boto pages (EC2/Auto Scaling result sets, IAM's
marker, JSON services' tokens), against the moto server."""
from __future__ import absolute_import

import logging
import pickle

import pytest

from mangrove import ServiceMixinPool, services
from mangrove.exceptions import InvalidArgumentError, InvalidArgumentTypeError
from mangrove.pool.pagination import Pages, all_pages, next_page

REGIONS = ['us-east-1', 'eu-west-1']


def run_instances(region, count):
    image = region.get_all_images()[0].id
    return [region.run_instances(image).id for _ in range(count)]


@pytest.mark.slow
def test_every_reservation_of_every_region_in_pages_of_five():
    pool = services.Ec2Pool(connect=True, regions=REGIONS)
    made = {'us_east_1': run_instances(pool.regions.us_east_1, 12),
            'eu_west_1': run_instances(pool.regions.eu_west_1, 7)}
    # One page per call is what boto gives: the rest is dropped.
    first = pool.call('get_all_reservations', max_results=5)
    assert [len(first[k]) for k in first] == [5, 5]
    assert all(next_page(first[k]) for k in first)

    results = pool.paginate('get_all_reservations', max_results=5)
    assert results.ok
    for key, ids in made.items():
        assert sorted(r.id for r in results[key]) == sorted(ids)
        assert results[key].next_token is None
        assert next_page(results[key]) is None


def test_max_pages_stops_early_but_says_there_is_more(caplog):
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    run_instances(pool.regions.us_east_1, 12)
    with caplog.at_level(logging.WARNING, logger='mangrove'):
        results = pool.paginate('get_all_reservations', max_results=5,
                                max_pages=2)
    page = results['us_east_1']
    assert len(page) == 10
    keyword, token = next_page(page)
    assert keyword == 'next_token' and token == page.next_token
    assert 'stopped after 2 pages' in caplog.text
    rest = pool.regions.us_east_1.get_all_reservations(max_results=5,
                                                       next_token=token)
    assert len(rest) == 2


def test_iam_marker_pages_are_followed():
    pool = services.IamPool(connect=True)
    for n in range(7):
        pool.regions.universal.create_role('role-%d' % n, '{}')
    results = pool.paginate('list_roles', max_items=2)
    result = results['aws_global']['list_roles_response']['list_roles_result']
    assert sorted(r['role_name'] for r in result['roles']) == [
        'role-%d' % n for n in range(7)]
    assert next_page(results['aws_global']) is None


def test_json_service_tokens_are_followed():
    pool = services.LogsPool(connect=True, regions=REGIONS)
    for n in range(5):
        pool.regions.us_east_1.create_log_group('group-%d' % n)
    pool.regions.eu_west_1.create_log_group('lonely')
    results = pool.paginate('describe_log_groups', limit=2)
    assert [g['logGroupName'] for g in results['us_east_1']['logGroups']] \
        == ['group-%d' % n for n in range(5)]
    assert 'nextToken' not in results['us_east_1']
    assert [g['logGroupName'] for g in results['eu_west_1']['logGroups']] \
        == ['lonely']


def test_auto_scaling_result_sets_and_a_mixin_pool():
    from boto.ec2.autoscale import LaunchConfiguration

    class Fleet(ServiceMixinPool):
        services = {'autoscale': {'regions': REGIONS}}

    pool = Fleet(connect=True)
    region = pool.autoscale.regions.us_east_1
    for n in range(5):
        region.create_launch_configuration(LaunchConfiguration(
            name='lc-%d' % n, image_id='ami-12c6146b',
            instance_type='t2.micro'))
    results = pool.paginate('get_all_launch_configurations', max_records=2)
    assert sorted(c.name for c in results[('autoscale', 'us_east_1')]) == [
        'lc-%d' % n for n in range(5)]
    assert list(results[('autoscale', 'eu_west_1')]) == []


def test_a_method_that_cannot_take_its_token_back_fails_loudly():
    # get_all_instances pages but takes no next_token: never truncate.
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    run_instances(pool.regions.us_east_1, 6)
    results = pool.paginate('get_all_instances', max_results=5)
    error = results.errors['us_east_1']
    assert isinstance(error, InvalidArgumentError)
    assert "'next_token'" in str(error)


def test_fan_out_options_narrow_a_paginated_call():
    pool = services.Ec2Pool(connect=True, regions=REGIONS)
    results = pool.paginate('get_all_reservations', regions=['eu-west-1'],
                            timeout=60, max_workers=1,
                            call_kwargs={'filters': {'instance-state-name':
                                                     'running'}})
    assert list(results) == ['eu_west_1']
    assert list(results['eu-west-1']) == []


def test_a_mixin_pool_recognises_a_region_not_enabled(connect_kwargs, proxy):
    from mangrove.exceptions import RegionNotEnabledError

    class Pair(ServiceMixinPool):
        services = {'ec2': {'regions': ['us-east-1', 'af-south-1']}}

    proxy.faults['af-south-1'] = 'not-enabled'
    pool = Pair(connect=True, **dict(connect_kwargs, proxy_port=proxy.port))
    results = pool.paginate('get_all_reservations')
    assert isinstance(results.errors[('ec2', 'af_south_1')],
                      RegionNotEnabledError)
    assert list(results[('ec2', 'us_east_1')]) == []


@pytest.mark.parametrize('max_pages, error', [
    (0, InvalidArgumentError), (-1, InvalidArgumentError),
    ('2', InvalidArgumentTypeError), (True, InvalidArgumentTypeError),
    (1.5, InvalidArgumentTypeError)])
def test_bad_max_pages_is_refused(max_pages, error):
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    with pytest.raises(error) as raised:
        pool.paginate('get_all_reservations', max_pages=max_pages)
    assert repr(max_pages) in str(raised.value)


def test_pages_task_pickles_for_a_process_pool():
    task = pickle.loads(pickle.dumps(Pages('get_all_reservations', (),
                                           {'max_results': 5}, 3)))
    assert (task.name, task.kwargs, task.max_pages) == (
        'get_all_reservations', {'max_results': 5}, 3)
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    run_instances(pool.regions.us_east_1, 7)
    assert len(task(pool.regions.us_east_1)) == 7
    assert len(all_pages(pool.regions.us_east_1.get_all_reservations,
                         kwargs={'max_results': 3})) == 7
