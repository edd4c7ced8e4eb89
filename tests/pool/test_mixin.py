# -*- coding: utf-8 -*-
"""ServiceMixinPool: several services in one pool, against the moto server.

boto is imported inside the tests: tests/conftest.py must point boto at the
moto server before boto is first imported.
"""
from __future__ import absolute_import

import pytest


def queue_names(region):
    return sorted(queue.name for queue in region.get_all_queues())


def make_web_pool():
    from mangrove import ServiceMixinPool

    class WebPool(ServiceMixinPool):
        services = {
            'ec2': {'regions': ['us-east-1', 'eu-west-1'],
                    'default_region': 'eu-west-1'},
            's3': {'regions': '*', 'default_region': 'eu-west-1'},
            'sqs': {},
        }

    return WebPool


def test_import_from_mangrove():
    from mangrove import ServicePool, ServiceMixinPool
    import mangrove.pool

    assert ServiceMixinPool is mangrove.pool.ServiceMixinPool
    assert ServicePool is mangrove.pool.ServicePool


def test_services_are_attributes_and_entries():
    from mangrove import ServicePool
    WebPool = make_web_pool()

    pool = WebPool()

    assert sorted(pool.services) == ['ec2', 's3', 'sqs']
    for name in ('ec2', 's3', 'sqs'):
        service = getattr(pool, name)
        assert isinstance(service, ServicePool)
        assert pool.services[name] is service
        assert service.service_name == name
        assert not service.connected
    assert repr(pool.s3).startswith('<ServicePool S3')
    assert repr(pool.ec2).startswith('<ServicePool EC2')
    assert 'ec2 (2 regions)' in repr(pool)


def test_declared_regions_and_defaults():
    import boto.sqs
    WebPool = make_web_pool()

    pool = WebPool()

    assert list(pool.ec2.regions) == ['us_east_1', 'eu_west_1']
    assert pool.ec2.default_region == 'eu-west-1'
    assert 'ap_southeast_2' in pool.s3.regions
    assert pool.s3.default_region == 'eu-west-1'
    # {} is every region and no default.
    for info in boto.sqs.regions():
        if not info.name.startswith(('cn-', 'us-gov-')):
            assert info.name in pool.sqs.regions
    assert pool.sqs.default_region is None
    from mangrove.exceptions import NoDefaultRegionError
    with pytest.raises(NoDefaultRegionError):
        pool.sqs.regions.default


def test_services_as_a_list_means_every_region():
    from mangrove import ServiceMixinPool

    class ListedPool(ServiceMixinPool):
        services = ['sqs', 'sns']

    pool = ListedPool()
    assert list(pool.services) == ['sqs', 'sns']
    assert len(pool.sns.regions) > 10


def test_constructor_regions_replace_every_services_regions():
    WebPool = make_web_pool()

    pool = WebPool(connect=True, regions=['us_west_1', 'eu_west_1'])

    for service in pool.services.values():
        assert list(service.regions) == ['us_west_1', 'eu_west_1']
    assert pool.ec2.regions.default is pool.ec2.regions['eu_west_1']
    pool.sqs.regions.us_west_1.create_queue('mixin-west')
    assert queue_names(pool.sqs.regions.us_west_1) == ['mixin-west']
    assert queue_names(pool.sqs.regions.eu_west_1) == []


def test_connect_connects_every_service():
    import boto.ec2.connection
    import boto.s3.connection
    import boto.sqs.connection
    WebPool = make_web_pool()

    pool = WebPool(regions=['us-east-1', 'eu-west-1'])
    assert not any(s.connected for s in pool.services.values())
    assert pool.connect() is pool

    assert all(s.connected for s in pool.services.values())
    assert isinstance(pool.ec2.regions.us_east_1.connection,
                      boto.ec2.connection.EC2Connection)
    assert isinstance(pool.s3.regions.us_east_1.connection,
                      boto.s3.connection.S3Connection)
    assert isinstance(pool.sqs.regions.us_east_1.connection,
                      boto.sqs.connection.SQSConnection)
    pool.close()
    assert not any(s.connected for s in pool.services.values())


def test_keywords_reach_every_service(proxy):
    WebPool = make_web_pool()

    pool = WebPool(connect=True, regions=['eu-west-1'],
                   aws_access_key_id='AKIDMIXIN', aws_secret_access_key='x',
                   is_secure=False, proxy='127.0.0.1', proxy_port=proxy.port)

    for service in pool.services.values():
        conn = service.regions.eu_west_1.connection
        assert conn.aws_access_key_id == 'AKIDMIXIN'
        assert int(conn.proxy_port) == proxy.port
    pool.sqs.regions.eu_west_1.create_queue('through-proxy')
    assert [r['region'] for r in proxy.wait_for_records(1)] == ['eu-west-1']


# -- add_service --------------------------------------------------------------

def test_add_service_follows_the_pool_when_connect_is_none():
    WebPool = make_web_pool()

    unconnected = WebPool(regions=['us-east-1', 'eu-west-1'])
    sns = unconnected.add_service('sns')
    assert not sns.connected
    assert unconnected.sns is sns and unconnected.services['sns'] is sns
    # No regions given: the pool's constructor regions.
    assert list(sns.regions) == ['us_east_1', 'eu_west_1']

    connected = WebPool(connect=True, regions=['us-east-1', 'eu-west-1'])
    sns = connected.add_service('sns')
    assert sns.connected
    sns.regions.eu_west_1.create_topic('added-service')
    topics = sns.regions.eu_west_1.get_all_topics()['ListTopicsResponse'][
        'ListTopicsResult']['Topics']
    assert [t['TopicArn'] for t in topics] == \
        ['arn:aws:sns:eu-west-1:123456789012:added-service']


def test_add_service_with_explicit_regions_default_and_connect():
    WebPool = make_web_pool()
    pool = WebPool(regions=['us-east-1', 'eu-west-1'])

    kinesis = pool.add_service('kinesis', regions=['ap-south-1', 'us_west_2'],
                               default_region='us-west-2', connect=True)

    assert kinesis.connected
    assert not pool.ec2.connected
    assert list(kinesis.regions) == ['ap_south_1', 'us_west_2']
    assert kinesis.default_region == 'us-west-2'
    kinesis.regions.default.create_stream('mixin-stream', 1)
    assert kinesis.regions.us_west_2.list_streams()['StreamNames'] == \
        ['mixin-stream']
    assert kinesis.regions.ap_south_1.list_streams()['StreamNames'] == []

    unconnected = pool.add_service('sns', connect=False)
    assert not unconnected.connected


def test_add_service_existing_returns_the_same_pool():
    WebPool = make_web_pool()
    pool = WebPool()
    sqs = pool.sqs

    assert pool.add_service('sqs') is sqs
    assert list(pool.services) == ['ec2', 's3', 'sqs']


def test_add_service_by_short_name_serves_the_right_module():
    import boto.ec2.elb
    WebPool = make_web_pool()
    pool = WebPool(connect=True, regions=['eu-west-1'])

    elb = pool.add_service('elb')

    assert isinstance(elb.regions.eu_west_1.connection,
                      boto.ec2.elb.ELBConnection)
    elb.regions.eu_west_1.create_load_balancer(
        'mixin-lb', ['eu-west-1a'], [(80, 8080, 'http')])
    assert [b.name for b in elb.regions.eu_west_1.get_all_load_balancers()] \
        == ['mixin-lb']


# -- fan-out ------------------------------------------------------------------

def test_call_is_keyed_by_service_and_region():
    from mangrove import ServiceMixinPool

    class QueuesAndTopics(ServiceMixinPool):
        services = {'sqs': {'regions': ['us-east-1', 'eu-west-1']},
                    'sns': {'regions': ['eu-west-1']}}

    pool = QueuesAndTopics(connect=True)
    pool.sqs.regions.eu_west_1.create_queue('fan')

    results = pool.map(lambda region: region.region_name)
    assert sorted(results) == [('sns', 'eu_west_1'), ('sqs', 'eu_west_1'),
                               ('sqs', 'us_east_1')]
    assert results[('sns', 'eu_west_1')] == 'eu-west-1'

    queues = pool.map(lambda region: [q.name for q in region.get_all_queues()],
                      services=['sqs'])
    assert dict(queues) == {('sqs', 'us_east_1'): [],
                            ('sqs', 'eu_west_1'): ['fan']}

    only_europe = pool.map(lambda region: region.pool.service_name,
                           regions=['eu-west-1'])
    assert dict(only_europe) == {('sqs', 'eu_west_1'): 'sqs',
                                 ('sns', 'eu_west_1'): 'sns'}


def test_call_runs_one_method_in_every_service_and_region():
    from mangrove import ServiceMixinPool

    class TwoQueuePools(ServiceMixinPool):
        services = {'sqs': {'regions': ['us-east-1', 'eu-west-1']}}

    pool = TwoQueuePools(connect=True)
    pool.sqs.regions.us_east_1.create_queue('called')

    results = pool.call('get_all_queues')

    assert results.ok
    assert [q.name for q in results[('sqs', 'us_east_1')]] == ['called']
    assert results[('sqs', 'eu_west_1')] == []
