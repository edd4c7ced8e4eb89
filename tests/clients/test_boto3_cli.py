# -*- coding: utf-8 -*-
"""``mangrove ... --backend boto3``, run as a subprocess against the moto
server (``--endpoint-url``, credentials from the environment), and its
clear refusal on Python older than 3.9."""
from __future__ import absolute_import

import base64
import platform
import sys

import pytest

from clirun import loads, mangrove, one_error_line

NEW_ENOUGH = sys.version_info >= (3, 9)
needs_boto3 = pytest.mark.skipif(
    not NEW_ENOUGH, reason='boto3 pools need Python 3.9+ (checked below)')

ENV = {'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing'}


@pytest.fixture
def server(moto_server):
    if not NEW_ENOUGH:
        pytest.skip('boto3 pools need Python 3.9+')
    pytest.importorskip('boto3')
    return moto_server


def clients(server, service, regions):
    from mangrove.pool.client import client_pool
    return client_pool(service, regions=regions, connect=True,
                       endpoint_url=server.url, aws_access_key_id='testing',
                       aws_secret_access_key='testing')


def boto3_call(server, *args):
    return mangrove('call', *(args + ('--backend', 'boto3', '--endpoint-url',
                                      server.url)), env=ENV)


@pytest.mark.skipif(NEW_ENOUGH, reason='boto3 pools work here')
def test_old_python_is_told_the_extra_needs_python_3_9():
    result = mangrove('services', '--backend', 'boto3')
    assert result.status == 2 and result.out == ''
    line = one_error_line(result)
    assert 'Python 3.9 or newer' in line
    assert platform.python_version() in line


@pytest.mark.slow
@needs_boto3
def test_services_and_regions_come_from_botocore(server):
    import botocore.session
    session = botocore.session.get_session()
    result = mangrove('services', '--backend', 'boto3')
    assert result.status == 0
    assert result.out.split() == sorted(session.get_available_services())
    assert 'elbv2' in result.out.split()

    result = mangrove('regions', 'ec2', '--backend', 'boto3', '--partition',
                      'aws-cn')
    assert result.status == 0
    assert result.out.split() == session.get_available_regions(
        'ec2', 'aws-cn')

    result = mangrove('regions', 'ec3', '--backend', 'boto3')
    assert result.status == 2 and "did you mean 'ec" in one_error_line(result)


@pytest.mark.slow
@needs_boto3
def test_call_prints_plain_json_keyed_by_region(server):
    ec2 = clients(server, 'ec2', ['us-east-1', 'eu-west-1'])
    ec2.regions.eu_west_1.create_security_group(GroupName='cli-web',
                                                Description='web')
    image = ec2.regions.eu_west_1.describe_images()['Images'][0]['ImageId']
    ec2.regions.eu_west_1.run_instances(ImageId=image, MinCount=1,
                                        MaxCount=1)

    result = boto3_call(server, 'ec2', 'describe_security_groups',
                        '--regions', 'us-east-1,eu-west-1', '--json')
    assert result.status == 0, result.err
    data = loads(result.out)
    assert list(data) == ['us-east-1', 'eu-west-1']
    names = dict((region, sorted(g['GroupName'] for g in value[
        'SecurityGroups'])) for region, value in data.items())
    assert names == {'us-east-1': ['default'],
                     'eu-west-1': ['cli-web', 'default']}

    result = boto3_call(server, 'ec2', 'describe_instances', '--regions',
                        'eu-west-1', '--json')
    assert result.status == 0, result.err
    instance = loads(result.out)['eu-west-1']['Reservations'][0][
        'Instances'][0]
    # A datetime, as ISO 8601 text.
    assert instance['LaunchTime'][:4].isdigit() and 'T' in \
        instance['LaunchTime']

    result = boto3_call(server, 'ec2', 'describe_instances', '--regions',
                        'eu-west-1')
    assert result.status == 0 and 'eu-west-1' in result.out


@pytest.mark.slow
@needs_boto3
def test_call_shows_bytes_and_streaming_bodies_as_data(server):
    s3 = clients(server, 's3', ['us-east-1'])
    s3.regions.us_east_1.create_bucket(Bucket='cli-logs')
    s3.regions.us_east_1.put_object(Bucket='cli-logs', Key='a.txt',
                                    Body=b'hello from s3')
    result = boto3_call(server, 's3', 'get_object', 'Bucket=cli-logs',
                        'Key=a.txt', '--regions', 'us-east-1', '--json')
    assert result.status == 0, result.err
    assert loads(result.out)['us-east-1']['Body'] == 'hello from s3'

    kms = clients(server, 'kms', ['us-east-1'])
    key = kms.regions.us_east_1.create_key()['KeyMetadata']['KeyId']
    result = boto3_call(server, 'kms', 'encrypt', 'KeyId=%s' % key,
                        'Plaintext=secret-ish', '--regions', 'us-east-1',
                        '--json')
    assert result.status == 0, result.err
    blob = loads(result.out)['us-east-1']['CiphertextBlob']
    plain = kms.regions.us_east_1.decrypt(
        CiphertextBlob=base64.b64decode(blob))['Plaintext']
    assert plain == b'secret-ish'


@pytest.mark.slow
@needs_boto3
def test_call_follows_every_page_and_refuses_what_boto3_cannot_take(server):
    from test_boto3 import make_tables
    ddb = clients(server, 'dynamodb', ['eu-west-1'])
    make_tables(ddb.regions.eu_west_1, 5)
    result = boto3_call(server, 'dynamodb', 'list_tables', 'Limit=2',
                        '--regions', 'eu-west-1', '--json')
    assert result.status == 0, result.err
    assert loads(result.out)['eu-west-1']['TableNames'] == [
        'table-%02d' % n for n in range(5)]

    result = boto3_call(server, 'dynamodb', 'list_tables', '2')
    assert result.status == 2
    assert 'name=value arguments only' in one_error_line(result)
    result = boto3_call(server, 'dynamodb', 'list_tables', '--max-pages',
                        '1')
    assert result.status == 2 and 'MaxItems' in one_error_line(result)
    result = boto3_call(server, 'dynamodb', 'list_tabels')
    assert result.status == 2 and 'list_tables' in one_error_line(result)


@pytest.mark.slow
@needs_boto3
def test_shell_has_a_client_pool_per_service(server):
    sqs = clients(server, 'sqs', ['us-east-1'])
    sqs.regions.us_east_1.create_queue(QueueName='from-test')
    script = ("print(type(sqs).__name__, repr(sqs.regions.us_east_1))\n"
              "print(sqs.call('list_queues').us_east_1['QueueUrls'])\n")
    result = mangrove('shell', '--backend', 'boto3', '--services',
                      'sqs,elbv2', '--regions', 'us-east-1',
                      '--endpoint-url', server.url, env=ENV, stdin=script)
    assert result.status == 0, result.err
    assert "ClientPool <ClientPool SQS us_east_1>" in result.out
    assert 'from-test' in result.out
    banner = result.out + result.err
    assert "sqs.call('list_queues')" in banner and 'elbv2' in banner
