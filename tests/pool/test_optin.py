# -*- coding: utf-8 -*-
"""Partitions and opt-in regions: the commercial partition by default,
``partition='all'``, ``regions='enabled'`` (EC2's DescribeRegions) and a
region the account has not enabled, recognisable in a fan-out's results.

The fault proxy answers as AWS does for a region an account has not
enabled, in each protocol's words; it also stands for an account that has
enabled only some regions, by answering DescribeRegions itself.
"""
from __future__ import absolute_import

import pickle

import pytest

from mangrove import ServiceMixinPool, catalog, services
from mangrove.exceptions import MangroveError, RegionNotEnabledError
from bed.names import COMMERCIAL_REGIONS

ENABLED_HERE = ['us-east-1', 'eu-west-1', 'af-south-1']


def describe_regions(names):
    """EC2's DescribeRegions answer for an account with ``names`` enabled."""
    items = ''.join(
        '<item><regionName>%s</regionName><regionEndpoint>ec2.%s.amazonaws'
        '.com</regionEndpoint><optInStatus>opted-in</optInStatus></item>'
        % (name, name) for name in names)
    body = ('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/'
            '2016-11-15/"><requestId>testbed</requestId><regionInfo>%s'
            '</regionInfo></DescribeRegionsResponse>' % items)
    return 200, 'text/xml', body.encode('utf-8')


def test_default_is_the_commercial_partition_and_all_is_every_one():
    assert len(services.Ec2Pool().regions) == 34
    assert len(services.Ec2Pool(partition='aws').regions) == 34
    assert len(services.Ec2Pool(partition='all').regions) == 38
    assert 'cn_north_1' not in services.Ec2Pool().regions
    # A named region of another partition is still there when asked for.
    assert list(services.Ec2Pool(regions=['cn-north-1']).regions) == [
        'cn_north_1']


def test_an_explicit_partition_refuses_regions_of_another():
    from mangrove.exceptions import UnknownRegionError
    with pytest.raises(UnknownRegionError) as raised:
        services.Ec2Pool(partition='aws-cn', regions=['us-east-1'])
    assert "'us-east-1'" in str(raised.value)
    assert "'aws-cn'" in str(raised.value)


def test_unknown_partition_names_all_as_valid():
    with pytest.raises(ValueError) as raised:
        services.Ec2Pool(partition='everything')
    assert 'all' in raised.value.valid
    assert "'everything'" in str(raised.value)


def test_enabled_regions_are_the_ones_describe_regions_lists(
        connect_kwargs, proxy):
    proxy.answers['DescribeRegions'] = describe_regions(ENABLED_HERE)
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = services.Ec2Pool(regions='enabled', **kwargs)
    assert list(pool.regions) == ['af_south_1', 'eu_west_1', 'us_east_1']
    # Asked once, of EC2 in us-east-1, with the pool's credentials.
    assert [r['host'] for r in proxy.records] == [
        'ec2.us-east-1.amazonaws.com']
    # Another service keeps those of its regions that are enabled.
    sqs = services.SqsPool(regions='enabled', **kwargs)
    assert list(sqs.regions) == ['af_south_1', 'eu_west_1', 'us_east_1']


def test_enabled_in_a_declaration_and_a_global_service(
        connect_kwargs, proxy):
    proxy.answers['DescribeRegions'] = describe_regions(['eu-west-1'])

    class Inventory(ServiceMixinPool):
        services = {'ec2': {'regions': 'enabled'}, 'iam': {}}

    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = Inventory(connect=True, **kwargs)
    assert list(pool.ec2.regions) == ['eu_west_1']
    assert list(pool.iam.regions) == ['aws_global']
    everywhere = Inventory(regions='enabled', **kwargs)
    assert list(everywhere.iam.regions) == ['aws_global']


def test_enabled_against_the_server_lists_every_commercial_region(
        connect_kwargs):
    pool = services.Ec2Pool(regions='enabled', **connect_kwargs)
    assert sorted(pool.regions) == sorted(
        name.replace('-', '_') for name in COMMERCIAL_REGIONS)


@pytest.mark.parametrize('class_name, method, code, status', [
    ('Ec2Pool', 'get_all_zones', 'AuthFailure', 401),
    ('SqsPool', 'get_all_queues', 'InvalidClientTokenId', 403),
    ('KinesisPool', 'list_streams', 'UnrecognizedClientException', 400),
])
def test_region_not_enabled_is_recognisable_in_the_results(
        connect_kwargs, proxy, class_name, method, code, status):
    proxy.faults['af-south-1'] = 'not-enabled'
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = getattr(services, class_name)(
        connect=True, regions=['us-east-1', 'af-south-1'], **kwargs)
    results = pool.call(method)
    assert list(results) == ['us_east_1']
    error = results.errors['af_south_1']
    assert isinstance(error, RegionNotEnabledError)
    assert isinstance(error, MangroveError)
    assert error.region_name == 'af-south-1'
    assert (error.error_code, error.status) == (code, status)
    assert getattr(error.error, 'error_code', None) == code
    assert 'af-south-1 is not enabled for these credentials' in str(error)
    assert "regions='enabled'" in str(error)
    assert error.value == 'af-south-1'
    copied = pickle.loads(pickle.dumps(error))
    assert (type(copied), str(copied), copied.error_code) == (
        RegionNotEnabledError, str(error), code)
    copy = pickle.loads(pickle.dumps(pool)).connect().call(method)
    assert isinstance(copy.errors['af_south_1'], RegionNotEnabledError)


def test_the_same_answer_from_a_region_enabled_by_default_is_bad_credentials(
        connect_kwargs, proxy):
    # AuthFailure from us-east-1 cannot be an opt-in region: boto's own error.
    proxy.faults['us-east-1'] = 'not-enabled'
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'], **kwargs)
    error = pool.call('get_all_zones').errors['us_east_1']
    assert not isinstance(error, RegionNotEnabledError)
    assert error.error_code == 'AuthFailure'


def test_opt_in_regions_are_those_opened_since_2019():
    assert catalog.needs_opt_in('af-south-1')
    assert catalog.needs_opt_in('mx-central-1')
    assert catalog.needs_opt_in('eu-west-9')  # opened after the catalog
    assert not catalog.needs_opt_in('eu-north-1')
    assert not catalog.needs_opt_in('cn-north-1')
    assert not catalog.needs_opt_in('us-gov-west-1')
    assert len([r for r in COMMERCIAL_REGIONS
                if not catalog.needs_opt_in(r)]) == 17
