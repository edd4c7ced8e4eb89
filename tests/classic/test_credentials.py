# -*- coding: utf-8 -*-
"""Credentials: every service sends the session token it was given (SWF
calls it ``session_token``), and a live pool takes new credentials in place,
for every connection including proxies handed out before, from any thread,
or from a source called when they are about to expire. Proved on the wire,
by the fault proxy's records, and by moto's accounts: credentials of
``AssumeRole`` on account 111111111111 act in that account."""
from __future__ import absolute_import

import datetime
import logging
import pickle
import re
import threading
import time

import pytest

from mangrove import ServiceMixinPool, services
from mangrove.classic.backend import boto_backend, credential_keywords
from mangrove.credentials import Credentials, make_credentials
from mangrove.exceptions import (InvalidArgumentError,
                                 InvalidArgumentTypeError)
from mangrove.registry import SERVICES

OTHER_ACCOUNT_ROLE = 'arn:aws:iam::111111111111:role/ANY'

# One request per service: which one does not matter, only what it carries.
FIRST_REQUEST = {
    'autoscale': ('get_all_groups', ()),
    'awslambda': ('list_functions', ()),
    'beanstalk': ('describe_applications', ()),
    'cloudformation': ('describe_stacks', ()),
    'cloudhsm': ('list_hsms', ()),
    'cloudsearch': ('describe_domains', ()),
    'cloudsearch2': ('describe_domains', ()),
    'cloudsearchdomain': ('search', ('x',)),
    'cloudtrail': ('describe_trails', ()),
    'cloudwatch': ('list_metrics', ()),
    'codedeploy': ('list_applications', ()),
    'cognito_identity': ('list_identity_pools', (1,)),
    'cognito_sync': ('list_identity_pool_usage', ()),
    'configservice': ('describe_delivery_channels', ()),
    'datapipeline': ('list_pipelines', ()),
    'directconnect': ('describe_connections', ()),
    'dynamodb': ('list_tables', ()),
    'dynamodb2': ('list_tables', ()),
    'ec2': ('get_all_zones', ()),
    'ecs': ('list_clusters', ()),
    'elasticache': ('describe_cache_clusters', ()),
    'elastictranscoder': ('list_pipelines', ()),
    'elb': ('get_all_load_balancers', ()),
    'emr': ('list_clusters', ()),
    'glacier': ('list_vaults', ()),
    'iam': ('get_all_users', ()),
    'kinesis': ('list_streams', ()),
    'kms': ('list_keys', ()),
    'logs': ('describe_log_groups', ()),
    'machinelearning': ('describe_data_sources', ()),
    'opsworks': ('describe_stacks', ()),
    'rds': ('get_all_dbinstances', ()),
    'rds2': ('describe_db_instances', ()),
    'redshift': ('describe_clusters', ()),
    'route53': ('get_all_hosted_zones', ()),
    'route53domains': ('list_domains', ()),
    's3': ('get_all_buckets', ()),
    'sdb': ('get_all_domains', ()),
    'ses': ('list_identities', ()),
    'sns': ('get_all_topics', ()),
    'sqs': ('get_all_queues', ()),
    'sts': ('get_federation_token', ('someone',)),
    'support': ('describe_services', ()),
    'swf': ('list_domains', ('REGISTERED',)),
    'vpc': ('get_all_vpcs', ()),
}


def access_key_of(record):
    match = re.search(r'Credential=([^/]+)/|AWSAccessKeyId[=:]\s*([^,&\s]+)',
                      record['authorization'] or '')
    if match:
        return match.group(1) or match.group(2)
    match = re.search(r'AWSAccessKeyId=([^&]+)', record['path'] or '')
    return match.group(1) if match else None


def test_every_service_has_a_first_request():
    assert sorted(FIRST_REQUEST) == sorted(SERVICES)
    assert len(SERVICES) == 45


@pytest.mark.parametrize('name', sorted(FIRST_REQUEST))
def test_every_service_sends_its_session_token(name, connect_kwargs, proxy):
    spec = SERVICES[name]
    pool_class = getattr(services, spec.class_name)
    kwargs = dict(connect_kwargs, proxy_port=proxy.port,
                  security_token='token-for-%s' % name)
    if name == 'cloudsearchdomain':
        kwargs['host'] = 'search-m.us-east-1.cloudsearch.amazonaws.com'
    pool = pool_class(connect=True, **kwargs)
    region = pool.regions[list(pool.regions)[0]]
    method, args = FIRST_REQUEST[name]
    # The proxy answers each request itself with a client error, which boto
    # does not retry: what was sent is what counts here.
    proxy.faults['*'] = 'not-enabled'
    with pytest.raises(Exception):
        getattr(region, method)(*args)
    records = proxy.wait_for_records(1)
    assert records[0]['security_token'] == 'token-for-%s' % name, records[0]


def test_swf_takes_the_token_as_session_token():
    spec = SERVICES['swf']
    cls = boto_backend.connection_class(spec)
    passed = credential_keywords(spec, cls, {'security_token': 't',
                                             'aws_access_key_id': 'k'})
    assert passed == {'session_token': 't', 'aws_access_key_id': 'k'}


def test_a_credential_a_class_cannot_take_is_an_error_never_dropped():
    class NoToken(object):
        def __init__(self, aws_access_key_id=None):
            pass

    with pytest.raises(InvalidArgumentError) as raised:
        credential_keywords(SERVICES['swf'], NoToken,
                            {'security_token': 'secret-token'})
    message = str(raised.value)
    assert "'swf'" in message and "'security_token'" in message
    assert 'secret-token' not in message


def assume_other_account(sts_pool):
    return sts_pool.regions.us_east_1.assume_role(
        OTHER_ACCOUNT_ROLE, 'mangrove').credentials


def group_names(region):
    return sorted(g.name for g in region.get_all_security_groups())


def test_new_credentials_reach_proxies_handed_out_before(connect_kwargs,
                                                         proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    sts = services.StsPool(connect=True, regions=['us-east-1'], **kwargs)
    pool = services.Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'],
                            **kwargs)
    held = pool.regions.us_east_1          # handed out before the change
    held.create_security_group('default-account-group', 'x')
    other = assume_other_account(sts)

    pool.update_credentials(other.access_key, other.secret_key,
                            other.session_token)
    proxy.clear()
    assert group_names(held) == ['default']  # the other account's view
    assert held.aws_access_key_id == other.access_key
    results = pool.call('get_all_zones')
    assert results.ok
    assert set(access_key_of(r) for r in proxy.records) == set(
        [other.access_key])
    assert set(r['security_token'] for r in proxy.records) == set(
        [other.session_token])

    pool.update_credentials('testing', 'testing')
    proxy.clear()
    assert group_names(held) == ['default', 'default-account-group']
    assert proxy.records[-1]['security_token'] is None
    # Regions added later and copies through pickle use the new ones too.
    assert access_key_of(proxy.records[-1]) == 'testing'
    copy = pickle.loads(pickle.dumps(pool)).connect()
    assert group_names(copy.regions.us_east_1) == [
        'default', 'default-account-group']


def test_what_boto_sets_on_a_signer_outlives_new_credentials(
        connect_kwargs):
    # boto sets attributes on a connection's auth handler (S3 its region
    # name, for one); a managed connection's signer passes them to the
    # handler it stands for, so the handler made for new credentials (a
    # copy) keeps them.
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'],
                            **connect_kwargs)
    pool.update_credentials('AKIDFIRST', 'first-secret')
    signer = pool.regions.us_east_1.connection._auth_handler
    signer.region_name = 'set-by-boto'
    assert 'region_name' not in vars(signer)
    pool.update_credentials('AKIDSECOND', 'second-secret')
    handler = signer.refresh()
    assert handler._provider.access_key == 'AKIDSECOND'
    assert handler.region_name == 'set-by-boto'


def test_a_mixin_pool_takes_new_credentials_for_every_service(
        connect_kwargs, proxy):
    class Inventory(ServiceMixinPool):
        services = {'ec2': {'regions': ['us-east-1']},
                    'sqs': {'regions': ['us-east-1']}}

    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    sts = services.StsPool(connect=True, regions=['us-east-1'], **kwargs)
    other = assume_other_account(sts)
    pool = Inventory(connect=True, **kwargs)
    pool.update_credentials(other.access_key, other.secret_key,
                            other.session_token)
    proxy.clear()
    assert pool.map(lambda region: 1).ok
    pool.map(lambda region: (region.get_all_zones()
                             if region.pool.service_name == 'ec2'
                             else region.get_all_queues()))
    assert len(proxy.records) == 2
    assert [access_key_of(r) for r in proxy.records] == [other.access_key] * 2
    late = pool.add_service('sns', regions=['us-east-1'])
    proxy.clear()
    late.regions.us_east_1.get_all_topics()
    assert access_key_of(proxy.records[0]) == other.access_key


def test_a_source_is_called_when_credentials_are_about_to_expire(
        connect_kwargs, proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    sts = services.StsPool(connect=True, regions=['us-east-1'], **kwargs)
    calls = []
    soon = time.time() + 120   # inside the five-minute margin

    def source():
        calls.append(time.time())
        if len(calls) == 1:
            return {'aws_access_key_id': 'first-key',
                    'aws_secret_access_key': 'first-secret',
                    'expiry': soon}
        return assume_other_account(sts)   # expires in an hour

    pool = services.Ec2Pool(regions=['us-east-1'], credential_source=source,
                            **kwargs)
    assert len(calls) == 1
    held = pool.connect().regions.us_east_1
    proxy.clear()
    held.get_all_zones()
    # About to expire: asked again before anything was signed with them.
    assert len(calls) == 2
    assert access_key_of(proxy.records[0]).startswith('ASIA')
    assert proxy.records[0]['security_token']
    held.get_all_zones()
    pool.call('get_all_zones')
    # An hour left: not asked again.
    assert len(calls) == 2


@pytest.mark.slow
def test_credentials_change_while_threads_call(connect_kwargs, proxy):
    kwargs = dict(connect_kwargs, proxy_port=proxy.port)
    sts = services.StsPool(connect=True, regions=['us-east-1'], **kwargs)
    other = assume_other_account(sts)
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'], **kwargs)
    sets = [('testing', 'testing', None),
            (other.access_key, other.secret_key, other.session_token)]
    errors = []
    stop = threading.Event()

    def caller():
        while not stop.is_set():
            try:
                pool.regions.us_east_1.get_all_zones()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(20):
            pool.update_credentials(*sets[n % 2])
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    pairs = set((access_key_of(r), r['security_token'])
                for r in proxy.records)
    # Never a key of one set with the token of the other.
    assert pairs <= set([('testing', None),
                         (other.access_key, other.session_token)])


def test_secrets_never_shown(caplog):
    credentials = make_credentials('AKIDSHOWN', 'secret-never-shown',
                                   'token-never-shown',
                                   datetime.datetime(2030, 1, 1))
    assert 'AKIDSHOWN' in repr(credentials)
    for text in (repr(credentials), str(credentials)):
        assert 'never-shown' not in text
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    with caplog.at_level(logging.DEBUG, logger='mangrove'):
        pool.update_credentials('AKIDSHOWN', 'secret-never-shown',
                                'token-never-shown')
    assert 'AKIDSHOWN' in caplog.text
    assert 'never-shown' not in caplog.text + repr(pool) + repr(
        pool.regions.us_east_1)
    with pytest.raises(InvalidArgumentTypeError) as raised:
        pool.update_credentials('AKIDSHOWN', 12345)
    assert '12345' not in str(raised.value)
    assert isinstance(credentials, Credentials)


@pytest.mark.parametrize('call, error', [
    (lambda p: p.update_credentials(), InvalidArgumentTypeError),
    (lambda p: p.update_credentials('key', None), InvalidArgumentTypeError),
    (lambda p: p.update_credentials(credential_source='not callable'),
     InvalidArgumentTypeError),
    (lambda p: p.update_credentials(credential_source=lambda: 42),
     InvalidArgumentTypeError),
    (lambda p: p.update_credentials(credential_source=lambda: {'x': 1}),
     InvalidArgumentError),
    (lambda p: p.update_credentials('k', 's', expiry='tomorrow'),
     InvalidArgumentError),
])
def test_bad_credentials_leave_the_pool_as_it_was(call, error):
    pool = services.Ec2Pool(connect=True, regions=['us-east-1'])
    with pytest.raises(error):
        call(pool)
    assert pool.regions.us_east_1.aws_access_key_id == 'testing'
    assert pool.regions.us_east_1.get_all_zones()
