# -*- coding: utf-8 -*-
"""Regions boto 2.49 does not know, checked on the wire.

Every call goes through the test bed's loopback proxy, which records the
``Host`` of each request and the credential scope of its ``Authorization``
header, and on to the moto server, which answers it. A call counts only if
it reached the catalog's host, was signed with Signature Version 4 for that
region and service, and got its answer.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import pytest

from mangrove import catalog, services
from mangrove.classic.backend import boto_backend
from mangrove.registry import get_service

#: Commercial regions opened after boto 2.49 (2018), from four continents.
NEW_REGIONS = ['af-south-1', 'ap-southeast-6', 'mx-central-1', 'il-central-1']

#: helper class, a harmless call, and the service's signing name.
CALLS = [
    ('Ec2Pool', lambda conn: conn.get_all_instances(), 'ec2'),
    ('S3Pool', lambda conn: conn.get_all_buckets(), 's3'),
    ('SqsPool', lambda conn: conn.get_all_queues(), 'sqs'),
    ('SnsPool', lambda conn: conn.get_all_topics(), 'sns'),
    ('CloudFormationPool', lambda conn: conn.describe_stacks(),
     'cloudformation'),
    ('KinesisPool', lambda conn: conn.list_streams(), 'kinesis'),
    ('DynamoDb2Pool', lambda conn: conn.list_tables(), 'dynamodb'),
    # SES hosts are email.<region>; its requests are signed for 'ses'.
    ('SesPool', lambda conn: conn.list_identities(), 'ses'),
    ('ElbPool', lambda conn: conn.get_all_load_balancers(),
     'elasticloadbalancing'),
    ('CloudWatchPool', lambda conn: conn.list_metrics(), 'monitoring'),
    ('AutoScalePool', lambda conn: conn.get_all_groups(), 'autoscaling'),
    ('RdsPool', lambda conn: conn.get_all_dbinstances(), 'rds'),
    ('StsPool', lambda conn: conn.get_session_token(), 'sts'),
    ('LogsPool', lambda conn: conn.describe_log_groups(), 'logs'),
    ('KmsPool', lambda conn: conn.list_keys(), 'kms'),
]


@pytest.fixture
def via_proxy(connect_kwargs, proxy):
    """Connection keywords that send every request through ``proxy``."""
    return dict(connect_kwargs, proxy_port=proxy.port)


def pool_of(class_name, region, kwargs):
    return getattr(services, class_name)(regions=[region], **kwargs).connect()


def boto_knows(class_name, region):
    spec = get_service(getattr(services, class_name).service)
    return region in boto_backend.boto_regions(spec)


def assert_sent_to_catalog_host(records, prefix, region, signing_name,
                                bucket=None):
    host = catalog.hostname(prefix, region)
    assert records, 'nothing went through the proxy'
    for record in records:
        expected = host if bucket is None else '%s.%s' % (bucket, host)
        assert record['host'] == expected, record
        assert record['authorization'].startswith('AWS4-HMAC-SHA256 '), record
        assert record['scope'] == (region, signing_name), record


@pytest.mark.parametrize('region', NEW_REGIONS)
@pytest.mark.parametrize('class_name, call, signing_name', CALLS,
                         ids=[c[0] for c in CALLS])
def test_call_in_a_new_region_goes_to_the_catalog_host_signed_v4_for_it(
        class_name, call, signing_name, region, via_proxy, proxy):
    assert not boto_knows(class_name, region)
    pool = pool_of(class_name, region, via_proxy)
    call(pool.regions[region])
    prefix = pool._spec.endpoint_prefix
    assert_sent_to_catalog_host(proxy.records, prefix, region, signing_name)


@pytest.mark.parametrize('region', ['cn-northwest-1', 'us-gov-east-1'])
@pytest.mark.parametrize('class_name, call, signing_name', CALLS[:4],
                         ids=[c[0] for c in CALLS[:4]])
def test_china_and_govcloud_regions_boto_lacks_are_signed_for_themselves(
        class_name, call, signing_name, region, via_proxy, proxy):
    assert not boto_knows(class_name, region)
    pool = pool_of(class_name, region, via_proxy)
    call(pool.regions[region])
    assert_sent_to_catalog_host(proxy.records, pool._spec.endpoint_prefix,
                                region, signing_name)
    suffix = '.amazonaws.com.cn' if region.startswith('cn-') else \
        '.amazonaws.com'
    assert proxy.records[0]['host'].endswith(suffix)


def test_sqs_queues_stay_in_their_new_region(via_proxy, proxy):
    pool = services.SqsPool(regions=['af-south-1', 'mx-central-1'],
                            **via_proxy).connect()
    queue = pool.regions['af_south_1'].create_queue('cape-town-only')
    queue.write(queue.new_message('hello'))
    assert [q.name for q in pool.regions['af_south_1'].get_all_queues()] == [
        'cape-town-only']
    assert pool.regions['mx_central_1'].get_all_queues() == []
    assert pool.regions['af_south_1'].get_queue(
        'cape-town-only').read().get_body() == 'hello'
    scopes = set(record['scope'] for record in proxy.records)
    assert scopes == set([('af-south-1', 'sqs'), ('mx-central-1', 'sqs')])


def test_sns_topic_arn_names_its_new_region(via_proxy, proxy):
    pool = services.SnsPool(regions=['ap-southeast-6'], **via_proxy).connect()
    created = pool.regions['ap-southeast-6'].create_topic('alerts')
    arn = created['CreateTopicResponse']['CreateTopicResult']['TopicArn']
    assert arn.startswith('arn:aws:sns:ap-southeast-6:')


def test_s3_object_round_trip_in_a_new_region_is_signed_v4(via_proxy, proxy):
    pool = services.S3Pool(regions=['il-central-1'], **via_proxy).connect()
    conn = pool.regions['il-central-1']
    bucket = conn.create_bucket('tel-aviv-data', location='il-central-1')
    key = bucket.new_key('greeting.txt')
    key.set_contents_from_string('shalom')
    assert bucket.get_key('greeting.txt').get_contents_as_string() == b'shalom'
    assert bucket.get_location() == 'il-central-1'
    # Virtual-hosted style, boto's default, on the catalog's regional host.
    assert_sent_to_catalog_host(proxy.records, 's3', 'il-central-1', 's3',
                                bucket='tel-aviv-data')
    for record in proxy.records:
        # S3's SigV4 signs the payload hash too.
        assert 'x-amz-content-sha256' in record['authorization']


def test_s3_presigned_url_in_a_new_region_is_sigv4(via_proxy):
    pool = services.S3Pool(regions=['mx-central-1'], **via_proxy).connect()
    url = pool.regions['mx-central-1'].generate_url(
        60, 'GET', bucket='mexico', key='file')
    assert 'X-Amz-Credential=' in url
    assert '%2Fmx-central-1%2Fs3%2Faws4_request' in url


@pytest.mark.parametrize('region, host', [
    ('cn-northwest-1', 'route53.amazonaws.com.cn'),
    ('us-gov-west-1', 'route53.us-gov.amazonaws.com'),
])
def test_route53_partition_endpoint_is_signed_v4_for_its_region(
        region, host, via_proxy, proxy):
    # boto 2.49 has Route 53 only as the commercial 'universal' endpoint,
    # signed with SigV3.
    assert not boto_knows('Route53Pool', region)
    pool = pool_of('Route53Pool', region, via_proxy)
    pool.regions[region].get_all_hosted_zones()
    assert [r['host'] for r in proxy.records] == [host]
    assert proxy.records[0]['scope'] == (region, 'route53')


def test_anonymous_s3_connection_in_a_new_region_stays_unsigned(
        via_proxy, proxy):
    pool = services.S3Pool(regions=['af-south-1'], anon=True,
                           **via_proxy).connect()
    pool.regions['af-south-1'].get_all_buckets()
    assert [r['host'] for r in proxy.records] == [
        's3.af-south-1.amazonaws.com']
    assert proxy.records[0]['authorization'] is None


# -- regions boto knows keep boto's own signing ------------------------------

def test_s3_in_a_region_boto_knows_keeps_boto_signature(via_proxy, proxy):
    pool = pool_of('S3Pool', 'us-west-1', via_proxy)
    pool.regions['us-west-1'].get_all_buckets()
    assert [r['host'] for r in proxy.records] == ['s3-us-west-1.amazonaws.com']
    assert proxy.records[0]['authorization'].startswith('AWS testing:')
    assert proxy.records[0]['scope'] is None


def test_ses_in_a_region_boto_knows_keeps_boto_signature(via_proxy, proxy):
    pool = pool_of('SesPool', 'eu-west-1', via_proxy)
    pool.regions['eu-west-1'].list_identities()
    assert [r['host'] for r in proxy.records] == [
        'email.eu-west-1.amazonaws.com']
    # SigV3 signs in X-Amzn-Authorization, not Authorization.
    assert proxy.records[0]['authorization'] is None


@pytest.mark.parametrize('class_name, region', [
    ('Ec2Pool', 'eu-west-1'), ('SqsPool', 'us-west-2'),
    ('S3Pool', 'ap-northeast-1'), ('SesPool', 'us-east-1'),
    ('Route53Pool', 'universal'), ('SdbPool', 'eu-west-1'),
    ('IamPool', 'universal'),
])
def test_region_boto_knows_gets_exactly_boto_connection(
        class_name, region, via_proxy):
    import importlib
    spec = get_service(getattr(services, class_name).service)
    assert region in boto_backend.boto_regions(spec)
    ours = pool_of(class_name, region, via_proxy).regions[region].connection
    kwargs = boto_backend._keywords_for(spec, via_proxy)
    boto_own = importlib.import_module(spec.module).connect_to_region(
        region, **kwargs)
    assert type(ours) is type(boto_own)
    assert ours.host == boto_own.host
    assert type(ours._auth_handler) is type(boto_own._auth_handler)
    assert ours._required_auth_capability() == \
        boto_own._required_auth_capability()


@pytest.mark.parametrize('class_name', sorted(services.__all__))
def test_every_service_signs_v4_in_its_regions_boto_lacks(
        class_name, via_proxy):
    spec = get_service(getattr(services, class_name).service)
    known = boto_backend.boto_regions(spec)
    new = [name for name in catalog.regions(spec.endpoint_prefix)
           if name not in known]
    if not new:
        pytest.skip('boto 2.49 knows every region the catalog lists for %s'
                    % spec.name)
    for region in (new[0], new[-1]):
        pool = pool_of(class_name, region, via_proxy)
        conn = pool.regions[region].connection
        transport = getattr(conn, 'layer1', conn)   # Glacier's Layer2
        assert transport.host == catalog.hostname(spec.endpoint_prefix, region)
        assert transport._auth_handler.capability[0] in (
            'hmac-v4', 'hmac-v4-s3')
        assert transport.auth_region_name == region
        assert transport.auth_service_name == (
            spec.signing_name or spec.endpoint_prefix)
