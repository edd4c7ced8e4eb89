# -*- coding: utf-8 -*-
"""Pools of boto3 clients (mangrove.pool.client), against the moto server.

Every client reaches the server through ``endpoint_url``; moto keeps state
per region from each request's signing region, so what is made in one
region must be invisible in another. On Python older than 3.9 (where boto3
no longer installs) the extra must say so clearly, naming the version.
"""
from __future__ import absolute_import

import os
import pickle
import sys
import threading

import pytest

from mangrove.exceptions import (
    Boto3UnavailableError, MangroveError, UnknownMethodError)
from mangrove.pool import ServiceMixinPool

from bed.clock import manual_clock

NEW_ENOUGH = sys.version_info >= (3, 9)
needs_boto3 = pytest.mark.skipif(
    not NEW_ENOUGH, reason='boto3 pools need Python 3.9+ (checked below)')

SECRET = 'testing-secret-never-shown'


@pytest.fixture
def kw(moto_server):
    """Keywords that send a boto3 pool's requests to the moto server."""
    if not NEW_ENOUGH:
        pytest.skip('boto3 pools need Python 3.9+')
    pytest.importorskip('boto3')
    return {'endpoint_url': moto_server.url, 'aws_access_key_id': 'testing',
            'aws_secret_access_key': SECRET}


def queue_names(client):
    urls = client.list_queues().get('QueueUrls', [])
    return sorted(url.rsplit('/', 1)[1] for url in urls)


def make_tables(client, count):
    for number in range(count):
        client.create_table(
            TableName='table-%02d' % number, BillingMode='PAY_PER_REQUEST',
            KeySchema=[{'AttributeName': 'k', 'KeyType': 'HASH'}],
            AttributeDefinitions=[{'AttributeName': 'k',
                                   'AttributeType': 'S'}])


# -- Python 2.7 and 3.6-3.8 --------------------------------------------------

@pytest.mark.skipif(NEW_ENOUGH, reason='boto3 pools work here')
def test_old_python_gets_a_clear_message_naming_its_version():
    import platform
    from mangrove.pool.client import client_pool
    with pytest.raises(Boto3UnavailableError) as caught:
        client_pool('ec2')
    message = str(caught.value)
    assert 'Python 3.9 or newer' in message
    assert platform.python_version() in message
    assert caught.value.python_version == platform.python_version()
    assert isinstance(caught.value, (MangroveError, ImportError))


# -- the seed README's examples, on boto3 clients ----------------------------

@pytest.mark.slow
@needs_boto3
def test_seed_examples_with_boto3_clients(kw):
    import botocore.session
    from mangrove.pool.client import ClientPool

    class Ec2Pool(ClientPool):
        service = 'ec2'

    class S3Pool(ClientPool):
        service = 's3'

    class SqsPool(ClientPool):
        service = 'sqs'

    ec2_pool = Ec2Pool(connect=True, **kw)  # every region by default
    s3_pool = S3Pool(connect=True, regions=['us-east-1', 'us-west-1'], **kw)
    sqs_pool = SqsPool(connect=True, default_region='us-east-1', **kw)

    # Every region botocore lists for EC2 in the commercial partition.
    expected = botocore.session.get_session().get_available_regions('ec2')
    assert sorted(ec2_pool.regions) == sorted(
        name.replace('-', '_') for name in expected)
    assert ec2_pool.regions['us_west_1'].describe_instances()[
        'Reservations'] == []
    assert ec2_pool.regions['us_east_1'].describe_images()['Images']

    sqs_pool.regions.default.create_queue(QueueName='orders')
    assert queue_names(sqs_pool.regions.default) == ['orders']
    assert queue_names(sqs_pool.regions.eu_west_1) == []

    s3_pool.add_region('us-east-2')
    assert repr(s3_pool.regions['us_east_2']) == '<S3Pool us_east_2>'
    s3_pool.regions['us_east_2'].create_bucket(
        Bucket='logs', CreateBucketConfiguration={
            'LocationConstraint': 'us-east-2'})
    assert [b['Name'] for b in s3_pool.regions.us_east_1.list_buckets()[
        'Buckets']] == ['logs']

    class MySelectivePool(ClientPool):
        service = {'s3': {'regions': ['us-east-1', 'eu-west-1'],
                          'default_region': 'eu-west-1'}}

    p = MySelectivePool(connect=True, **kw)
    assert list(p.regions) == ['us_east_1', 'eu_west_1']
    assert p.regions.default is p.regions['eu-west-1']
    p.add_region('ap-southeast-1')
    assert repr(p.regions['ap_southeast_1']) == \
        '<MySelectivePool ap_southeast_1>'


@needs_boto3
def test_each_region_is_its_own_region_on_the_server(kw):
    from mangrove.pool.client import client_pool
    sqs = client_pool('sqs', regions=['us-east-1', 'eu-west-1', 'ap-south-1'],
                      connect=True, **kw)
    sqs.regions.eu_west_1.create_queue(QueueName='only-here')
    results = sqs.map(queue_names)
    assert results.ok
    assert dict(results) == {'us_east_1': [], 'eu_west_1': ['only-here'],
                             'ap_south_1': []}
    assert sqs.regions.eu_west_1.meta.region_name == 'eu-west-1'


@needs_boto3
def test_call_results_keyed_as_for_boto_2(kw):
    from mangrove.pool.client import client_pool
    ec2 = client_pool('ec2', regions=['us-east-1', 'eu-west-1'],
                      connect=True, **kw)
    ec2.regions['us-east-1'].create_security_group(GroupName='web',
                                                   Description='web')
    results = ec2.call('describe_security_groups',
                       regions=['us_east_1', 'eu-west-1'])
    names = dict((key, sorted(g['GroupName'] for g in value[
        'SecurityGroups'])) for key, value in results.items())
    assert names == {'us_east_1': ['default', 'web'],
                     'eu_west_1': ['default']}
    assert results['us-east-1'] is results.us_east_1


# -- paginate ----------------------------------------------------------------

@pytest.mark.slow
@needs_boto3
def test_paginate_merges_every_page_of_every_region(kw):
    from mangrove.pool.client import client_pool
    ddb = client_pool('dynamodb', regions=['us-east-1', 'eu-west-1'],
                      connect=True, **kw)
    make_tables(ddb.regions.us_east_1, 5)
    make_tables(ddb.regions.eu_west_1, 3)
    calls = dict((key, []) for key in ddb.regions)
    for key, region in ddb.regions.items():
        region.meta.events.register(
            'after-call.dynamodb.ListTables',
            lambda key=key, **_: calls[key].append(1))

    merged = ddb.paginate('list_tables', Limit=2)
    assert merged.ok
    assert merged.us_east_1['TableNames'] == [
        'table-%02d' % n for n in range(5)]
    assert merged.eu_west_1['TableNames'] == [
        'table-%02d' % n for n in range(3)]
    assert 'LastEvaluatedTableName' not in merged.us_east_1
    assert len(calls['us_east_1']) == 3 and len(calls['eu_west_1']) == 2

    found = ddb.paginate('list_tables', Limit=2, search='TableNames[]',
                         regions=['us-east-1'])
    assert list(found) == ['us_east_1']
    assert found.us_east_1 == ['table-%02d' % n for n in range(5)]

    first = ddb.paginate('list_tables', PaginationConfig={
        'MaxItems': 3, 'PageSize': 2})
    assert first.us_east_1['TableNames'] == ['table-00', 'table-01',
                                             'table-02']
    assert first.us_east_1['NextToken']


@needs_boto3
def test_paginate_refuses_what_boto3_cannot_do(kw):
    from mangrove.pool.client import client_pool
    from mangrove.exceptions import InvalidArgumentError
    ddb = client_pool('dynamodb', regions=['us-east-1'], connect=True, **kw)
    with pytest.raises(InvalidArgumentError) as caught:
        ddb.paginate('list_tables', search='TableNames[')
    assert 'TableNames[' in str(caught.value)
    results = ddb.paginate('list_tables', max_pages=2)
    assert 'MaxItems' in str(results.errors['us_east_1'])
    # An operation that does not page is called once, and searched.
    make_tables(ddb.regions.us_east_1, 1)
    single = ddb.paginate('describe_table', TableName='table-00',
                          search='Table.TableName')
    assert single.us_east_1 == 'table-00'


# -- keywords as boto3's -----------------------------------------------------

@pytest.mark.slow
@needs_boto3
def test_boto3_keywords_reach_the_clients(kw, tmpdir, monkeypatch):
    import boto3
    from botocore.config import Config
    from mangrove.pool.client import client_pool

    config = Config(retries={'max_attempts': 2}, connect_timeout=7)
    sts = client_pool('sts', regions=['us-east-1'], connect=True,
                      aws_session_token='token-never-shown', config=config,
                      **kw)
    client = sts.regions.us_east_1.connection
    assert client.meta.config.connect_timeout == 7
    assert client._request_signer._credentials.token == 'token-never-shown'
    assert sts.regions.us_east_1.get_caller_identity()['Account']

    session = boto3.Session(aws_access_key_id='from-session',
                            aws_secret_access_key=SECRET)
    own = client_pool('sqs', regions=['eu-west-1'], connect=True,
                      session=session, endpoint_url=kw['endpoint_url'])
    assert own.regions.eu_west_1._request_signer._credentials.access_key == \
        'from-session'
    assert own.regions.eu_west_1.list_queues()['ResponseMetadata']

    credentials = tmpdir.join('credentials')
    credentials.write('[ops]\naws_access_key_id = from-profile\n'
                      'aws_secret_access_key = %s\n' % SECRET)
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', str(credentials))
    monkeypatch.setenv('AWS_CONFIG_FILE', str(tmpdir.join('none')))
    profiled = client_pool('sqs', regions=['eu-west-1'], connect=True,
                           profile_name='ops',
                           endpoint_url=kw['endpoint_url'])
    assert profiled.regions.eu_west_1._request_signer._credentials \
        .access_key == 'from-profile'


@needs_boto3
def test_bad_input_is_refused_before_anything_is_built(kw):
    import boto3
    from mangrove.pool.client import client_pool
    from mangrove.exceptions import (
        InvalidArgumentError, InvalidArgumentTypeError, InvalidServiceError,
        UnknownRegionError)
    with pytest.raises(InvalidServiceError) as caught:
        client_pool('ec3')
    assert 'ec2' in caught.value.suggestions
    with pytest.raises(InvalidArgumentError) as caught:
        client_pool('ec2', is_secure=False)
    assert 'use_ssl' in str(caught.value)
    with pytest.raises(InvalidArgumentError) as caught:
        client_pool('ec2', retries=3)
    assert 'retries' in str(caught.value) and 'config' in caught.value.valid
    with pytest.raises(InvalidArgumentError):
        client_pool('ec2', session=boto3.Session(), profile_name='ops')
    with pytest.raises(InvalidArgumentTypeError):
        client_pool('ec2', session='default')
    # Once taken, then failing in every region with an AttributeError.
    with pytest.raises(InvalidArgumentTypeError) as caught:
        client_pool('ec2', config='x', connect=True, regions=['us-east-1'])
    assert "config must be a botocore.config.Config, not str 'x'" in \
        str(caught.value)
    with pytest.raises(UnknownRegionError) as caught:
        client_pool('ec2', regions=['us-east-7'])
    assert 'us-east-1' in caught.value.suggestions
    with pytest.raises(InvalidArgumentTypeError) as caught:
        client_pool('ec2', aws_secret_access_key=42)
    assert '42' not in str(caught.value)


# -- regions, partitions, global endpoints -----------------------------------

@needs_boto3
def test_partitions_and_global_endpoints_follow_botocore(kw):
    import botocore.session
    from mangrove.pool.client import client_pool
    session = botocore.session.get_session()
    china = client_pool('ec2', partition='aws-cn')
    assert sorted(china.regions) == sorted(
        r.replace('-', '_')
        for r in session.get_available_regions('ec2', 'aws-cn'))
    everywhere = client_pool('ec2', partition='all')
    assert 'cn_north_1' in everywhere.regions
    assert 'us_gov_west_1' in everywhere.regions

    iam = client_pool('iam', partition='all', connect=True, **kw)
    assert list(iam.regions) == ['aws_global', 'aws_cn_global',
                                 'aws_us_gov_global']
    # Any region of its partition names the one endpoint.
    assert iam.regions['us-east-1'] is iam.regions.aws_global
    assert iam.regions['universal'] is iam.regions.aws_global
    iam.regions.aws_global.create_user(UserName='alice')
    assert [u['UserName'] for u in iam.regions['eu-west-1'].list_users()[
        'Users']] == ['alice']
    # Any service boto3 knows, not a fixed list.
    assert 'us_east_1' in client_pool('bedrock-runtime').regions


# -- lazy, concurrent clients ------------------------------------------------

@needs_boto3
def test_clients_are_built_lazily_inside_the_fan_out(kw):
    from mangrove.pool.client import ClientPool

    built_in = {}

    class Recording(ClientPool):
        service = 'sqs'

        def _connect_module_to_region(self, region_name):
            built_in[region_name] = threading.current_thread().name
            return super(Recording, self)._connect_module_to_region(
                region_name)

    pool = Recording(connect=True, regions=['us-east-1', 'eu-west-1',
                                            'ap-south-1'], **kw)
    assert [p.state for p in pool.regions.values()] == ['closed'] * 3
    with pytest.raises(UnknownMethodError) as caught:
        pool.call('list_queue')
    assert caught.value.suggestions[0] == 'list_queues'
    assert pool.call('list_queues').ok
    assert sorted(built_in) == ['ap-south-1', 'eu-west-1', 'us-east-1']
    me = threading.current_thread().name
    assert all(name != me for name in built_in.values())
    assert [p.state for p in pool.regions.values()] == ['built'] * 3
    # One class for every client of the service.
    classes = set(type(p.connection) for p in pool.regions.values())
    assert len(classes) == 1

    # close() closes each client's sockets (botocore's own close()).
    used = pool.region_proxy('us-east-1').connection
    assert used._endpoint.http_session._manager.pools
    pool.close()
    assert not used._endpoint.http_session._manager.pools
    built_in.clear()
    pool.connect()
    assert [p.state for p in pool.regions.values()] == ['built'] * 3
    assert all(name != me for name in built_in.values())


@needs_boto3
def test_connect_that_fails_leaves_the_pool_as_it_was(kw):
    from mangrove.pool.client import ClientPool

    class Failing(ClientPool):
        service = 'sqs'

        def _connect_module_to_region(self, region_name):
            if region_name == 'eu-west-1':
                raise ValueError('no client for %s' % region_name)
            return super(Failing, self)._connect_module_to_region(
                region_name)

    pool = Failing(regions=['us-east-1', 'eu-west-1'], **kw)
    with pytest.raises(ValueError):
        pool.connect()
    assert not pool.connected
    assert [pool.region_proxy(key).state for key in pool.regions] == \
        ['closed'] * 2


@needs_boto3
def test_first_uses_from_many_threads_build_one_client_per_region(kw):
    from mangrove.pool.client import client_pool
    pool = client_pool('sqs', regions=['us-east-1', 'eu-west-1'],
                       connect=True, **kw)
    seen = []
    barrier = threading.Barrier(8)

    def use():
        barrier.wait(10)
        seen.append((pool.regions.us_east_1.connection,
                     pool.regions.eu_west_1.connection))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(seen) == 8
    assert len(set(id(pair[0]) for pair in seen)) == 1
    assert len(set(id(pair[1]) for pair in seen)) == 1


# -- credentials, secrets ----------------------------------------------------

@needs_boto3
def test_new_credentials_reach_every_client_in_place(kw):
    from mangrove.pool.client import client_pool
    pool = client_pool('sts', regions=['us-east-1', 'eu-west-1'],
                       connect=True, **kw)
    held = pool.regions.us_east_1
    held.get_caller_identity()
    pool.update_credentials('AKIDNEW', 'new-' + SECRET,
                            security_token='new-token')
    signer = held._request_signer._credentials
    frozen = signer.get_frozen_credentials()
    assert (frozen.access_key, frozen.token) == ('AKIDNEW', 'new-token')
    assert pool.call('get_caller_identity').ok
    asked = []

    def source():
        asked.append(1)
        return {'aws_access_key_id': 'AKIDSOURCE',
                'aws_secret_access_key': SECRET}

    fresh = client_pool('sts', regions=['us-east-1'], connect=True,
                        credential_source=source,
                        endpoint_url=kw['endpoint_url'])
    assert fresh.regions.us_east_1._request_signer._credentials \
        .access_key == 'AKIDSOURCE'
    assert asked


@needs_boto3
def test_secrets_never_shown(kw, caplog):
    import logging
    from mangrove.pool.client import client_pool
    caplog.set_level(logging.DEBUG, logger='mangrove')
    pool = client_pool('sts', regions=['us-east-1'], connect=True,
                       aws_session_token='token-' + SECRET, **kw)
    pool.update_credentials('AKID2', SECRET, security_token='tok-' + SECRET)
    pool.call('get_caller_identity')
    shown = [repr(pool), str(pool), repr(pool.regions),
             repr(pool.regions.us_east_1),
             repr(pool.regions.us_east_1._request_signer._credentials),
             caplog.text]
    assert not [text for text in shown if SECRET in text]


# -- pickle and fork ---------------------------------------------------------

@needs_boto3
def test_pools_and_regions_pickle(kw):
    import boto3
    from mangrove.pool.client import client_pool
    pool = client_pool('sqs', regions=['us-east-1', 'eu-west-1'],
                       default_region='eu-west-1', connect=True, **kw)
    pool.regions.eu_west_1.create_queue(QueueName='jobs')
    copy = pickle.loads(pickle.dumps(pool))
    assert repr(copy) == repr(pool) and copy.connected
    assert queue_names(copy.regions.default) == ['jobs']
    assert copy.regions.default.connection is not \
        pool.regions.default.connection
    region = pickle.loads(pickle.dumps(pool.regions.eu_west_1))
    assert queue_names(region) == ['jobs']

    session = boto3.Session(aws_access_key_id='from-session',
                            aws_secret_access_key=SECRET)
    own = client_pool('sqs', regions=['eu-west-1'], connect=True,
                      session=session, endpoint_url=kw['endpoint_url'])
    again = pickle.loads(pickle.dumps(own))
    assert again.regions.eu_west_1._request_signer._credentials \
        .access_key == 'from-session'
    assert queue_names(again.regions.eu_west_1) == ['jobs']


@needs_boto3
@pytest.mark.skipif(not hasattr(os, 'fork'), reason='no fork here')
def test_a_forked_child_builds_clients_of_its_own(kw):
    from mangrove.pool.client import client_pool
    pool = client_pool('sqs', regions=['us-east-1', 'eu-west-1'],
                       connect=True, **kw)
    pool.regions.us_east_1.create_queue(QueueName='parent')
    parent_client = id(pool.regions.us_east_1.connection)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            state = pool.regions.us_east_1.state
            results = pool.map(queue_names)
            same = id(pool.regions.us_east_1.connection) == parent_client
            report = '%s %s %s %s' % (state, results.ok, same,
                                      results.us_east_1)
        except BaseException as exc:
            report = 'error %r' % (exc,)
        os.write(write, report.encode('utf-8'))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as reader:
        report = reader.read()
    os.waitpid(pid, 0)
    assert report == "inherited True False ['parent']"
    # The parent's client goes on working.
    assert queue_names(pool.regions.us_east_1) == ['parent']


# -- mixed multi-service pools -----------------------------------------------

class MigratingPool(ServiceMixinPool):
    # EC2 moved to boto3 already, SQS not yet.
    services = {
        'ec2': {'regions': ['us-east-1', 'eu-west-1'],
                'default_region': 'eu-west-1', 'backend': 'boto3'},
        'sqs': {'regions': ['us-east-1', 'eu-west-1']},
    }


@needs_boto3
def test_a_mixin_pool_mixes_boto3_and_classic_services(kw):
    import boto.sqs.connection
    pool = MigratingPool(connect=True, **kw)
    assert repr(pool.ec2) == '<ClientPool EC2>'
    assert repr(pool.sqs) == '<ServicePool SQS>'
    assert isinstance(pool.sqs.regions.us_east_1.connection,
                      boto.sqs.connection.SQSConnection)
    pool.ec2.regions.default.create_security_group(GroupName='web',
                                                   Description='web')
    pool.sqs.regions.us_east_1.create_queue('jobs')

    both = pool.map(lambda region: region.region_name)
    assert sorted(both) == [('ec2', 'eu_west_1'), ('ec2', 'us_east_1'),
                            ('sqs', 'eu_west_1'), ('sqs', 'us_east_1')]
    groups = pool.call('describe_security_groups')
    assert sorted(groups) == [('ec2', 'eu_west_1'), ('ec2', 'us_east_1')]
    assert sorted(g['GroupName'] for g in groups[
        ('ec2', 'eu-west-1')]['SecurityGroups']) == ['default', 'web']
    queues = pool.call('get_all_queues')
    assert [q.name for q in queues[('sqs', 'us_east_1')]] == ['jobs']
    assert queues[('sqs', 'eu_west_1')] == []
    group = pool.regions['us-east-1']
    assert group.ec2.describe_security_groups()['SecurityGroups']
    assert [q.name for q in group.sqs.get_all_queues()] == ['jobs']

    # Pickled whole, each service keeps its backend.
    again = pickle.loads(pickle.dumps(pool))
    assert repr(again.ec2) == '<ClientPool EC2>'
    assert again.call('get_all_queues')[('sqs', 'us_east_1')][0].name == \
        'jobs'


@pytest.mark.slow
@needs_boto3
def test_a_mixin_pool_of_boto3_clients_by_default(kw):
    from mangrove.exceptions import InvalidDeclarationError

    class Clients(ServiceMixinPool):
        backend = 'boto3'
        services = {'dynamodb': {}, 'elbv2': {}, 'sqs': {'backend': 'boto'}}

    pool = Clients(connect=True, regions=['us-east-1', 'eu-west-1'], **kw)
    assert [repr(p) for p in pool.services.values()] == [
        '<ClientPool DynamoDB>', '<ClientPool Elastic Load Balancing v2>',
        '<ServicePool SQS>']
    make_tables(pool.dynamodb.regions.eu_west_1, 3)
    pages = pool.paginate('list_tables', Limit=2, services=['dynamodb'],
                          search='TableNames[]')
    assert dict(pages) == {('dynamodb', 'us_east_1'): [],
                           ('dynamodb', 'eu_west_1'): [
                               'table-00', 'table-01', 'table-02']}
    eks = pool.add_service('eks')
    assert repr(eks) == '<ClientPool EKS>' and eks.connected
    assert pool.call('list_clusters', services=['eks']).ok

    class Wrong(ServiceMixinPool):
        services = {'ec2': {'backend': 'boto4'}}

    with pytest.raises(InvalidDeclarationError) as caught:
        Wrong()
    assert 'boto3' in caught.value.valid


# -- enabled regions, regions not enabled, timeouts ---------------------------

@pytest.mark.slow
@needs_boto3
def test_enabled_regions_and_regions_not_enabled(kw, moto_server):
    from botocore.config import Config
    from bed.proxy import LoopbackProxy
    from mangrove.pool.client import client_pool
    from mangrove.exceptions import (
        FanOutTimeoutError, RegionNotEnabledError)
    enabled = client_pool('ec2', regions='enabled', **kw)
    assert 'us_east_1' in enabled.regions and len(enabled.regions) > 16

    with LoopbackProxy(moto_server.port, faults={
            'af-south-1': 'not-enabled', 'eu-west-1': 'stall'}) as proxy:
        config = Config(retries={'max_attempts': 1}, proxies={
            'http': 'http://127.0.0.1:%d' % proxy.port})
        sqs = client_pool('sqs', regions=['us-east-1', 'af-south-1',
                                          'eu-west-1'], connect=True,
                          use_ssl=False, config=config,
                          aws_access_key_id='testing',
                          aws_secret_access_key=SECRET)
        answered = []

        def report(key, result, error):
            answered.append(key)
            if len(answered) == 2:
                # us-east-1 answered and af-south-1 refused: time passes
                # the timeout only now, however long they took.
                clock.advance(2)
        try:
            with manual_clock() as clock:
                results = sqs.call('list_queues', timeout=2,
                                   on_result=report)
        finally:
            proxy.release()
    assert list(results) == ['us_east_1']
    assert isinstance(results.errors['af_south_1'], RegionNotEnabledError)
    assert results.errors['af_south_1'].error_code == \
        'UnrecognizedClientException'
    assert isinstance(results.errors['eu_west_1'], FanOutTimeoutError)
    # Requests went through the proxy under AWS's own host names.
    assert set(r['region'] for r in proxy.records) >= set(
        ['us-east-1', 'af-south-1', 'eu-west-1'])
