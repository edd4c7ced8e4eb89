# -*- coding: utf-8 -*-
"""``endpoint_url``: pools pointed at any endpoint, here the moto server.

The test session's boto config sends boto through a proxy; an
``endpoint_url`` connection must not depend on it. The tests that show a
pool working with no proxy configured at all, or ignoring a configured one,
run in a child Python with a boto config of their own, since boto reads its
config only once, at import.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

import mangrove
from mangrove import ServiceMixinPool, catalog, services
from mangrove.exceptions import InvalidArgumentError, InvalidDeclarationError
from mangrove.testing import MotoServer

from bed.proxy import LoopbackProxy

# The child imports the mangrove under test (the source tree, or the copy
# tox installed).
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(
    mangrove.__file__)))

KEYS = {'aws_access_key_id': 'testing', 'aws_secret_access_key': 'testing'}

# Run in a child Python: S3 and SQS pools through endpoint_url only.
CHILD = textwrap.dedent('''
    import json, sys
    from mangrove.services import S3Pool, SqsPool
    url = sys.argv[1]
    sqs = SqsPool(regions=['eu-west-1', 'us-east-1'], endpoint_url=url)
    sqs.connect()
    queue = sqs.regions['eu-west-1'].create_queue('dublin-jobs')
    queue.write(queue.new_message('job 1'))
    s3 = S3Pool(regions=['eu-west-1', 'af-south-1'], endpoint_url=url)
    s3.connect()
    for region in ('eu-west-1', 'af-south-1'):
        bucket = s3.regions[region].create_bucket('b-' + region,
                                                  location=region)
        bucket.new_key('where').set_contents_from_string(region)
    conns = [p.regions[r].connection for p in (sqs, s3) for r in p.regions]
    print(json.dumps({
        'queues': dict((r, [q.name for q in sqs.regions[r].get_all_queues()])
                       for r in ('eu-west-1', 'us-east-1')),
        'message': sqs.regions['eu-west-1'].get_queue(
            'dublin-jobs').read().get_body(),
        'objects': dict(
            (r, s3.regions[r].get_bucket('b-' + r).get_key(
                'where').get_contents_as_string().decode('ascii'))
            for r in ('eu-west-1', 'af-south-1')),
        'locations': dict(
            (r, s3.regions[r].get_bucket('b-' + r).get_location())
            for r in ('eu-west-1', 'af-south-1')),
        'proxies': sorted(set(str(c.use_proxy) for c in conns)),
    }))
''')


def run_child(tmpdir, moto_url, config_lines, env_extra=None):
    config = tmpdir.join('child-boto.cfg')
    with io.open(str(config), 'w', encoding='utf-8') as handle:
        handle.write(u'\n'.join(
            [u'[Credentials]', u'aws_access_key_id = testing',
             u'aws_secret_access_key = testing', u'[Boto]',
             u'num_retries = 0'] + list(config_lines)) + u'\n')
    env = dict(os.environ)
    for name in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
        env.pop(name, None)
    env['BOTO_CONFIG'] = str(config)
    env['PYTHONPATH'] = os.pathsep.join(
        [PACKAGE_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    env.update(env_extra or {})
    proc = subprocess.Popen([sys.executable, '-c', CHILD, moto_url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode('utf-8', 'replace')
    return json.loads(out.decode('utf-8').strip().splitlines()[-1])


def assert_child_worked(result):
    assert result['queues'] == {'eu-west-1': ['dublin-jobs'], 'us-east-1': []}
    assert result['message'] == 'job 1'
    assert result['objects'] == {'eu-west-1': 'eu-west-1',
                                 'af-south-1': 'af-south-1'}
    assert result['locations'] == result['objects']
    assert result['proxies'] == ['False']


def test_s3_and_sqs_pools_reach_moto_through_endpoint_url_with_no_proxy(
        tmpdir, moto_server, connect_kwargs):
    result = run_child(tmpdir, moto_server.url, [])
    assert_child_worked(result)
    # The queue went to eu-west-1 of the same server: the session's own
    # pools, which reach moto by AWS host names, find it there only.
    pool = services.SqsPool(regions=['eu-west-1', 'us-east-1'],
                            **connect_kwargs).connect()
    assert [q.name for q in pool.regions['eu-west-1'].get_all_queues()] == [
        'dublin-jobs']
    assert pool.regions['us-east-1'].get_all_queues() == []


@pytest.mark.slow
def test_endpoint_url_ignores_a_proxy_from_boto_config_and_environment(
        tmpdir, moto_server, proxy):
    # That proxy would work (it forwards to moto), so only its records tell
    # whether it was used.
    result = run_child(
        tmpdir, moto_server.url,
        ['proxy = 127.0.0.1', 'proxy_port = %d' % proxy.port],
        {'http_proxy': 'http://127.0.0.1:%d' % proxy.port})
    assert_child_worked(result)
    assert proxy.records == []


def test_sqs_queues_stay_in_their_region_behind_one_endpoint(moto_server):
    pool = services.SqsPool(regions=['eu-west-1', 'us-east-1', 'ap-east-2'],
                            endpoint_url=moto_server.url, **KEYS).connect()
    pool.regions['eu-west-1'].create_queue('only-in-ireland')
    assert [q.name for q in pool.regions['eu-west-1'].get_all_queues()] == [
        'only-in-ireland']
    assert pool.regions['us-east-1'].get_all_queues() == []
    assert pool.regions['ap-east-2'].get_queue('only-in-ireland') is None
    for key in pool.regions:
        conn = pool.regions[key].connection
        assert (conn.host, conn.port) == ('127.0.0.1', moto_server.port)
        assert conn.use_proxy is False


def test_endpoint_url_requests_are_signed_for_the_pool_region(
        moto_server, proxy):
    # An explicit proxy is honoured, which lets the test read the wire.
    kwargs = dict(KEYS, proxy='127.0.0.1', proxy_port=proxy.port)
    sqs = services.SqsPool(regions=['eu-west-1', 'mx-central-1'],
                           endpoint_url=moto_server.url, **kwargs).connect()
    s3 = services.S3Pool(regions=['ap-southeast-6'],
                         endpoint_url=moto_server.url, **kwargs).connect()
    sqs.regions['eu-west-1'].create_queue('q')
    sqs.regions['mx-central-1'].get_all_queues()
    s3.regions['ap-southeast-6'].create_bucket('sydney-2',
                                               location='ap-southeast-6')
    host = '127.0.0.1:%d' % moto_server.port
    assert [(r['host'], r['scope']) for r in proxy.records] == [
        (host, ('eu-west-1', 'sqs')),
        (host, ('mx-central-1', 'sqs')),
        (host, ('ap-southeast-6', 's3')),
    ]
    # Path style: the bucket is in the path, not the host.
    assert proxy.records[-1]['path'].endswith('/sydney-2/')


def test_templated_endpoint_url_reaches_each_region_host(moto_server, proxy):
    # The proxy forwards to moto whatever the host, so made-up names work.
    pool = services.SqsPool(
        regions=['eu-west-1', 'af-south-1'],
        endpoint_url='http://sqs.{region}.example.test',
        proxy='127.0.0.1', proxy_port=proxy.port, **KEYS).connect()
    pool.regions['af-south-1'].create_queue('cape')
    assert [q.name for q in pool.regions['af-south-1'].get_all_queues()] == [
        'cape']
    assert pool.regions['eu-west-1'].get_all_queues() == []
    assert [(r['host'], r['scope']) for r in proxy.records] == [
        ('sqs.af-south-1.example.test', ('af-south-1', 'sqs')),
        ('sqs.af-south-1.example.test', ('af-south-1', 'sqs')),
        ('sqs.eu-west-1.example.test', ('eu-west-1', 'sqs')),
    ]


@pytest.mark.parametrize('class_name, signing_name', [
    ('S3Pool', 's3'), ('SqsPool', 'sqs'), ('Ec2Pool', 'ec2'),
    ('SesPool', 'ses'), ('DynamoDb2Pool', 'dynamodb'),
])
def test_templated_endpoint_url_sets_scheme_host_port_and_scope(
        class_name, signing_name):
    pool = getattr(services, class_name)(
        regions=['us-east-1', 'il-central-1'],
        endpoint_url='https://{region}.aws.example.com:8443/base', **KEYS)
    pool.connect()
    for region in ('us-east-1', 'il-central-1'):
        conn = pool.regions[region].connection
        # https although the session's boto config says is_secure = False.
        assert conn.is_secure is True
        assert conn.protocol == 'https'
        assert conn.host == '%s.aws.example.com' % region
        assert conn.port == 8443
        assert conn.path == '/base'
        assert conn.auth_region_name == region
        assert conn.auth_service_name == signing_name
        assert conn.use_proxy is False


def test_scheme_gives_the_default_port():
    for url, secure, port in [('https://ec2.example.com', True, 443),
                              ('http://ec2.example.com/', False, 80)]:
        pool = services.Ec2Pool(regions=['eu-west-1'], endpoint_url=url,
                                **KEYS).connect()
        conn = pool.regions['eu-west-1'].connection
        assert (conn.is_secure, conn.port, conn.path) == (secure, port, '/')


def test_s3_endpoint_url_is_path_style_unless_a_calling_format_is_given(
        moto_server):
    from boto.s3.connection import (OrdinaryCallingFormat,
                                    SubdomainCallingFormat)
    default = services.S3Pool(regions=['eu-west-1'],
                              endpoint_url=moto_server.url, **KEYS).connect()
    assert isinstance(default.regions['eu-west-1'].calling_format,
                      OrdinaryCallingFormat)
    chosen = SubdomainCallingFormat()
    custom = services.S3Pool(regions=['eu-west-1'],
                             endpoint_url='https://s3.{region}.example.com',
                             calling_format=chosen, **KEYS).connect()
    assert custom.regions['eu-west-1'].calling_format is chosen


@pytest.mark.slow
def test_global_service_pseudo_region_is_signed_for_its_signing_region():
    # A server of its own: moto's IAM backend loads every managed policy,
    # which would slow each later reset of the session's server.
    with MotoServer() as server:
        with LoopbackProxy(server) as proxy:
            pool = services.IamPool(
                regions=['universal'], endpoint_url=server.url,
                proxy='127.0.0.1', proxy_port=proxy.port, **KEYS).connect()
            pool.regions['universal'].get_all_users()
    assert [r['host'] for r in proxy.records] == [
        '127.0.0.1:%d' % server.port]
    assert [r['scope'] for r in proxy.records] == [('us-east-1', 'iam')]


def test_simpledb_keeps_signature_version_2_at_an_endpoint_url():
    pool = services.SdbPool(regions=['eu-west-1'],
                            endpoint_url='http://127.0.0.1:1', **KEYS)
    conn = pool.connect().regions['eu-west-1'].connection
    assert conn.host == '127.0.0.1'
    assert 'sdb' in conn._auth_handler.capability


def test_endpoint_url_without_regions_means_every_catalog_region(moto_server):
    pool = services.SqsPool(endpoint_url=moto_server.url, **KEYS)
    assert list(pool.regions) == [
        k.replace('-', '_') for k in catalog.regions('sqs', 'aws')]
    narrowed = services.SqsPool(endpoint_url=moto_server.url,
                                partition='aws-cn', **KEYS)
    assert list(narrowed.regions) == ['cn_north_1', 'cn_northwest_1']


def test_endpoint_url_accepts_region_names_aws_does_not_have(moto_server):
    # A local store may name its regions as it likes.
    pool = services.SqsPool(regions=['xx-local-1'],
                            endpoint_url=moto_server.url, **KEYS).connect()
    pool.regions['xx-local-1'].create_queue('local')
    assert [q.name for q in pool.regions['xx-local-1'].get_all_queues()] == [
        'local']


MAPPING_NAMES = ['default', 'keys', 'get', 'items', 'values']


def test_regions_named_like_the_mappings_own_names_are_regions_by_item(
        moto_server):
    # A store behind an endpoint_url names its regions as it likes (Ceph
    # RGW's zone group is "default"): item access is always the region,
    # and every Mapping method stays a method.
    pool = services.SqsPool(connect=True, regions=MAPPING_NAMES,
                            default_region='keys',
                            endpoint_url=moto_server.url, **KEYS)
    regions = pool.regions
    for name in MAPPING_NAMES:
        regions[name].create_queue('in-' + name)
    for name in MAPPING_NAMES:
        assert name in regions
        assert regions[name].region_key == name
        # (moto keeps the queues of region names it does not know together)
        assert regions[name].get_queue('in-' + name).name == 'in-' + name
    assert list(regions.keys()) == list(regions) == MAPPING_NAMES
    assert [proxy.region_key for proxy in regions.values()] == MAPPING_NAMES
    assert [(key, proxy.region_key) for key, proxy in regions.items()] == \
        [(name, name) for name in MAPPING_NAMES]
    assert regions.get('get') is regions['get']
    assert regions.get('nowhere') is None
    assert len(regions) == len(MAPPING_NAMES)
    assert regions == dict(regions.items())
    # Attribute access: the mapping's own names first.
    assert regions.default is regions['keys']
    assert callable(regions.keys) and callable(regions.items)
    assert pool.call('get_all_queues').ok


@pytest.mark.parametrize('url', [
    'ftp://127.0.0.1:21', 'http://', '127.0.0.1:4566', 'http://host:port',
    'http://127.0.0.1:70000', 'http://127.0.0.1:0',
    # urlsplit raises a bare ValueError on an unclosed IPv6 bracket.
    'http://[::1', 'http://[::1:5000/', 'https://[::1]x:80',
])
def test_bad_endpoint_url_is_refused_by_name(url):
    with pytest.raises(InvalidArgumentError) as raised:
        services.SqsPool(endpoint_url=url)
    assert repr(url) in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_credentials_in_endpoint_url_are_refused_and_never_shown():
    # boto would drop them silently, and send requests unsigned by them.
    url = 'http://auditor:s3cr3t-pa55@127.0.0.1:4566/'
    with pytest.raises(InvalidArgumentError) as raised:
        services.SqsPool(endpoint_url=url)
    message = str(raised.value)
    assert 'http://127.0.0.1:4566/' in message
    assert 'credentials' in message and 'aws_access_key_id' in message
    assert 's3cr3t-pa55' not in message and 'auditor' not in message
    assert 's3cr3t-pa55' not in repr(raised.value.args)


def test_bad_endpoint_url_in_a_declaration_names_class_and_service():
    class BadPool(ServiceMixinPool):
        services = {'sqs': {'endpoint_url': 'sqs.example.com'}}

    with pytest.raises(InvalidDeclarationError) as raised:
        BadPool()
    assert 'BadPool' in str(raised.value)
    assert "'sqs'" in str(raised.value)


# -- per service, in a services declaration ----------------------------------

def mixed_pool_class(moto_url):
    class MixedPool(ServiceMixinPool):
        services = {
            'sqs': {'regions': ['eu-west-1', 'us-east-1'],
                    'endpoint_url': moto_url},
            'sns': {'regions': ['af-south-1']},
        }
    return MixedPool


def test_endpoint_url_per_service_in_a_mixin_declaration(moto_server):
    pool = mixed_pool_class(moto_server.url)(connect=True, **KEYS)
    sqs = pool.sqs.regions['eu-west-1'].connection
    assert (sqs.host, sqs.port, sqs.use_proxy) == (
        '127.0.0.1', moto_server.port, False)
    # SNS declares none: the catalog's host, through the config's proxy.
    sns = pool.sns.regions['af-south-1'].connection
    assert sns.host == 'sns.af-south-1.amazonaws.com'
    assert sns.use_proxy is True
    pool.sqs.regions['eu-west-1'].create_queue('mixed')
    assert pool.sqs.regions['us-east-1'].get_all_queues() == []
    pool.sns.regions['af-south-1'].create_topic('mixed')
    assert len(pool.sns.regions['af-south-1'].get_all_topics()[
        'ListTopicsResponse']['ListTopicsResult']['Topics']) == 1


def test_pool_endpoint_url_fills_in_for_services_that_declare_none(
        moto_server):
    pool = mixed_pool_class(moto_server.url)(
        endpoint_url='http://{region}.elsewhere.test:9000', **KEYS).connect()
    assert pool.sqs.regions['eu-west-1'].host == '127.0.0.1'
    sns = pool.sns.regions['af-south-1'].connection
    assert (sns.host, sns.port) == ('af-south-1.elsewhere.test', 9000)
    added = pool.add_service('kinesis', regions=['eu-west-1'],
                             endpoint_url=moto_server.url)
    assert added.regions['eu-west-1'].host == '127.0.0.1'
    assert added.regions['eu-west-1'].list_streams()['StreamNames'] == []
