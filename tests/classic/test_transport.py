# -*- coding: utf-8 -*-
"""The boto objects that send a connection's requests
(:func:`mangrove.classic.transport.senders`), and what is changed on them: one
sender for a plain connection (S3 and Route 53 too), the ``layer1`` of a
DynamoDB or Glacier ``Layer2``, none for a boto3 client or any other
object; a connection prepared twice is governed once. With the moto
server: Organizations requests are governed as a pool's are.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import sys

import pytest

from mangrove import limits, throttling
from mangrove.accounts.organizations import OrganizationsConnection
from mangrove.classic import sockets
from mangrove.classic.backend import boto_backend, query_connection
from mangrove.classic.signing import sign_v4
from mangrove.classic.transport import is_sender, senders
from mangrove.credentials import (
    CredentialHolder, _Signer, install, make_credentials)
from mangrove.exceptions import OrganizationsError
from mangrove.fanout import fan_out
from mangrove.registry import SERVICES, get_service
from mangrove.throttling import RetryPolicy
from workers import HANG_GUARD

from bed.accounts import through
from bed.throttle import Throttle

KEYWORDS = dict(aws_access_key_id='testing', aws_secret_access_key='testing')
TARGET = 'AWSOrganizationsV20161128.'
# Quick waits: the tests count retries, they do not time them.
FAST = RetryPolicy(attempts=60, seconds=HANG_GUARD, base=0.002, cap=0.05)


def connect(service, region='us-east-1', **kwargs):
    """A connection as a pool's backend builds it (no request is sent)."""
    return boto_backend.connect(get_service(service), region,
                                dict(KEYWORDS, **kwargs))


@pytest.mark.no_server
@pytest.mark.parametrize('service, region', [
    ('ec2', 'us-east-1'), ('sqs', 'eu-west-1'), ('s3', 'us-east-1'),
    ('s3', 'af-south-1'), ('route53', 'universal'),
    ('dynamodb2', 'us-east-1')])
def test_a_connection_is_its_own_one_sender(service, region):
    conn = connect(service, region)
    assert senders(conn) == [conn]
    assert is_sender(conn)


@pytest.mark.no_server
@pytest.mark.parametrize('service', ['dynamodb', 'glacier'])
def test_a_layer2_sends_through_its_layer1(service):
    conn = connect(service)
    assert type(conn).__name__ == 'Layer2' and not is_sender(conn)
    assert senders(conn) == [conn.layer1]


@pytest.mark.no_server
def test_senders_are_boto_connections_in_every_service():
    from boto.connection import AWSAuthConnection
    # CloudSearchDomain cannot connect without a host of its own.
    for name in sorted(set(SERVICES) - {'cloudsearchdomain'}):
        region = sorted(boto_backend.boto_regions(SERVICES[name]))[0]
        for url in (None, 'http://127.0.0.1:4566/'):
            conn = boto_backend.connect(SERVICES[name], region,
                                        dict(KEYWORDS), endpoint_url=url)
            expected = [obj for obj in (conn, getattr(conn, 'layer1', None))
                        if isinstance(obj, AWSAuthConnection)]
            assert len(expected) == 1, name
            assert senders(conn) == expected, (name, url)


class _Sends(object):
    """Looks like a boto connection: its class sends, it signs."""

    def __init__(self):
        self._auth_handler = None

    def _mexe(self, request, sender=None, override_num_retries=None,
              retry_handler=None):
        return None


class _Wraps(object):
    def __init__(self, layer1):
        self.layer1 = layer1


@pytest.mark.no_server
def test_any_other_object_has_no_sender():
    sends = _Sends()
    assert senders(sends) == [sends]
    assert senders(_Wraps(sends)) == [sends]
    assert senders(_Wraps(_Wraps(sends))) == []
    loner = _Sends()
    loner.layer1 = loner
    assert senders(loner) == [loner]      # once
    half = _Sends()
    del half._auth_handler
    for obj in (object(), None, 'ec2', _Wraps(None), _Wraps(object()),
                half, _Sends):
        assert senders(obj) == [], obj
    # A _mexe on the instance only is not boto's class sending.
    lookalike = _Wraps(None)
    lookalike._mexe = lookalike._auth_handler = None
    assert senders(lookalike) == []


@pytest.mark.no_server
def test_a_boto3_client_has_no_sender_and_is_left_alone():
    if sys.version_info < (3, 9):
        pytest.skip('boto3 pools need Python 3.9+')
    boto3 = pytest.importorskip('boto3')
    client = boto3.client('sqs', region_name='us-east-1', **KEYWORDS)
    assert senders(client) == []
    assert throttling.govern(client, 'sqs', 'us-east-1') is client
    assert sockets.adopt(client) is client
    install(client, CredentialHolder('test', make_credentials('AKID', 's')))
    assert '_mexe' not in vars(client)


def _governed(obj):
    return vars(obj).get('_mexe')


@pytest.mark.no_server
@pytest.mark.parametrize('service', ['ec2', 'dynamodb', 's3'])
def test_prepared_twice_is_governed_once(service):
    conn = connect(service)
    sender, = senders(conn)
    sockets.adopt(conn)
    throttling.govern(conn, service, 'us-east-1')
    governed, pool = _governed(sender), sender._pool
    sockets.adopt(conn)
    throttling.govern(conn, service, 'us-east-1')
    assert isinstance(governed, throttling._Governed)
    assert _governed(sender) is governed
    assert governed.transport() is sender
    assert sender._pool is pool and sockets.close(conn) == 0
    if sender is not conn:
        # The Layer2 itself sends nothing: nothing of it is changed.
        assert '_mexe' not in vars(conn) and not hasattr(conn, '_pool')


@pytest.mark.no_server
@pytest.mark.parametrize('service', ['ec2', 'glacier'])
def test_every_change_lands_on_the_sender(service):
    conn = connect(service)
    sender, = senders(conn)
    sign_v4(get_service(service), conn, 'af-south-1')
    assert sender.auth_region_name == 'af-south-1'
    holder = CredentialHolder('test', make_credentials('AKIDNEW', 'secret'))
    for _ in range(2):
        install(conn, holder)
    signer = sender._auth_handler
    assert isinstance(signer, _Signer)
    assert not isinstance(signer._current[1], _Signer)   # wrapped once
    assert sender.aws_access_key_id == 'AKIDNEW'
    if sender is not conn:
        assert not hasattr(conn, '_auth_handler')


@pytest.mark.no_server
def test_a_query_connection_is_signed_governed_and_direct_to_its_url():
    conn = query_connection(
        'organizations.us-east-1.amazonaws.com', 'organizations',
        'us-east-1', dict(KEYWORDS, proxy_port=None, host='elsewhere'),
        endpoint_url='https://127.0.0.1:4566')
    assert senders(conn) == [conn]
    assert (conn.host, conn.port, conn.is_secure) == ('127.0.0.1', 4566, True)
    assert not conn.use_proxy and conn.proxy is None
    assert conn._auth_handler.capability[0] == 'hmac-v4'
    assert (conn.auth_service_name, conn.auth_region_name) == (
        'organizations', 'us-east-1')
    governed = _governed(conn)
    assert isinstance(governed, throttling._Governed)
    assert (governed.service, governed.region) == ('organizations',
                                                   'us-east-1')
    assert type(conn._pool) is sockets._process_local_pool_class()
    proxied = query_connection(
        'organizations.us-east-1.amazonaws.com', 'organizations',
        'us-east-1', dict(KEYWORDS, proxy='127.0.0.1', proxy_port=3128),
        endpoint_url='http://127.0.0.1:4566')
    assert proxied.use_proxy and proxied.proxy_port == 3128


def _organization_requests(proxy, action):
    return [r for r in proxy.records if r['action'] == TARGET + action]


def test_organizations_throttling_is_retried_and_counted(proxy):
    proxy.throttle['us-east-1'] = Throttle(first=1,
                                           code='TooManyRequestsException')
    with OrganizationsConnection(**through(proxy)) as conn:
        results = fan_out([('create', lambda: conn.request(
            'CreateOrganization', {'FeatureSet': 'ALL'}))], retry=FAST)
        assert results.ok, results.errors
        assert conn.list_roots()
        key = conn.connection.aws_access_key_id

    sent = _organization_requests(proxy, 'CreateOrganization')
    assert [r['throttled'] for r in sent] == ['TooManyRequestsException',
                                              None]
    stats = results.stats['create']
    assert (stats.requests, stats.throttled, stats.retries) == (2, 1, 1)
    endpoint, = [e for e in limits.endpoint_stats()
                 if e['endpoint'][1:] == ('organizations', 'us-east-1')]
    assert endpoint['endpoint'][0] == key
    assert (endpoint['requests'], endpoint['throttled']) == (3, 1)


def test_organizations_throttling_past_the_budget_names_its_code(proxy):
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0,
                                           code='TooManyRequestsException')
    with OrganizationsConnection(**through(proxy)) as conn:
        results = fan_out([('roots', conn.list_roots)],
                          retry=RetryPolicy(attempts=3, base=0.001))

    error = results.errors['roots']
    assert isinstance(error, OrganizationsError)
    assert error.error_code == 'TooManyRequestsException'
    assert error.status == 400
    assert 'ListRoots' in str(error) and 'HTTP 400' in str(error)
    assert len(_organization_requests(proxy, 'ListRoots')) == 3


@pytest.fixture
def one_in_flight():
    limits.set_endpoint_limit(1)
    yield
    limits.reset_endpoints()


def test_organizations_requests_keep_to_the_endpoint_limit(
        proxy, one_in_flight):
    with OrganizationsConnection(**through(proxy)) as conn:
        conn.request('CreateOrganization', {'FeatureSet': 'ALL'})
        throttle = proxy.throttle['us-east-1'] = Throttle(max_in_flight=1)
        proxy.latency['us-east-1'] = 0.05
        results = fan_out([(n, conn.list_roots) for n in range(4)],
                          max_workers=4)

    assert results.ok, results.errors
    assert len(set(tuple(roots) for roots in results.values())) == 1
    listed = _organization_requests(proxy, 'ListRoots')
    assert len(listed) == 4 and not any(r['throttled'] for r in listed)
    assert list(throttle.peak.values()) == [1]
