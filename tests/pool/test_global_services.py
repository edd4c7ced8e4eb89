# -*- coding: utf-8 -*-
"""Global services (IAM, Route 53, Support): one entry per partition
endpoint, a fan-out that calls each endpoint once, and every name a user
would try for it, against the moto server."""
from __future__ import absolute_import

import pytest

from mangrove import ServiceMixinPool, catalog, services
from mangrove.classic.backend import boto_backend
from mangrove.registry import SERVICES


def test_global_services_come_from_the_catalog_not_a_hand_list():
    found = sorted(spec.name for spec in SERVICES.values()
                   if catalog.global_endpoints(spec.endpoint_prefix))
    assert found == ['iam', 'route53', 'support']
    # S3 and STS have a partition-wide endpoint beside regional ones.
    assert catalog.global_endpoints('s3') == []
    assert catalog.global_endpoints('sts') == []


@pytest.mark.parametrize('class_name', ['IamPool', 'Route53Pool',
                                        'SupportPool'])
def test_global_service_pool_holds_one_entry_per_partition(class_name):
    pool_class = getattr(services, class_name)
    assert list(pool_class().regions) == ['aws_global']
    assert list(pool_class(partition='aws-cn').regions) == ['aws_cn_global']
    assert list(pool_class(partition='all').regions) == [
        'aws_global', 'aws_cn_global', 'aws_us_gov_global']


def test_every_name_a_user_tries_reaches_the_partition_endpoint():
    pool = services.IamPool(connect=True, partition='all')
    commercial = pool.regions['aws_global']
    for name in ('aws-global', 'aws_global', 'universal', 'aws',
                 'us-east-1', 'us_east_1', 'eu-west-1'):
        assert pool.regions[name] is commercial, name
        assert name in pool.regions
    assert pool.regions.universal is commercial
    assert pool.regions['cn-north-1'] is pool.regions['aws_cn_global']
    assert pool.regions['aws-us-gov'] is pool.regions['aws_us_gov_global']
    assert commercial.host == 'iam.amazonaws.com'
    assert pool.regions['aws_cn_global'].host == \
        'iam.cn-north-1.amazonaws.com.cn'
    assert pool.regions['aws_us_gov_global'].host == \
        'iam.us-gov.amazonaws.com'


def test_names_of_one_endpoint_make_one_entry():
    pool = services.IamPool(regions=['universal', 'us-east-1', 'eu-west-1'],
                            default_region='us-east-1')
    assert list(pool.regions) == ['aws_global']
    assert pool.default_region == 'aws-global'
    assert pool.add_region('us-west-2') is pool.connect().regions[
        'aws_global']
    assert list(pool.regions) == ['aws_global']


def test_fan_out_calls_a_global_service_once(connect_kwargs, proxy):
    # The repro: 17 hosted zones, 16 IAM conflicts.
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    iam = services.IamPool(connect=True, **kwargs)
    results = iam.call('create_user', 'alice')
    assert results.ok and list(results) == ['aws_global']
    assert len(proxy.records) == 1
    assert proxy.records[0]['host'] == 'iam.amazonaws.com'
    users = iam.regions['universal'].get_all_users()[
        'list_users_response']['list_users_result']['users']
    assert [u['user_name'] for u in users] == ['alice']

    route53 = services.Route53Pool(connect=True, **kwargs)
    proxy.clear()
    results = route53.call('create_hosted_zone', 'example.org.')
    assert results.ok and list(results) == ['aws_global']
    zones = route53.regions['aws_global'].get_all_hosted_zones()[
        'ListHostedZonesResponse']['HostedZones']
    assert [z['Name'] for z in zones] == ['example.org.']
    assert [r['host'] for r in proxy.records] == ['route53.amazonaws.com'] * 2


def test_other_partitions_are_signed_for_their_endpoint_region(
        connect_kwargs, proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = services.Route53Pool(connect=True, partition='aws-cn', **kwargs)
    pool.map(lambda region: region.get_all_hosted_zones())
    assert [(r['host'], r['scope']) for r in proxy.records] == [
        ('route53.amazonaws.com.cn', ('cn-northwest-1', 'route53'))]


def test_mixin_pool_narrowed_to_regions_calls_iam_once(connect_kwargs, proxy):
    class Inventory(ServiceMixinPool):
        services = {'ec2': {}, 'iam': {}}

    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = Inventory(connect=True, regions=['us-east-1', 'eu-west-1'],
                     **kwargs)
    assert list(pool.iam.regions) == ['aws_global']
    results = pool.map(lambda region: region.pool.service_name)
    assert sorted(results) == [('ec2', 'eu_west_1'), ('ec2', 'us_east_1'),
                               ('iam', 'aws_global')]


def test_typo_suggests_the_names_of_a_global_endpoint():
    from mangrove.exceptions import UnknownRegionError
    with pytest.raises(UnknownRegionError) as raised:
        services.IamPool(regions=['universl'])
    assert "'universal'" in str(raised.value)


def test_boto_regions_list_the_endpoint_names():
    spec = SERVICES['iam']
    assert boto_backend.regions(spec) == ['aws-global']
    assert boto_backend.regions(spec, 'all') == [
        'aws-global', 'aws-cn-global', 'aws-us-gov-global']
    assert boto_backend.canonical_region(spec, 'universal') == 'aws-global'
    assert boto_backend.canonical_region(SERVICES['ec2'], 'us-east-1') == \
        'us-east-1'
