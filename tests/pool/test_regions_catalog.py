# -*- coding: utf-8 -*-
"""Pools over today's regions: the catalog's, plus those only boto knows.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import pytest

from mangrove import ServiceMixinPool, catalog, services
from mangrove.classic.backend import boto_backend
from mangrove.exceptions import (InvalidArgumentError,
                                 InvalidDeclarationError, UnknownRegionError)
from mangrove.registry import get_service
from bed.names import COMMERCIAL_REGIONS

COMMERCIAL = COMMERCIAL_REGIONS
CHINA = ['cn-north-1', 'cn-northwest-1']
GOVCLOUD = ['us-gov-east-1', 'us-gov-west-1']


def keys(names):
    return [name.replace('-', '_') for name in names]


def test_ec2_pool_holds_all_34_commercial_regions_by_default():
    pool = services.Ec2Pool(connect=True)
    assert list(pool.regions) == keys(COMMERCIAL)
    assert len(pool.regions) == 34
    for key in pool.regions:
        name = key.replace('_', '-')
        assert pool.regions[key].host == catalog.hostname('ec2', name)


def test_partition_all_holds_china_and_govcloud_too():
    pool = services.Ec2Pool(connect=True, partition='all')
    assert list(pool.regions) == keys(COMMERCIAL + CHINA + GOVCLOUD)
    assert len(pool.regions) == 38
    for key in pool.regions:
        name = key.replace('_', '-')
        assert pool.regions[key].host == catalog.hostname('ec2', name)


def test_partition_narrows_ec2_pool_to_one_partition():
    assert list(services.Ec2Pool(partition='aws').regions) == keys(COMMERCIAL)
    assert len(services.Ec2Pool(partition='aws').regions) == 34
    assert list(services.Ec2Pool(partition='aws-cn').regions) == keys(CHINA)
    assert list(services.Ec2Pool(partition='aws-us-gov').regions) == \
        keys(GOVCLOUD)


@pytest.mark.slow
def test_every_ec2_region_answers_from_its_own_host_signed_for_itself(
        connect_kwargs, proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = services.Ec2Pool(connect=True, partition='all', **kwargs)
    results = pool.call('get_all_instances')
    assert results.errors == {}
    assert sorted(results) == sorted(keys(COMMERCIAL + CHINA + GOVCLOUD))
    seen = dict((record['host'], record['scope'])
                for record in proxy.records)
    assert len(proxy.records) == 38
    for name in COMMERCIAL + CHINA + GOVCLOUD:
        assert seen[catalog.hostname('ec2', name)] == (name, 'ec2')


@pytest.mark.parametrize('class_name, partition, count', [
    ('SqsPool', 'aws', 34), ('SqsPool', 'aws-cn', 2),
    ('SqsPool', 'aws-us-gov', 2), ('SqsPool', None, 34),
    ('SqsPool', 'all', 38),
    ('S3Pool', 'aws', 34), ('SnsPool', 'aws', 34),
    ('SesPool', 'aws', 33), ('SesPool', 'aws-cn', 0),
    ('SesPool', 'aws-us-gov', 2),
])
def test_partition_counts(class_name, partition, count):
    pool = getattr(services, class_name)(partition=partition)
    assert len(pool.regions) == count
    for key in pool.regions:
        owner = catalog.partition_of(key.replace('_', '-'))
        assert partition == 'all' or owner == (partition or 'aws')


def test_partition_per_service_in_a_mixin_declaration():
    class SplitPool(ServiceMixinPool):
        services = {'ec2': {'partition': 'aws-cn'},
                    'sqs': {'partition': 'aws-us-gov'},
                    's3': {}}

    pool = SplitPool()
    assert list(pool.ec2.regions) == keys(CHINA)
    assert list(pool.sqs.regions) == keys(GOVCLOUD)
    assert len(pool.s3.regions) == 34
    widened = SplitPool(partition='all')
    assert list(widened.ec2.regions) == keys(CHINA)
    assert len(widened.s3.regions) == 38


@pytest.mark.parametrize('partition', ['aws-mars', 'AWS', ''])
def test_unknown_partition_is_refused(partition):
    with pytest.raises(InvalidArgumentError) as raised:
        services.Ec2Pool(partition=partition)
    assert repr(partition) in str(raised.value)
    assert "aws-us-gov" in str(raised.value)


def test_unknown_partition_in_a_declaration_names_class_and_service():
    class MarsPool(ServiceMixinPool):
        services = {'ec2': {'partition': 'aws-mars'}}

    with pytest.raises(InvalidDeclarationError) as raised:
        MarsPool()
    assert 'MarsPool' in str(raised.value)
    assert 'aws-mars' in str(raised.value)


@pytest.mark.parametrize('partition, wrong, meant', [
    (None, 'af-south-2', 'af-south-1'),
    ('aws', 'mx-central-2', 'mx-central-1'),
    ('aws', 'ap-southeast-9', 'ap-southeast-6'),
    ('aws-cn', 'cn-northwest-2', 'cn-northwest-1'),
    ('aws-us-gov', 'us-gov-east-2', 'us-gov-east-1'),
    (None, 'us_gov_west_2', 'us-gov-west-1'),
])
def test_unknown_region_suggests_a_catalog_region_in_every_partition(
        partition, wrong, meant):
    with pytest.raises(UnknownRegionError) as raised:
        services.Ec2Pool(regions=[wrong], partition=partition)
    message = str(raised.value)
    assert repr(wrong.replace('_', '-')) in message
    assert 'did you mean' in message
    assert repr(meant) in message.split('did you mean', 1)[1].split('?')[0]
    assert isinstance(raised.value, ValueError)


def test_region_of_another_partition_is_unknown_in_a_narrowed_pool():
    with pytest.raises(UnknownRegionError) as raised:
        services.Ec2Pool(regions=['us-east-1'], partition='aws-cn')
    message = str(raised.value)
    assert "'us-east-1'" in message
    assert "partition 'aws-cn'" in message
    assert 'cn-north-1, cn-northwest-1' in message


def test_add_region_of_a_new_region_connects_it_and_refuses_a_typo(
        connect_kwargs, proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    pool = services.SqsPool(regions=['eu-west-1'], **kwargs).connect()
    pool.add_region('ap-southeast-7').get_all_queues()
    assert [(r['host'], r['scope']) for r in proxy.records] == [
        ('sqs.ap-southeast-7.amazonaws.com', ('ap-southeast-7', 'sqs'))]
    with pytest.raises(UnknownRegionError) as raised:
        pool.add_region('ap-southeast-77')
    assert "'ap-southeast-7'" in str(raised.value)
    assert list(pool.regions) == ['eu_west_1', 'ap_southeast_7']


def test_backend_refuses_a_region_nobody_knows_with_a_suggestion():
    spec = get_service('kinesis')
    with pytest.raises(UnknownRegionError) as raised:
        boto_backend.connect(spec, 'il-central-2', {})
    assert "did you mean 'il-central-1'" in str(raised.value)


def test_service_not_in_a_region_is_told_so():
    # Elastic Beanstalk does not run in Mexico (yet).
    assert 'mx-central-1' not in catalog.regions('elasticbeanstalk')
    with pytest.raises(UnknownRegionError) as raised:
        services.BeanstalkPool(regions=['mx-central-1'])
    assert "'mx-central-1'" in str(raised.value)


def test_regions_only_boto_knows_stay_reachable(connect_kwargs, proxy):
    # The catalog has no Elastic Transcoder or OpsWorks (botocore dropped
    # them); boto's own list still counts.
    spec = get_service('elastictranscoder')
    assert catalog.regions(spec.endpoint_prefix) == []
    pool = services.ElasticTranscoderPool()
    assert sorted(pool.regions) == sorted(
        keys(boto_backend.boto_regions(spec)))
    # IAM and Route 53: boto's 'universal' names the commercial endpoint.
    assert 'universal' in services.IamPool().regions
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    route53 = services.Route53Pool(regions=['universal'], **kwargs).connect()
    route53.regions['universal'].get_all_hosted_zones()
    assert [r['host'] for r in proxy.records] == ['route53.amazonaws.com']


def test_boto_universal_names_the_commercial_endpoint_only():
    assert 'universal' in services.IamPool(partition='aws').regions
    assert 'universal' not in services.IamPool(partition='aws-cn').regions
    assert list(services.IamPool(partition='aws-cn').regions) == [
        'aws_cn_global']
