# -*- coding: utf-8 -*-
"""Every example of the seed README, run against the moto server.

The seed README (the project's contract) has typos; each example runs as it
was meant: ``from mangrove.services import ...`` for ``from import ...``,
``p.add_region('ap-southeast-1')`` for ``p.add.regions[...]``, the unclosed
dicts closed, and ``MySupperDupperPool`` serving S3 ("in this example, a S3
pool"). Every example is followed by assertions on what the server holds,
in the region used and not in another.

boto is imported inside the tests: tests/conftest.py must point boto at the
moto server before boto is first imported.
"""
from __future__ import absolute_import

import pytest


def an_image_id(region):
    """An AMI id the moto server serves in ``region`` (a region proxy)."""
    return sorted(image.id for image in region.get_all_images())[0]


def instance_ids(region):
    return sorted(instance.id
                  for reservation in region.get_all_instances()
                  for instance in reservation.instances)


def queue_names(region):
    return sorted(queue.name for queue in region.get_all_queues())


# -- "How to use it" ---------------------------------------------------------

def test_seed_helpers_import_from_mangrove_services():
    from mangrove.services import Ec2Pool, S3Pool, SqsPool
    from mangrove.pool import ServicePool

    for cls in (Ec2Pool, S3Pool, SqsPool):
        assert issubclass(cls, ServicePool)
    assert (Ec2Pool.service, S3Pool.service, SqsPool.service) == \
        ('ec2', 's3', 'sqs')


def test_seed_ec2_pool_connects_every_region_by_default():
    import boto.ec2
    from mangrove.services import Ec2Pool

    ec2_pool = Ec2Pool(connect=True)  # As a default every regions will be connected  # noqa: E501

    assert ec2_pool.connected
    # Every region of the commercial partition, boto's own included; China
    # and GovCloud take credentials of their own (partition='aws-cn').
    boto_names = set(info.name for info in boto.ec2.regions())
    keys = set(ec2_pool.regions)
    assert set(name.replace('-', '_') for name in boto_names
               if not name.startswith(('cn-', 'us-gov-'))) <= keys
    assert not [key for key in keys if key.startswith(('cn_', 'us_gov_'))]
    for key in ec2_pool.regions:
        proxy = ec2_pool.regions[key]
        # Built by connect(), not on first use.
        assert proxy.state == 'built'
        assert isinstance(proxy.connection, boto.ec2.connection.EC2Connection)
        assert proxy.connection.region.name == key.replace('_', '-')


def test_seed_ec2_get_all_instances_sees_only_its_region():
    from mangrove.services import Ec2Pool

    ec2_pool = Ec2Pool(connect=True)
    assert ec2_pool.regions['us_west_1'].get_all_instances() == []

    image_id = an_image_id(ec2_pool.regions['us_west_1'])
    reservation = ec2_pool.regions['us_west_1'].run_instances(image_id)
    launched = [instance.id for instance in reservation.instances]

    assert instance_ids(ec2_pool.regions['us_west_1']) == launched
    assert ec2_pool.regions['us_east_1'].get_all_instances() == []
    assert ec2_pool.regions['eu_west_1'].get_all_instances() == []


def test_seed_ec2_get_all_images_in_us_east_1():
    from mangrove.services import Ec2Pool

    ec2_pool = Ec2Pool(connect=True)
    images = ec2_pool.regions['us_east_1'].get_all_images()

    assert len(images) > 0
    assert all(image.id.startswith('ami-') for image in images)
    assert all(image.region.name == 'us-east-1' for image in images)


def test_seed_s3_pool_with_chosen_regions():
    from mangrove.services import S3Pool

    s3_pool = S3Pool(connect=True, regions=['us-east-1', 'us-west-1'])  # But you can specify the one you're interested in  # noqa: E501

    assert list(s3_pool.regions) == ['us_east_1', 'us_west_1']
    bucket = s3_pool.regions['us_west_1'].create_bucket(
        'mangrove-seed-west', location='us-west-1')
    assert bucket.get_location() == 'us-west-1'
    names = [b.name for b in s3_pool.regions['us_east_1'].get_all_buckets()]
    assert names == ['mangrove-seed-west']


def test_seed_s3_region_connection_reaches_its_own_region_endpoint():
    import boto.exception
    from mangrove.services import S3Pool

    s3_pool = S3Pool(connect=True, regions=['us-east-1', 'us-west-1'])
    # The server checks the location against the region of the endpoint the
    # request reached: us_west_1's connection reached us-west-1's.
    with pytest.raises(boto.exception.S3ResponseError) as raised:
        s3_pool.regions['us_west_1'].create_bucket('mangrove-seed-nowhere')
    assert raised.value.error_code == 'IllegalLocationConstraintException'
    s3_pool.regions['us_east_1'].create_bucket('mangrove-seed-east')
    assert [b.name for b in s3_pool.regions['us_west_1'].get_all_buckets()] \
        == ['mangrove-seed-east']


def test_seed_sqs_pool_default_region():
    from mangrove.services import SqsPool

    sqs_pool = SqsPool(connect=True, default_region='us-east-1')  # And, you can set a default region to be used later on  # noqa: E501

    assert sqs_pool.default_region == 'us-east-1'
    assert sqs_pool.regions.default is sqs_pool.regions['us_east_1']
    # If you've set a default_region, you might access it directly.
    assert sqs_pool.regions.default.get_all_queues() == []

    sqs_pool.regions['us_east_1'].create_queue('seed-default')
    sqs_pool.regions['eu_west_1'].create_queue('seed-elsewhere')

    assert queue_names(sqs_pool.regions.default) == ['seed-default']
    assert queue_names(sqs_pool.regions['eu_west_1']) == ['seed-elsewhere']
    assert queue_names(sqs_pool.regions['us_west_2']) == []


def test_seed_add_region_then_repr():
    from mangrove.services import S3Pool

    s3_pool = S3Pool(connect=True, regions=['us-east-1', 'us-west-1'])
    added = s3_pool.add_region('us-east-2')

    assert repr(s3_pool.regions['us_east_2']) == '<S3Pool us_east_2>'
    assert added is s3_pool.regions['us_east_2']
    assert list(s3_pool.regions) == ['us_east_1', 'us_west_1', 'us_east_2']
    bucket = s3_pool.regions['us_east_2'].create_bucket(
        'mangrove-seed-ohio', location='us-east-2')
    assert bucket.get_location() == 'us-east-2'


# -- "Create your own service pool" ------------------------------------------

def test_seed_own_pool_verbatim_service_name_is_refused_clearly():
    from mangrove.exceptions import InvalidServiceError
    from mangrove.pool import ServicePool

    class MySupperDupperPool(ServicePool):
        # Subclassing ServicePool is as easy as setting a class
        # attribute to the name of the related boto service class
        # name
        service = 'mysupperdupperservice'

    with pytest.raises(InvalidServiceError) as raised:
        MySupperDupperPool(connect=True, regions=['eu-west-1', 'us-west-1'])
    message = str(raised.value)
    assert 'MySupperDupperPool' in message
    assert "'mysupperdupperservice'" in message
    assert 's3' in message and 'sqs' in message


def make_supper_dupper_pool():
    from mangrove.pool import ServicePool

    class MySupperDupperPool(ServicePool):
        # Subclassing ServicePool is as easy as setting a class
        # attribute to the name of the related boto service class
        # name
        service = 's3'

    return MySupperDupperPool


def test_seed_own_pool_serves_s3():
    import boto.s3.connection
    MySupperDupperPool = make_supper_dupper_pool()

    p = MySupperDupperPool(connect=True, regions=['eu-west-1', 'us-west-1'])

    assert p.regions['us_west_1'].get_all_buckets() == []  # in this example, a S3 pool  # noqa: E501
    assert isinstance(p.regions['us_west_1'].connection,
                      boto.s3.connection.S3Connection)
    p.regions['eu_west_1'].create_bucket('mangrove-seed-eu',
                                         location='eu-west-1')
    assert [b.name for b in p.regions['us_west_1'].get_all_buckets()] == \
        ['mangrove-seed-eu']


def test_seed_own_pool_add_region():
    MySupperDupperPool = make_supper_dupper_pool()
    p = MySupperDupperPool(connect=True, regions=['eu-west-1', 'us-west-1'])

    p.add_region('ap-southeast-1')

    assert repr(p.regions['ap_southeast_1']) == \
        '<MySupperDupperPool ap_southeast_1>'
    assert p.regions['ap_southeast_1'].connection.host == \
        's3-ap-southeast-1.amazonaws.com'
    bucket = p.regions['ap_southeast_1'].create_bucket(
        'mangrove-seed-sg', location='ap-southeast-1')
    assert bucket.get_location() == 'ap-southeast-1'


def test_seed_selective_pool_default_outside_its_regions_is_refused():
    from mangrove.exceptions import InvalidArgumentError
    from mangrove.pool import ServicePool

    # As printed, the default region is not one of the declared regions.
    class MySelectivePool(ServicePool):
        service = {
            's3': {
                'regions': ['us-east-1', 'eu-west-1'],
                'default_region': 'us-west-1',
            },
        }

    with pytest.raises(InvalidArgumentError) as raised:
        MySelectivePool()
    assert isinstance(raised.value, ValueError)
    message = str(raised.value)
    assert 'MySelectivePool' in message
    assert "'us-west-1'" in message
    assert 'us-east-1' in message and 'eu-west-1' in message


def test_seed_selective_pool_corrected_uses_its_declaration():
    from mangrove.pool import ServicePool

    class MySelectivePool(ServicePool):
        service = {
            's3': {
                'regions': ['us-east-1', 'eu-west-1', 'us-west-1'],
                'default_region': 'us-west-1',
            },
        }

    pool = MySelectivePool(connect=True)

    assert list(pool.regions) == ['us_east_1', 'eu_west_1', 'us_west_1']
    assert pool.default_region == 'us-west-1'
    assert pool.regions.default is pool.regions['us_west_1']
    bucket = pool.regions.default.create_bucket('mangrove-seed-selective',
                                                location='us-west-1')
    assert bucket.get_location() == 'us-west-1'
    assert repr(pool.regions.default) == '<MySelectivePool us_west_1>'


# -- the hooks: _connect_module_to_region and _get_module_regions -------------

def test_seed_hook_connect_module_to_region_wraps_each_connection():
    from mangrove.services import SqsPool

    class CountingSqsPool(SqsPool):
        def __init__(self, *args, **kwargs):
            self.connected_to = []
            super(CountingSqsPool, self).__init__(*args, **kwargs)

        def _connect_module_to_region(self, region_name):
            conn = super(CountingSqsPool, self)._connect_module_to_region(
                region_name)
            self.connected_to.append(region_name)
            conn.mangrove_label = 'counted %s' % region_name
            return conn

    pool = CountingSqsPool(connect=True, regions=['us-east-1', 'eu-west-1'])

    assert pool.connected_to == ['us-east-1', 'eu-west-1']
    assert pool.regions.eu_west_1.mangrove_label == 'counted eu-west-1'
    pool.regions.eu_west_1.create_queue('hooked')
    assert queue_names(pool.regions.eu_west_1) == ['hooked']
    assert queue_names(pool.regions.us_east_1) == []
    pool.add_region('us-west-2')
    assert pool.connected_to == ['us-east-1', 'eu-west-1', 'us-west-2']


def test_seed_hook_connect_module_to_region_takes_another_route(moto_port):
    import boto.sqs
    import boto.sqs.connection
    from mangrove.services import SqsPool

    class ExplicitRouteSqsPool(SqsPool):
        # Connects with its own keywords instead of the pool's.
        def _connect_module_to_region(self, region_name):
            return boto.sqs.connect_to_region(
                region_name, aws_access_key_id='other',
                aws_secret_access_key='other', is_secure=False,
                proxy='127.0.0.1', proxy_port=moto_port)

    pool = ExplicitRouteSqsPool(connect=True, regions=['eu-west-1'])
    conn = pool.regions.eu_west_1.connection
    assert isinstance(conn, boto.sqs.connection.SQSConnection)
    assert conn.aws_access_key_id == 'other'
    pool.regions.eu_west_1.create_queue('routed')
    assert queue_names(pool.regions.eu_west_1) == ['routed']


def test_seed_hook_get_module_regions_narrows_every_region():
    from mangrove.exceptions import UnknownRegionError
    from mangrove.services import Ec2Pool

    class TwoRegionEc2Pool(Ec2Pool):
        def _get_module_regions(self):
            return ['us-east-1', 'eu-west-1']

    pool = TwoRegionEc2Pool(connect=True)

    assert list(pool.regions) == ['us_east_1', 'eu_west_1']
    image_id = an_image_id(pool.regions.eu_west_1)
    pool.regions.eu_west_1.run_instances(image_id)
    assert len(instance_ids(pool.regions.eu_west_1)) == 1
    assert instance_ids(pool.regions.us_east_1) == []
    with pytest.raises(UnknownRegionError) as raised:
        pool.add_region('us-west-2')
    assert 'us-east-1' in str(raised.value)
    assert list(pool.regions) == ['us_east_1', 'eu_west_1']


def test_seed_hook_get_module_regions_may_return_boto_region_infos():
    import boto.sqs
    from mangrove.services import SqsPool

    class InfoSqsPool(SqsPool):
        def _get_module_regions(self):
            return [info for info in boto.sqs.regions()
                    if info.name in ('us-west-2', 'ap-northeast-1')]

    pool = InfoSqsPool(connect=True)

    assert sorted(pool.regions) == ['ap_northeast_1', 'us_west_2']
    pool.regions.ap_northeast_1.create_queue('tokyo')
    assert queue_names(pool.regions.ap_northeast_1) == ['tokyo']
    assert queue_names(pool.regions.us_west_2) == []


def test_seed_hooks_serve_a_service_the_registry_does_not_know():
    import boto.sqs
    from mangrove.pool import ServicePool

    class QueuesPool(ServicePool):
        service = {'myqueues': {'default_region': 'eu-west-1'}}

        def _get_module_regions(self):
            return ['us-east-1', 'eu-west-1']

        def _connect_module_to_region(self, region_name):
            return boto.sqs.connect_to_region(region_name)

    pool = QueuesPool(connect=True)

    assert pool.service_name == 'myqueues'
    assert list(pool.regions) == ['us_east_1', 'eu_west_1']
    assert repr(pool.regions.default) == '<QueuesPool eu_west_1>'
    pool.regions.default.create_queue('custom')
    assert queue_names(pool.regions.eu_west_1) == ['custom']
    assert queue_names(pool.regions.us_east_1) == []
    results = pool.call('get_all_queues')
    assert sorted(results) == ['eu_west_1', 'us_east_1']
    assert [q.name for q in results['eu_west_1']] == ['custom']


def test_seed_hook_returning_none_is_an_unknown_region():
    from mangrove.exceptions import UnknownRegionError
    from mangrove.services import SqsPool

    class NoneSqsPool(SqsPool):
        def _connect_module_to_region(self, region_name):
            return None

    pool = NoneSqsPool(regions=['us-east-1'])
    with pytest.raises(UnknownRegionError) as raised:
        pool.connect()
    assert 'us-east-1' in str(raised.value)
    # Nothing was stored in place of a connection.
    assert pool.region_proxy('us_east_1').state == 'closed'
    assert not pool.connected


# -- "Creating your own multi-services pool" ---------------------------------

def make_web_related_services_pool():
    from mangrove.pool import ServiceMixinPool

    class WebRelatedServicesPool(ServiceMixinPool):
        services = {
            'ec2': {
                'regions': ['us-east-1', 'eu-west-1'],
                'default_region': 'eu-west-1',
            },
            's3': {
                'regions': '*',
                'default_region': 'eu-west-1',
            },
            'sqs': {},
        }

    return WebRelatedServicesPool


def test_seed_mixin_pool_exposes_its_services():
    from mangrove.pool import ServicePool
    WebRelatedServicesPool = make_web_related_services_pool()

    mixin_pool = WebRelatedServicesPool(connect=True, regions=['us_west_1', 'eu_west_1'])  # noqa: E501

    assert repr(mixin_pool.s3).startswith('<ServicePool S3')
    for name in ('ec2', 's3', 'sqs'):
        pool = getattr(mixin_pool, name)
        assert isinstance(pool, ServicePool)
        assert mixin_pool.services[name] is pool
        assert pool.connected
        # The constructor's regions replace every declared list.
        assert list(pool.regions) == ['us_west_1', 'eu_west_1']
    assert mixin_pool.ec2.default_region == 'eu-west-1'
    assert mixin_pool.s3.default_region == 'eu-west-1'
    assert mixin_pool.sqs.default_region is None


def test_seed_mixin_pool_ec2_in_us_west_1():
    WebRelatedServicesPool = make_web_related_services_pool()
    mixin_pool = WebRelatedServicesPool(connect=True, regions=['us_west_1', 'eu_west_1'])  # noqa: E501

    assert mixin_pool.ec2.regions['us_west_1'].get_all_instances() == []

    west = mixin_pool.ec2.regions['us_west_1']
    west.run_instances(an_image_id(west))
    assert len(instance_ids(west)) == 1
    assert mixin_pool.ec2.regions['eu_west_1'].get_all_instances() == []
    assert mixin_pool.ec2.regions.default is \
        mixin_pool.ec2.regions['eu_west_1']

    mixin_pool.sqs.regions.eu_west_1.create_queue('mixed')
    assert queue_names(mixin_pool.sqs.regions.eu_west_1) == ['mixed']
    assert queue_names(mixin_pool.sqs.regions.us_west_1) == []
    bucket = mixin_pool.s3.regions.default.create_bucket(
        'mangrove-seed-mixin', location='eu-west-1')
    assert bucket.get_location() == 'eu-west-1'


def test_seed_mixin_pool_declared_regions_without_constructor_regions():
    WebRelatedServicesPool = make_web_related_services_pool()
    mixin_pool = WebRelatedServicesPool()

    assert list(mixin_pool.ec2.regions) == ['us_east_1', 'eu_west_1']
    assert len(mixin_pool.s3.regions) > 10
    assert len(mixin_pool.sqs.regions) > 10
    assert 'us_east_1' in mixin_pool.sqs.regions
    assert not mixin_pool.s3.connected
