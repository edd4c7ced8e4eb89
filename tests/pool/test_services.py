# -*- coding: utf-8 -*-
"""The helper classes of mangrove.services, each against the moto server.

Every helper exists for every boto 2.49 module that defines
``connect_to_region``, under the short names users know; each service moto
serves is used for real through its helper: something is created in one
region and read back there, and (for a regional service) another region of
the same pool does not see it. The explicit-keyword path runs in a clean
interpreter with no boto config at all.

boto is imported inside the tests: tests/conftest.py must point boto at the
moto server before boto is first imported.
"""
from __future__ import absolute_import

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from bed.children import child_pythonpath

# The 45 boto 2.49 modules that define connect_to_region, by the name users
# know them under and the helper class mangrove.services has for them.
HELPERS = [
    ('autoscale', 'boto.ec2.autoscale', 'AutoScalePool'),
    ('awslambda', 'boto.awslambda', 'LambdaPool'),
    ('beanstalk', 'boto.beanstalk', 'BeanstalkPool'),
    ('cloudformation', 'boto.cloudformation', 'CloudFormationPool'),
    ('cloudhsm', 'boto.cloudhsm', 'CloudHsmPool'),
    ('cloudsearch', 'boto.cloudsearch', 'CloudSearchPool'),
    ('cloudsearch2', 'boto.cloudsearch2', 'CloudSearch2Pool'),
    ('cloudsearchdomain', 'boto.cloudsearchdomain', 'CloudSearchDomainPool'),
    ('cloudtrail', 'boto.cloudtrail', 'CloudTrailPool'),
    ('cloudwatch', 'boto.ec2.cloudwatch', 'CloudWatchPool'),
    ('codedeploy', 'boto.codedeploy', 'CodeDeployPool'),
    ('cognito_identity', 'boto.cognito.identity', 'CognitoIdentityPool'),
    ('cognito_sync', 'boto.cognito.sync', 'CognitoSyncPool'),
    ('configservice', 'boto.configservice', 'ConfigServicePool'),
    ('datapipeline', 'boto.datapipeline', 'DataPipelinePool'),
    ('directconnect', 'boto.directconnect', 'DirectConnectPool'),
    ('dynamodb', 'boto.dynamodb', 'DynamoDbPool'),
    ('dynamodb2', 'boto.dynamodb2', 'DynamoDb2Pool'),
    ('ec2', 'boto.ec2', 'Ec2Pool'),
    ('ecs', 'boto.ec2containerservice', 'EcsPool'),
    ('elasticache', 'boto.elasticache', 'ElastiCachePool'),
    ('elastictranscoder', 'boto.elastictranscoder', 'ElasticTranscoderPool'),
    ('elb', 'boto.ec2.elb', 'ElbPool'),
    ('emr', 'boto.emr', 'EmrPool'),
    ('glacier', 'boto.glacier', 'GlacierPool'),
    ('iam', 'boto.iam', 'IamPool'),
    ('kinesis', 'boto.kinesis', 'KinesisPool'),
    ('kms', 'boto.kms', 'KmsPool'),
    ('logs', 'boto.logs', 'LogsPool'),
    ('machinelearning', 'boto.machinelearning', 'MachineLearningPool'),
    ('opsworks', 'boto.opsworks', 'OpsWorksPool'),
    ('rds', 'boto.rds', 'RdsPool'),
    ('rds2', 'boto.rds2', 'Rds2Pool'),
    ('redshift', 'boto.redshift', 'RedshiftPool'),
    ('route53', 'boto.route53', 'Route53Pool'),
    ('route53domains', 'boto.route53.domains', 'Route53DomainsPool'),
    ('s3', 'boto.s3', 'S3Pool'),
    ('sdb', 'boto.sdb', 'SdbPool'),
    ('ses', 'boto.ses', 'SesPool'),
    ('sns', 'boto.sns', 'SnsPool'),
    ('sqs', 'boto.sqs', 'SqsPool'),
    ('sts', 'boto.sts', 'StsPool'),
    ('support', 'boto.support', 'SupportPool'),
    ('swf', 'boto.swf', 'SwfPool'),
    ('vpc', 'boto.vpc', 'VpcPool'),
]


def helper(class_name):
    import mangrove.services
    return getattr(mangrove.services, class_name)


# -- the helper classes ------------------------------------------------------

def test_there_is_a_helper_for_each_of_the_45_boto_modules():
    import mangrove.services
    from mangrove.registry import SERVICES

    assert len(HELPERS) == 45
    assert sorted(spec.module for spec in SERVICES.values()) == \
        sorted(module for _, module, _ in HELPERS)
    assert sorted(mangrove.services.__all__) == \
        sorted(class_name for _, _, class_name in HELPERS)


@pytest.mark.parametrize('name,module,class_name', HELPERS,
                         ids=[row[0] for row in HELPERS])
def test_helper_class_serves_its_boto_module(name, module, class_name):
    import importlib
    from mangrove.pool import ServicePool
    from mangrove.registry import get_service

    cls = helper(class_name)

    assert issubclass(cls, ServicePool)
    assert cls.__name__ == class_name
    assert cls.__module__ == 'mangrove.services'
    assert cls.service == name
    assert get_service(cls.service).module == module
    assert module in cls.__doc__
    boto_module = importlib.import_module(module)
    assert callable(boto_module.connect_to_region)


@pytest.mark.parametrize('name,module,class_name', HELPERS,
                         ids=[row[0] for row in HELPERS])
def test_helper_builds_over_every_region_and_connects_with_its_module(
        name, module, class_name):
    import importlib

    # boto cannot connect CloudSearchDomain without its domain's host.
    kwargs = ({'host': 'search-mangrove.us-east-1.cloudsearch.amazonaws.com'}
              if name == 'cloudsearchdomain' else {})
    pool = helper(class_name)(**kwargs)

    assert pool.service_name == name
    assert len(pool.regions) >= 1
    boto_names = set(info.name for info in
                     importlib.import_module(module).regions())
    # By default, the commercial partition's; a global service's names all
    # stand for its one endpoint there.
    for boto_name in boto_names:
        commercial = not boto_name.startswith(('cn-', 'us-gov-'))
        assert (boto_name in pool.regions) == commercial, boto_name
    key = 'us_east_1' if 'us_east_1' in list(pool.regions) else \
        list(pool.regions)[0]
    pool.connect()
    connection = pool.regions[key].connection
    assert type(connection).__module__.startswith(module + '.') or \
        type(connection).__module__ == module
    assert repr(pool.regions[key]) == '<%s %s>' % (class_name, key)


@pytest.mark.parametrize('short,module,connection_class', [
    ('elb', 'boto.ec2.elb', 'ELBConnection'),
    ('autoscale', 'boto.ec2.autoscale', 'AutoScaleConnection'),
    ('cloudwatch', 'boto.ec2.cloudwatch', 'CloudWatchConnection'),
    ('ecs', 'boto.ec2containerservice',
     'layer1.EC2ContainerServiceConnection'),
    ('cognito_identity', 'boto.cognito.identity',
     'layer1.CognitoIdentityConnection'),
    ('route53domains', 'boto.route53.domains',
     'layer1.Route53DomainsConnection'),
])
def test_short_names_map_to_the_right_boto_module(short, module,
                                                  connection_class):
    import importlib
    from mangrove.pool import ServicePool
    from mangrove.registry import get_service

    assert get_service(short).module == module

    class ShortNamePool(ServicePool):
        service = short

    pool = ShortNamePool(connect=True, regions=['us-east-1'])
    submodule, _, class_name = connection_class.rpartition('.')
    expected = getattr(importlib.import_module(
        '.'.join([module] + ([submodule] if submodule else []))), class_name)
    assert isinstance(pool.regions.us_east_1.connection, expected)
    assert pool.service_name == short


@pytest.mark.parametrize('alias,name', [
    ('elasticloadbalancing', 'elb'), ('autoscaling', 'autoscale'),
    ('monitoring', 'cloudwatch'), ('lambda', 'awslambda'),
    ('cognito-identity', 'cognito_identity'), ('EC2', 'ec2'),
])
def test_aliases_resolve_to_the_canonical_service(alias, name):
    from mangrove.pool import ServicePool

    class AliasPool(ServicePool):
        service = alias

    assert AliasPool(regions=['us-east-1']).service_name == name


def test_importing_mangrove_services_does_not_import_boto():
    code = ('import sys\n'
            'import mangrove.services\n'
            'loaded = sorted(m for m in sys.modules\n'
            '                if m == "boto" or m.startswith("boto."))\n'
            'print(len(mangrove.services.__all__))\n'
            'print(",".join(loaded))\n')
    env = dict(os.environ, PYTHONPATH=child_pythonpath())
    workdir = tempfile.mkdtemp(prefix='mangrove-import-')
    try:
        output = subprocess.check_output([sys.executable, '-c', code],
                                         env=env, cwd=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    count, loaded = output.decode('ascii').splitlines()[-2:]
    assert count == '45'
    assert loaded == ''


# -- each helper against the server -----------------------------------------

E, W = 'us_east_1', 'eu_west_1'


def an_image_id(region):
    return sorted(image.id for image in region.get_all_images())[0]


def ec2_case(pool):
    here, there = pool.regions[E], pool.regions[W]
    reservation = here.run_instances(an_image_id(here))
    launched = [i.id for i in reservation.instances]
    seen = lambda r: [i.id for res in r.get_all_instances()  # noqa: E731
                      for i in res.instances]
    return seen(here) == launched, seen(there)


def s3_case(pool):
    # Bucket names are global; each region's endpoint checks the location.
    bucket = pool.regions[W].create_bucket('mangrove-svc',
                                           location='eu-west-1')
    names = [b.name for b in pool.regions[E].get_all_buckets()]
    return (bucket.get_location() == 'eu-west-1' and
            names == ['mangrove-svc']), []


def sqs_case(pool):
    pool.regions[E].create_queue('svc-queue')
    names = lambda r: [q.name for q in r.get_all_queues()]  # noqa: E731
    return names(pool.regions[E]) == ['svc-queue'], names(pool.regions[W])


def sns_case(pool):
    pool.regions[E].create_topic('svc-topic')
    arns = lambda r: [t['TopicArn'] for t in r.get_all_topics()[  # noqa: E731
        'ListTopicsResponse']['ListTopicsResult']['Topics']]
    return (arns(pool.regions[E]) ==
            ['arn:aws:sns:us-east-1:123456789012:svc-topic'],
            arns(pool.regions[W]))


def rds_case(pool):
    pool.regions[E].create_dbinstance('svc-db', 10, 'db.m1.small', 'root',
                                      'hunter2xx', engine='mysql')
    ids = lambda r: [d.id for d in r.get_all_dbinstances()]  # noqa: E731
    return ids(pool.regions[E]) == ['svc-db'], ids(pool.regions[W])


def elb_case(pool):
    pool.regions[E].create_load_balancer('svc-lb', ['us-east-1a'],
                                         [(80, 8080, 'http')])
    names = lambda r: [b.name for b in  # noqa: E731
                       r.get_all_load_balancers()]
    return names(pool.regions[E]) == ['svc-lb'], names(pool.regions[W])


def autoscale_case(pool):
    from boto.ec2.autoscale import LaunchConfiguration
    pool.regions[E].create_launch_configuration(LaunchConfiguration(
        name='svc-lc', image_id='ami-12345678', instance_type='t2.micro'))
    names = lambda r: [c.name for c in  # noqa: E731
                       r.get_all_launch_configurations()]
    return names(pool.regions[E]) == ['svc-lc'], names(pool.regions[W])


def cloudwatch_case(pool):
    pool.regions[E].put_metric_data('Mangrove', 'svc-metric', 1.0)
    names = lambda r: [m.name for m in r.list_metrics(  # noqa: E731
        namespace='Mangrove')]
    return names(pool.regions[E]) == ['svc-metric'], names(pool.regions[W])


def iam_case(pool):
    # IAM is global: its names all reach the one endpoint.
    pool.regions['universal'].create_user('svc-user')
    names = lambda r: [u['user_name'] for u in r.get_all_users()[  # noqa: E731
        'list_users_response']['list_users_result']['users']]
    return (names(pool.regions['universal']) == ['svc-user'] and
            names(pool.regions[E]) == ['svc-user'], [])


def sts_case(pool):
    arns = [pool.regions[key].assume_role(
        'arn:aws:iam::123456789012:role/svc-role', 'svc').user.arn
        for key in (E, W)]
    expected = 'arn:aws:sts::123456789012:assumed-role/svc-role/svc'
    return arns == [expected] * 2, []


def cloudformation_case(pool):
    pool.regions[E].create_stack('svc-stack', template_body=json.dumps(
        {'Resources': {'Topic': {'Type': 'AWS::SNS::Topic'}}}))
    names = lambda r: [s.stack_name for s in r.describe_stacks()]  # noqa: E731
    return names(pool.regions[E]) == ['svc-stack'], names(pool.regions[W])


def kinesis_case(pool):
    pool.regions[E].create_stream('svc-stream', 1)
    names = lambda r: r.list_streams()['StreamNames']  # noqa: E731
    return names(pool.regions[E]) == ['svc-stream'], names(pool.regions[W])


def dynamodb2_case(pool):
    pool.regions[E].create_table(
        [{'AttributeName': 'k', 'AttributeType': 'S'}], 'svc-table',
        [{'AttributeName': 'k', 'KeyType': 'HASH'}],
        {'ReadCapacityUnits': 1, 'WriteCapacityUnits': 1})
    names = lambda r: r.list_tables()['TableNames']  # noqa: E731
    return names(pool.regions[E]) == ['svc-table'], names(pool.regions[W])


def route53_case(pool):
    pool.regions['universal'].create_hosted_zone('mangrove.example.')
    names = lambda r: [z['Name'] for z in  # noqa: E731
                       r.get_all_hosted_zones()[
                           'ListHostedZonesResponse']['HostedZones']]
    return names(pool.regions['universal']) == ['mangrove.example.'], []


def vpc_case(pool):
    vpc = pool.regions[E].create_vpc('10.42.0.0/16')
    ids = lambda r: [v.id for v in r.get_all_vpcs()]  # noqa: E731
    return vpc.id in ids(pool.regions[E]), \
        [v for v in ids(pool.regions[W]) if v == vpc.id]


def kms_case(pool):
    key_id = pool.regions[E].create_key()['KeyMetadata']['KeyId']
    ids = lambda r: [k['KeyId'] for k in r.list_keys()['Keys']]  # noqa: E731
    return ids(pool.regions[E]) == [key_id], ids(pool.regions[W])


def logs_case(pool):
    pool.regions[E].create_log_group('svc-group')
    names = lambda r: [g['logGroupName'] for g in  # noqa: E731
                       r.describe_log_groups()['logGroups']]
    return names(pool.regions[E]) == ['svc-group'], names(pool.regions[W])


def swf_case(pool):
    pool.regions[E].register_domain('svc-domain', '1')
    names = lambda r: [d['name'] for d in r.list_domains(  # noqa: E731
        'REGISTERED')['domainInfos']]
    return names(pool.regions[E]) == ['svc-domain'], names(pool.regions[W])


def redshift_case(pool):
    pool.regions[E].create_cluster('svc-cluster', 'ds2.xlarge', 'root',
                                   'Hunter2xxx')
    names = lambda r: [c['ClusterIdentifier'] for c in  # noqa: E731
                       r.describe_clusters()['DescribeClustersResponse'][
                           'DescribeClustersResult']['Clusters']]
    return names(pool.regions[E]) == ['svc-cluster'], names(pool.regions[W])


def glacier_case(pool):
    pool.regions[E].create_vault('svc-vault')
    names = lambda r: [v.name for v in r.list_vaults()]  # noqa: E731
    return names(pool.regions[E]) == ['svc-vault'], names(pool.regions[W])


def datapipeline_case(pool):
    pool.regions[E].create_pipeline('svc-pipeline', 'svc-uid')
    names = lambda r: [p['name'] for p in  # noqa: E731
                       r.list_pipelines()['pipelineIdList']]
    return names(pool.regions[E]) == ['svc-pipeline'], names(pool.regions[W])


def ecs_case(pool):
    pool.regions[E].create_cluster('svc-ecs')
    arns = lambda r: r.list_clusters()['clusterArns']  # noqa: E731
    return (arns(pool.regions[E]) ==
            ['arn:aws:ecs:us-east-1:123456789012:cluster/svc-ecs'],
            arns(pool.regions[W]))


def cognito_identity_case(pool):
    pool.regions[E].create_identity_pool('svc_identities', True)
    names = lambda r: [p['IdentityPoolName'] for p in  # noqa: E731
                       r.list_identity_pools(10)['IdentityPools']]
    return names(pool.regions[E]) == ['svc_identities'], names(pool.regions[W])


def emr_case(pool):
    job_id = pool.regions[E].run_jobflow('svc-flow', log_uri='s3://svc/')
    ids = lambda r: [c.id for c in r.list_clusters().clusters]  # noqa: E731
    return ids(pool.regions[E]) == [job_id], ids(pool.regions[W])


def dynamodb_case(pool):
    # moto serves DynamoDB's first API for reading only: the table is made
    # with the current API, then listed through the first.
    from mangrove.services import DynamoDb2Pool
    DynamoDb2Pool(connect=True, regions=[E]).regions[E].create_table(
        [{'AttributeName': 'k', 'AttributeType': 'S'}], 'svc-v1-table',
        [{'AttributeName': 'k', 'KeyType': 'HASH'}],
        {'ReadCapacityUnits': 1, 'WriteCapacityUnits': 1})
    return (pool.regions[E].list_tables() == ['svc-v1-table'],
            pool.regions[W].list_tables())


def ses_case(pool):
    pool.regions[E].verify_email_address('svc@example.com')
    addresses = lambda r: r.list_verified_email_addresses()[  # noqa: E731
        'ListVerifiedEmailAddressesResponse'][
        'ListVerifiedEmailAddressesResult']['VerifiedEmailAddresses']
    return addresses(pool.regions[E]) == ['svc@example.com'], \
        addresses(pool.regions[W])


LIVE = [
    # class name, the pool's two regions, the case
    ('Ec2Pool', [E, W], ec2_case),
    ('S3Pool', [E, W], s3_case),
    ('SqsPool', [E, W], sqs_case),
    ('SnsPool', [E, W], sns_case),
    ('RdsPool', [E, W], rds_case),
    ('ElbPool', [E, W], elb_case),
    ('AutoScalePool', [E, W], autoscale_case),
    ('CloudWatchPool', [E, W], cloudwatch_case),
    ('IamPool', ['universal', E], iam_case),
    ('StsPool', [E, W], sts_case),
    ('CloudFormationPool', [E, W], cloudformation_case),
    ('KinesisPool', [E, W], kinesis_case),
    ('DynamoDb2Pool', [E, W], dynamodb2_case),
    ('DynamoDbPool', [E, W], dynamodb_case),
    ('Route53Pool', ['universal', E], route53_case),
    ('VpcPool', [E, W], vpc_case),
    ('KmsPool', [E, W], kms_case),
    ('LogsPool', [E, W], logs_case),
    ('SwfPool', [E, W], swf_case),
    ('RedshiftPool', [E, W], redshift_case),
    ('GlacierPool', [E, W], glacier_case),
    ('DataPipelinePool', [E, W], datapipeline_case),
    ('EcsPool', [E, W], ecs_case),
    ('CognitoIdentityPool', [E, W], cognito_identity_case),
    ('EmrPool', [E, W], emr_case),
    ('SesPool', [E, W], ses_case),
]


@pytest.mark.slow
@pytest.mark.parametrize('class_name,regions,case', LIVE,
                         ids=[row[0] for row in LIVE])
def test_helper_against_the_server(class_name, regions, case):
    pool = helper(class_name)(connect=True, regions=regions)

    # A global service's names for one endpoint make one entry.
    global_service = class_name in ('IamPool', 'Route53Pool')
    assert list(pool.regions) == (['aws_global'] if global_service
                                  else regions)
    created_and_read_back, seen_elsewhere = case(pool)

    assert created_and_read_back
    assert list(seen_elsewhere) == []


def test_helpers_cover_the_services_the_issue_names():
    named = set(['ec2', 's3', 'sqs', 'sns', 'rds', 'elb', 'autoscale',
                 'cloudwatch', 'iam', 'sts', 'cloudformation', 'kinesis',
                 'dynamodb2'])
    by_class = dict((class_name, name) for name, _, class_name in HELPERS)
    assert named <= set(by_class[row[0]] for row in LIVE)


# -- connection keywords ------------------------------------------------------

def test_every_extra_keyword_reaches_boto(proxy):
    from mangrove.services import SqsPool

    # The loopback proxy's port, not the config's: requests it records went
    # where the keywords, not the config, said.
    pool = SqsPool(connect=True, regions=['us-east-1', 'eu-west-1'],
                   aws_access_key_id='AKIDMANGROVE',
                   aws_secret_access_key='mangrove-secret',
                   security_token='mangrove-token', is_secure=False,
                   proxy='127.0.0.1', proxy_port=proxy.port,
                   validate_certs=False)

    for key in ('us_east_1', 'eu_west_1'):
        conn = pool.regions[key].connection
        assert conn.is_secure is False
        assert conn.proxy == '127.0.0.1'
        assert int(conn.proxy_port) == proxy.port
        assert conn.aws_access_key_id == 'AKIDMANGROVE'
        assert conn.aws_secret_access_key == 'mangrove-secret'
        assert conn.provider.security_token == 'mangrove-token'
        assert conn.https_validate_certificates is False
    pool.regions.eu_west_1.create_queue('keyworded')
    assert [q.name for q in pool.regions.eu_west_1.get_all_queues()] == \
        ['keyworded']
    assert pool.regions.us_east_1.get_all_queues() == []
    records = proxy.wait_for_records(3)
    assert [r['region'] for r in records] == \
        ['eu-west-1', 'eu-west-1', 'us-east-1']
    # The secrets are kept for boto, never shown.
    for secret in ('mangrove-secret', 'mangrove-token'):
        assert secret not in repr(pool)
        assert secret not in repr(pool.regions)


def test_port_calling_format_and_proxy_credentials_reach_boto():
    import boto.s3.connection
    from mangrove.services import S3Pool

    calling_format = boto.s3.connection.OrdinaryCallingFormat()
    pool = S3Pool(connect=True, regions=['us-west-2', 'eu-west-1'],
                  port=8443, calling_format=calling_format,
                  proxy_user='mangrove-user', proxy_pass='mangrove-pass')

    for key, host in (('us_west_2', 's3-us-west-2.amazonaws.com'),
                      ('eu_west_1', 's3-eu-west-1.amazonaws.com')):
        conn = pool.regions[key].connection
        assert conn.port == 8443
        assert conn.calling_format is calling_format
        assert conn.proxy_user == 'mangrove-user'
        assert conn.proxy_pass == 'mangrove-pass'
        assert conn.host == host
    assert 'mangrove-pass' not in repr(pool)


def test_keywords_reach_every_region_added_later(proxy):
    from mangrove.services import SnsPool

    pool = SnsPool(connect=True, regions=['us-east-1'],
                   aws_access_key_id='AKIDLATER', aws_secret_access_key='x',
                   is_secure=False, proxy='127.0.0.1', proxy_port=proxy.port)
    added = pool.add_region('ap-south-1')

    assert added.connection.aws_access_key_id == 'AKIDLATER'
    assert int(added.connection.proxy_port) == proxy.port
    added.create_topic('later')
    topics = added.get_all_topics()['ListTopicsResponse'][
        'ListTopicsResult']['Topics']
    assert [t['TopicArn'] for t in topics] == \
        ['arn:aws:sns:ap-south-1:123456789012:later']
    assert set(r['region'] for r in proxy.wait_for_records(2)) == \
        set(['ap-south-1'])


def test_route53_pool_leaves_out_keywords_its_connection_cannot_take(
        proxy):
    import boto.route53.connection
    from mangrove.services import Route53Pool

    # Route53Connection takes no is_secure; the rest still reach it.
    pool = Route53Pool(connect=True, regions=['universal'],
                       aws_access_key_id='AKIDROUTE',
                       aws_secret_access_key='x',
                       is_secure=False, proxy='127.0.0.1',
                       proxy_port=proxy.port)
    conn = pool.regions.universal.connection

    assert isinstance(conn, boto.route53.connection.Route53Connection)
    assert conn.aws_access_key_id == 'AKIDROUTE'
    assert int(conn.proxy_port) == proxy.port
    conn.create_hosted_zone('keywords.example.')
    assert [r['host'] for r in proxy.wait_for_records(1)] == \
        ['route53.amazonaws.com']


EXPLICIT_SCRIPT = r'''
import json, os, sys
from mangrove.services import SqsPool, Ec2Pool  # first: repairs boto on 3.12+
import boto

config = {'proxy': boto.config.get('Boto', 'proxy'),
          'key': boto.config.get('Credentials', 'aws_access_key_id')}
# boto's config parser gives every section debug = 0 as a built-in default,
# which would override any debug keyword; without it the keyword shows.
boto.config._parser.defaults().pop('debug', None)
port = int(os.environ['MANGROVE_TEST_PORT'])
keywords = dict(aws_access_key_id='explicit', aws_secret_access_key='explicit',
                is_secure=False, proxy='127.0.0.1', proxy_port=port)
sqs = SqsPool(connect=True, regions=['us-east-1', 'eu-west-1'], **keywords)
sqs.regions['eu_west_1'].create_queue('explicit-queue')
ec2 = Ec2Pool(connect=True, regions=['ap-southeast-2'], **keywords)
secure = Ec2Pool(connect=True, regions=['us-west-1', 'sa-east-1'],
                 is_secure=True, port=8443, debug=1,
                 security_token='explicit-token',
                 aws_access_key_id='explicit', aws_secret_access_key='x')
print(json.dumps({
    'config': config,
    'eu': [q.name for q in sqs.regions['eu_west_1'].get_all_queues()],
    'us': [q.name for q in sqs.regions['us_east_1'].get_all_queues()],
    'instances': len(ec2.regions['ap_southeast_2'].get_all_instances()),
    'key': sqs.regions['us_east_1'].connection.aws_access_key_id,
    'sqs_secure': [sqs.regions[k].connection.is_secure for k in sqs.regions],
    'secure': [[c.is_secure, c.port, c.debug, c.provider.security_token,
                c.proxy, c.host]
               for c in (secure.regions[k].connection
                         for k in secure.regions)],
}))
'''


@pytest.mark.slow
def test_explicit_keywords_work_without_any_boto_config(moto_port):
    home = tempfile.mkdtemp(prefix='mangrove-nohome-')
    try:
        empty = os.path.join(home, 'empty-boto.cfg')
        open(empty, 'w').close()
        env = dict((k, v) for k, v in os.environ.items()
                   if not k.startswith(('AWS_', 'BOTO_')) and
                   k.lower() not in ('no_proxy', 'http_proxy', 'https_proxy'))
        env.update(BOTO_CONFIG=empty, HOME=home,
                   MANGROVE_TEST_PORT=str(moto_port),
                   PYTHONPATH=child_pythonpath())
        output = subprocess.check_output(
            [sys.executable, '-c', EXPLICIT_SCRIPT], env=env, cwd=home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    result = json.loads(output.decode('utf-8').strip().splitlines()[-1])

    # No config could have pointed boto anywhere ...
    assert result['config'] == {'proxy': None, 'key': None}
    # ... yet the keywords alone reached the server, region by region.
    assert result['eu'] == ['explicit-queue']
    assert result['us'] == []
    assert result['instances'] == 0
    assert result['key'] == 'explicit'
    assert result['sqs_secure'] == [False, False]
    assert result['secure'] == [
        [True, 8443, 1, 'explicit-token', None, 'ec2.us-west-1.amazonaws.com'],
        [True, 8443, 1, 'explicit-token', None, 'ec2.sa-east-1.amazonaws.com']]


REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _services_source():
    import mangrove.services
    path = os.path.splitext(mangrove.services.__file__)[0] + '.py'
    with open(path, 'rb') as handle:
        return handle.read()


def test_services_module_is_what_make_services_generates(tmpdir):
    output = str(tmpdir.join('services.py'))
    subprocess.check_call([sys.executable,
                           os.path.join(REPO, 'tools', 'make_services.py'),
                           '--output', output])
    with open(output, 'rb') as handle:
        regenerated = handle.read()
    assert regenerated == _services_source(), (
        'mangrove/services.py is stale or hand-edited; '
        'run: python tools/make_services.py')


def test_every_helper_is_a_class_statement_editors_can_see():
    """IDEs and mypy read the source, not what runs: one class each."""
    import ast
    from mangrove.registry import SERVICES
    tree = ast.parse(_services_source())
    classes = dict((node.name, node) for node in tree.body
                   if isinstance(node, ast.ClassDef))
    assert sorted(classes) == sorted(s.class_name for s in SERVICES.values())
    for spec in SERVICES.values():
        node = classes[spec.class_name]
        assert [base.id for base in node.bases] == ['ServicePool']
        services = [ast.literal_eval(stmt.value) for stmt in node.body
                    if isinstance(stmt, ast.Assign)
                    and stmt.targets[0].id == 'service']
        assert services == [spec.name]


def test_help_of_a_helper_names_its_service_and_the_arguments():
    from mangrove.services import ElbPool
    assert ElbPool.__doc__.startswith(
        'A pool of ELB connections, one per region (boto module '
        '``boto.ec2.elb``).')
    assert "pool = ElbPool(connect=True, regions=['us-east-1', " \
        "'eu-west-1'])" in ElbPool.__doc__
    assert "results = pool.call('method_name', ...)" in ElbPool.__doc__
    assert ':param connect:' in ElbPool.__doc__
    assert ':param endpoint_url:' in ElbPool.__doc__
