# -*- coding: utf-8 -*-
"""ServicePool: its regions mapping, default region, connecting, adding and
removing regions, the proxies, and fan-out, against the moto server.

boto is imported inside the tests: tests/conftest.py must point boto at the
moto server before boto is first imported.
"""
from __future__ import absolute_import

import pytest


def queue_names(region):
    return sorted(queue.name for queue in region.get_all_queues())


def sqs_pool(**kwargs):
    from mangrove.services import SqsPool
    kwargs.setdefault('regions', ['us-east-1', 'eu-west-1', 'ap-northeast-1'])
    return SqsPool(**kwargs)


# -- the regions mapping ------------------------------------------------------

def test_regions_answer_either_form_of_a_name():
    pool = sqs_pool(connect=True)

    assert 'us-east-1' in pool.regions
    assert 'us_east_1' in pool.regions
    assert 'US-East-1' in pool.regions
    assert 'us-west-2' not in pool.regions
    assert 'not a region!' not in pool.regions
    assert 42 not in pool.regions
    assert pool.regions['us-east-1'] is pool.regions['us_east_1']
    assert pool.regions.us_east_1 is pool.regions['us-east-1']
    assert pool.regions.get('eu-west-1') is pool.regions.eu_west_1
    assert pool.regions.get('us-west-2') is None


def test_regions_keys_are_the_underscore_form_in_the_given_order():
    pool = sqs_pool(regions=['eu-west-1', 'us_east_1', 'ap-northeast-1',
                             'eu_west_1'])

    assert list(pool.regions) == ['eu_west_1', 'us_east_1', 'ap_northeast_1']
    assert list(pool.regions.keys()) == list(pool.regions)
    assert len(pool.regions) == 3
    pool.connect()
    assert [proxy.region_key for proxy in pool.regions.values()] == \
        ['eu_west_1', 'us_east_1', 'ap_northeast_1']
    assert [(key, proxy.region_name) for key, proxy in pool.regions.items()] \
        == [('eu_west_1', 'eu-west-1'), ('us_east_1', 'us-east-1'),
            ('ap_northeast_1', 'ap-northeast-1')]


def test_regions_accept_a_tuple_or_star():
    from mangrove.services import SqsPool

    assert list(SqsPool(regions=('us-west-2', 'us-east-1')).regions) == \
        ['us_west_2', 'us_east_1']
    assert list(SqsPool(regions='*').regions) == list(SqsPool().regions)


def test_dir_of_regions_lists_the_region_attributes():
    pool = sqs_pool()
    names = dir(pool.regions)

    for key in ('us_east_1', 'eu_west_1', 'ap_northeast_1', 'default'):
        assert key in names
    assert 'us_west_2' not in names


def test_regions_default():
    pool = sqs_pool(connect=True, default_region='eu_west_1')

    assert pool.regions.default is pool.regions.eu_west_1
    assert pool.default_region == 'eu-west-1'
    pool.regions.default.create_queue('by-default')
    assert queue_names(pool.regions.eu_west_1) == ['by-default']
    assert queue_names(pool.regions.us_east_1) == []


def test_regions_repr_names_the_service_and_regions():
    pool = sqs_pool(default_region='us-east-1')

    text = repr(pool.regions)
    assert 'SQS' in text and 'us_east_1' in text
    assert 'default us_east_1' in text
    assert 'not connected' in text
    # The seed's pool repr is the class and the service; the rest is str().
    assert repr(pool) == '<SqsPool SQS>'
    assert str(pool).startswith('SqsPool SQS: 3 regions')
    assert 'default us_east_1' in str(pool)
    assert str(pool).endswith('not connected')


# -- default_region -----------------------------------------------------------

def test_default_region_setter_takes_either_form_and_none():
    pool = sqs_pool(connect=True)
    assert pool.default_region is None

    pool.default_region = 'ap-northeast-1'
    assert pool.default_region == 'ap-northeast-1'
    assert pool.regions.default is pool.regions.ap_northeast_1

    pool.default_region = 'us_east_1'
    assert pool.default_region == 'us-east-1'
    assert pool.regions.default is pool.regions.us_east_1

    pool.default_region = None
    assert pool.default_region is None
    from mangrove.exceptions import NoDefaultRegionError
    with pytest.raises(NoDefaultRegionError):
        pool.regions.default


def test_default_region_outside_the_regions_is_refused_and_kept():
    from mangrove.exceptions import RegionNotInPoolError

    pool = sqs_pool(connect=True, default_region='eu-west-1')
    with pytest.raises(RegionNotInPoolError) as raised:
        pool.default_region = 'us-west-2'
    assert "'us-west-2'" in str(raised.value)
    assert pool.default_region == 'eu-west-1'
    assert pool.regions.default is pool.regions.eu_west_1


# -- connect=False, connect(), close() ----------------------------------------

def test_unconnected_pool_builds_nothing():
    from mangrove.exceptions import NotConnectedError

    pool = sqs_pool(default_region='us-east-1')

    assert not pool.connected
    assert len(pool.regions) == 3
    assert 'us-east-1' in pool.regions
    for key in pool.regions:
        assert pool.region_proxy(key).state == 'closed'
    for lookup in (lambda: pool.regions['us_east_1'],
                   lambda: pool.regions.us_east_1,
                   lambda: pool.regions.default,
                   lambda: pool.call('get_all_queues'),
                   lambda: pool.region_proxy('eu_west_1').connection,
                   lambda: pool.region_proxy('eu_west_1').get_all_queues()):
        with pytest.raises(NotConnectedError) as raised:
            lookup()
        assert '.connect()' in str(raised.value)
        assert 'SqsPool' in str(raised.value)
        assert isinstance(raised.value, RuntimeError)
    for key in pool.regions:
        assert pool.region_proxy(key).state == 'closed'
    assert not hasattr(pool.region_proxy('eu_west_1'), 'host')


def test_connect_later_then_use():
    import boto.sqs.connection

    pool = sqs_pool()
    assert pool.connect() is pool

    assert pool.connected
    for proxy in pool.regions.values():
        assert proxy.state == 'built'
        assert isinstance(proxy.connection,
                          boto.sqs.connection.SQSConnection)
    pool.regions.ap_northeast_1.create_queue('later')
    assert queue_names(pool.regions.ap_northeast_1) == ['later']
    assert queue_names(pool.regions.us_east_1) == []


def test_connect_twice_keeps_the_connections():
    pool = sqs_pool(connect=True)
    before = dict((key, proxy.connection)
                  for key, proxy in pool.regions.items())
    pool.connect()

    assert all(pool.regions[key].connection is conn
               for key, conn in before.items())


def test_close_then_connect_again():
    from mangrove.exceptions import NotConnectedError

    pool = sqs_pool(connect=True)
    pool.regions.eu_west_1.create_queue('survives')
    old = pool.regions.eu_west_1.connection
    proxy = pool.regions.eu_west_1

    pool.close()
    assert not pool.connected
    assert proxy.state == 'closed'
    with pytest.raises(NotConnectedError):
        pool.regions.eu_west_1

    pool.connect()
    assert pool.regions.eu_west_1 is proxy
    assert pool.regions.eu_west_1.connection is not old
    assert queue_names(pool.regions.eu_west_1) == ['survives']


# -- add_region, remove_region ------------------------------------------------

def test_add_region_to_a_connected_pool_connects_it():
    pool = sqs_pool(connect=True)

    proxy = pool.add_region('us-west-2')

    assert proxy is pool.regions['us_west_2']
    assert proxy.state == 'built'
    assert proxy.connection.region.name == 'us-west-2'
    assert list(pool.regions)[-1] == 'us_west_2'
    proxy.create_queue('added')
    assert queue_names(pool.regions['us-west-2']) == ['added']
    assert queue_names(pool.regions.us_east_1) == []


def test_add_region_to_an_unconnected_pool_waits_for_connect():
    pool = sqs_pool()

    proxy = pool.add_region('us_west_2')

    assert proxy.state == 'closed'
    assert 'us-west-2' in pool.regions
    pool.connect()
    assert proxy.state == 'built'
    assert pool.regions.us_west_2 is proxy
    assert proxy.get_all_queues() == []


def test_add_region_already_there_returns_the_same_proxy():
    pool = sqs_pool(connect=True)
    proxy = pool.regions.eu_west_1
    conn = proxy.connection

    assert pool.add_region('eu-west-1') is proxy
    assert pool.add_region('eu_west_1') is proxy
    assert proxy.connection is conn
    assert len(pool.regions) == 3


def test_remove_region():
    from mangrove.exceptions import (InvalidArgumentError,
                                     RegionNotInPoolError)

    pool = sqs_pool(connect=True, default_region='us-east-1')
    proxy = pool.regions.eu_west_1

    pool.remove_region('eu-west-1')

    assert list(pool.regions) == ['us_east_1', 'ap_northeast_1']
    assert 'eu_west_1' not in pool.regions
    assert proxy.state == 'removed'
    with pytest.raises(RegionNotInPoolError):
        pool.regions.eu_west_1
    with pytest.raises(RegionNotInPoolError):
        pool.remove_region('eu-west-1')
    with pytest.raises(InvalidArgumentError) as raised:
        pool.remove_region('us_east_1')
    assert 'default' in str(raised.value)
    assert list(pool.regions) == ['us_east_1', 'ap_northeast_1']
    # Added back, it is a new region.
    again = pool.add_region('eu-west-1')
    assert again is not proxy
    assert again.get_all_queues() == []


# -- the region proxy ---------------------------------------------------------

def test_connection_is_the_raw_boto_object():
    import boto.ec2.connection
    from mangrove.services import Ec2Pool

    pool = Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'])
    proxy = pool.regions['us_east_1']
    conn = proxy.connection

    assert type(conn) is boto.ec2.connection.EC2Connection
    assert isinstance(conn, boto.ec2.connection.EC2Connection)
    assert conn.region.name == 'us-east-1'
    assert conn.host == 'ec2.us-east-1.amazonaws.com'
    assert proxy.connection is conn
    assert pool.regions.eu_west_1.connection is not conn


def test_proxy_attribute_reads_and_writes_reach_boto():
    pool = sqs_pool(connect=True)
    proxy = pool.regions.us_east_1
    conn = proxy.connection

    assert proxy.host == conn.host
    assert proxy.region is conn.region
    assert proxy.APIVersion == conn.APIVersion
    proxy.num_retries = 7
    assert conn.num_retries == 7
    proxy.mangrove_note = 'written through'
    assert conn.mangrove_note == 'written through'
    assert proxy.mangrove_note == 'written through'
    assert proxy.get_all_queues.__self__ is conn
    with pytest.raises(AttributeError):
        proxy.no_such_boto_attribute
    assert 'get_all_queues' in dir(proxy)
    assert repr(proxy) == '<SqsPool us_east_1>'
    assert proxy.pool is pool
    assert (proxy.region_key, proxy.region_name) == ('us_east_1', 'us-east-1')


def test_proxy_method_calls_reach_boto_unchanged():
    pool = sqs_pool(connect=True)

    queue = pool.regions.eu_west_1.create_queue('calls', visibility_timeout=45)
    pool.regions.eu_west_1.send_message(queue, 'hello from mangrove')

    again = pool.regions.eu_west_1.get_queue('calls')
    assert again.get_timeout() == 45
    messages = again.get_messages()
    assert [m.get_body() for m in messages] == ['hello from mangrove']
    assert pool.regions.us_east_1.get_queue('calls') is None


# -- declaration and constructor ----------------------------------------------

def test_constructor_arguments_override_the_declaration():
    from mangrove.pool import ServicePool

    class DeclaredPool(ServicePool):
        service = {'sqs': {'regions': ['us-east-1', 'eu-west-1'],
                           'default_region': 'eu-west-1'}}

    declared = DeclaredPool()
    assert list(declared.regions) == ['us_east_1', 'eu_west_1']
    assert declared.default_region == 'eu-west-1'

    overridden = DeclaredPool(regions=['ap-south-1', 'us_west_2'],
                              default_region='us-west-2')
    assert list(overridden.regions) == ['ap_south_1', 'us_west_2']
    assert overridden.default_region == 'us-west-2'

    # The declared default still applies when it is among the new regions.
    kept = DeclaredPool(regions=['eu-west-1', 'us-west-2'])
    assert kept.default_region == 'eu-west-1'

    only_default = DeclaredPool(default_region='us_east_1')
    assert list(only_default.regions) == ['us_east_1', 'eu_west_1']
    assert only_default.default_region == 'us-east-1'


def test_regions_none_means_every_region_of_the_service():
    import boto.ec2
    from mangrove.services import Ec2Pool

    pool = Ec2Pool()
    assert len(pool.regions) >= 34
    for info in boto.ec2.regions():
        # The commercial partition's, by default.
        commercial = not info.name.startswith(('cn-', 'us-gov-'))
        assert (info.name in pool.regions) == commercial
    for name in ('us-east-1', 'eu-central-2', 'ap-southeast-4',
                 'il-central-1'):
        assert name in pool.regions
    assert len(Ec2Pool(regions=None).regions) == len(pool.regions)


def test_service_name_and_pool_repr():
    from mangrove.services import Ec2Pool

    pool = Ec2Pool(connect=True, regions=['us-east-1'],
                   default_region='us-east-1')
    assert pool.service_name == 'ec2'
    assert repr(pool) == '<Ec2Pool EC2>'
    assert str(pool) == ('Ec2Pool EC2: 1 region (us_east_1), '
                         'default us_east_1, connected')
    assert repr(pool.regions) == (
        '<RegionMapping EC2: 1 region (us_east_1), default us_east_1>')


def test_from_mangrove_import_the_pools():
    import mangrove
    from mangrove import ServicePool, ServiceMixinPool
    import mangrove.pool

    assert ServicePool is mangrove.pool.ServicePool
    assert ServiceMixinPool is mangrove.pool.ServiceMixinPool
    assert mangrove.__version__


# -- fan-out: map and call ----------------------------------------------------

def test_call_runs_in_every_region_and_keeps_each_regions_state():
    pool = sqs_pool(connect=True)
    pool.regions.eu_west_1.create_queue('only-in-europe')

    results = pool.call('get_all_queues')

    assert results.ok
    assert list(results) == ['us_east_1', 'eu_west_1', 'ap_northeast_1']
    assert [q.name for q in results['eu_west_1']] == ['only-in-europe']
    assert results['us_east_1'] == []
    assert results['ap_northeast_1'] == []


def test_call_passes_arguments_to_every_region():
    pool = sqs_pool(connect=True)

    created = pool.call('create_queue', 'everywhere', visibility_timeout=31)

    assert created.ok
    for key in pool.regions:
        assert queue_names(pool.regions[key]) == ['everywhere']
        assert pool.regions[key].get_queue('everywhere').get_timeout() == 31
    assert sorted(q.url.split('/')[-1] for q in created.values()) == \
        ['everywhere'] * 3


def test_map_calls_func_with_each_region_proxy():
    pool = sqs_pool(connect=True)

    results = pool.map(lambda region: region.create_queue(
        'q-' + region.region_key).name)

    assert dict(results) == {'us_east_1': 'q-us_east_1',
                             'eu_west_1': 'q-eu_west_1',
                             'ap_northeast_1': 'q-ap_northeast_1'}
    assert queue_names(pool.regions.eu_west_1) == ['q-eu_west_1']


def test_map_on_some_regions_only():
    pool = sqs_pool(connect=True)

    results = pool.map(lambda region: region.region_name,
                       regions=['ap-northeast-1', 'us_east_1'])

    assert list(results) == ['ap_northeast_1', 'us_east_1']
    assert results['ap_northeast_1'] == 'ap-northeast-1'


def test_map_keeps_one_regions_failure_apart():
    pool = sqs_pool(connect=True)
    pool.regions.us_east_1.create_queue('exists')

    results = pool.map(lambda region: region.get_queue('exists').name)

    assert not results.ok
    assert list(results) == ['us_east_1']
    assert results['us_east_1'] == 'exists'
    assert results.failed == ['eu_west_1', 'ap_northeast_1']
    assert isinstance(results.errors['eu_west_1'], AttributeError)
