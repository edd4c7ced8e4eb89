# -*- coding: utf-8 -*-
"""
The service registry: one place that maps a service name to what serves it.

Users name services the short way they know them (``elb``, ``autoscale``,
``cloudwatch``); the registry says which boto module answers for each,
what helper class :mod:`mangrove.services` builds for it, how it is shown
in a repr, and which endpoint prefix the region catalog files it under.
Both the helper classes and ``service``/``services`` declarations resolve
names here, so the two can never disagree.
"""
from __future__ import absolute_import

import collections

import six

from mangrove.exceptions import (
    InvalidServiceError, close_matches, not_one_of, wrong_type)


class ServiceSpec(collections.namedtuple(
        'ServiceSpec',
        ['name', 'module', 'class_name', 'display', 'endpoint_prefix',
         'aliases', 'signing_name'])):
    """What the registry knows of one service.

    :ivar name: the canonical short name (``'elb'``).
    :ivar module: the boto module that defines ``connect_to_region``
        (``'boto.ec2.elb'``).
    :ivar class_name: the helper class in :mod:`mangrove.services` (``'ElbPool'``).
    :ivar display: how reprs show the service (``'ELB'``).
    :ivar endpoint_prefix: the service's key in the region catalog and the
        first label of its host names (``'elasticloadbalancing'``).
    :ivar aliases: other names accepted for it (``('elasticloadbalancing',)``).
    :ivar signing_name: the service name its Signature Version 4 requests are
        scoped to when that is not ``endpoint_prefix`` (``'ses'`` for SES,
        whose hosts are ``email.<region>.amazonaws.com``); None when it is.
    """

    __slots__ = ()

    def __new__(cls, name, module, class_name, display, endpoint_prefix,
                aliases, signing_name=None):
        # Nearly every service signs under its endpoint prefix, so only the
        # odd one out names its signing name.
        return super(ServiceSpec, cls).__new__(
            cls, name, module, class_name, display, endpoint_prefix, aliases,
            signing_name)


_SPECS = (
    # name, boto module, helper class, display, endpoint prefix, aliases[,
    # signing name]
    ('autoscale', 'boto.ec2.autoscale', 'AutoScalePool', 'AutoScale', 'autoscaling', ('autoscaling',)),
    ('awslambda', 'boto.awslambda', 'LambdaPool', 'Lambda', 'lambda', ('lambda',)),
    ('beanstalk', 'boto.beanstalk', 'BeanstalkPool', 'Beanstalk', 'elasticbeanstalk', ('elasticbeanstalk',)),
    ('cloudformation', 'boto.cloudformation', 'CloudFormationPool', 'CloudFormation', 'cloudformation', ()),
    ('cloudhsm', 'boto.cloudhsm', 'CloudHsmPool', 'CloudHSM', 'cloudhsm', ()),
    ('cloudsearch', 'boto.cloudsearch', 'CloudSearchPool', 'CloudSearch', 'cloudsearch', ()),
    ('cloudsearch2', 'boto.cloudsearch2', 'CloudSearch2Pool', 'CloudSearch2', 'cloudsearch', ()),
    ('cloudsearchdomain', 'boto.cloudsearchdomain', 'CloudSearchDomainPool', 'CloudSearchDomain', 'cloudsearch', ()),
    ('cloudtrail', 'boto.cloudtrail', 'CloudTrailPool', 'CloudTrail', 'cloudtrail', ()),
    ('cloudwatch', 'boto.ec2.cloudwatch', 'CloudWatchPool', 'CloudWatch', 'monitoring', ('monitoring',)),
    ('codedeploy', 'boto.codedeploy', 'CodeDeployPool', 'CodeDeploy', 'codedeploy', ()),
    ('cognito_identity', 'boto.cognito.identity', 'CognitoIdentityPool', 'CognitoIdentity', 'cognito-identity', ('cognitoidentity',)),
    ('cognito_sync', 'boto.cognito.sync', 'CognitoSyncPool', 'CognitoSync', 'cognito-sync', ('cognitosync',)),
    ('configservice', 'boto.configservice', 'ConfigServicePool', 'Config', 'config', ('config',)),
    ('datapipeline', 'boto.datapipeline', 'DataPipelinePool', 'DataPipeline', 'datapipeline', ()),
    ('directconnect', 'boto.directconnect', 'DirectConnectPool', 'DirectConnect', 'directconnect', ()),
    ('dynamodb', 'boto.dynamodb', 'DynamoDbPool', 'DynamoDB', 'dynamodb', ()),
    ('dynamodb2', 'boto.dynamodb2', 'DynamoDb2Pool', 'DynamoDB2', 'dynamodb', ()),
    ('ec2', 'boto.ec2', 'Ec2Pool', 'EC2', 'ec2', ()),
    ('ecs', 'boto.ec2containerservice', 'EcsPool', 'ECS', 'ecs', ('ec2containerservice',)),
    ('elasticache', 'boto.elasticache', 'ElastiCachePool', 'ElastiCache', 'elasticache', ()),
    ('elastictranscoder', 'boto.elastictranscoder', 'ElasticTranscoderPool', 'ElasticTranscoder', 'elastictranscoder', ()),
    ('elb', 'boto.ec2.elb', 'ElbPool', 'ELB', 'elasticloadbalancing', ('elasticloadbalancing',)),
    ('emr', 'boto.emr', 'EmrPool', 'EMR', 'elasticmapreduce', ('elasticmapreduce',)),
    ('glacier', 'boto.glacier', 'GlacierPool', 'Glacier', 'glacier', ()),
    ('iam', 'boto.iam', 'IamPool', 'IAM', 'iam', ()),
    ('kinesis', 'boto.kinesis', 'KinesisPool', 'Kinesis', 'kinesis', ()),
    ('kms', 'boto.kms', 'KmsPool', 'KMS', 'kms', ()),
    ('logs', 'boto.logs', 'LogsPool', 'Logs', 'logs', ('cloudwatchlogs',)),
    ('machinelearning', 'boto.machinelearning', 'MachineLearningPool', 'MachineLearning', 'machinelearning', ()),
    ('opsworks', 'boto.opsworks', 'OpsWorksPool', 'OpsWorks', 'opsworks', ()),
    ('rds', 'boto.rds', 'RdsPool', 'RDS', 'rds', ()),
    ('rds2', 'boto.rds2', 'Rds2Pool', 'RDS2', 'rds', ()),
    ('redshift', 'boto.redshift', 'RedshiftPool', 'Redshift', 'redshift', ()),
    ('route53', 'boto.route53', 'Route53Pool', 'Route53', 'route53', ()),
    ('route53domains', 'boto.route53.domains', 'Route53DomainsPool', 'Route53Domains', 'route53domains', ('route53_domains',)),
    ('s3', 'boto.s3', 'S3Pool', 'S3', 's3', ()),
    ('sdb', 'boto.sdb', 'SdbPool', 'SimpleDB', 'sdb', ('simpledb',)),
    ('ses', 'boto.ses', 'SesPool', 'SES', 'email', ('email',), 'ses'),
    ('sns', 'boto.sns', 'SnsPool', 'SNS', 'sns', ()),
    ('sqs', 'boto.sqs', 'SqsPool', 'SQS', 'sqs', ()),
    ('sts', 'boto.sts', 'StsPool', 'STS', 'sts', ()),
    ('support', 'boto.support', 'SupportPool', 'Support', 'support', ()),
    ('swf', 'boto.swf', 'SwfPool', 'SWF', 'swf', ()),
    ('vpc', 'boto.vpc', 'VpcPool', 'VPC', 'ec2', ()),
)

#: Canonical service name -> :class:`ServiceSpec`, in name order.
SERVICES = collections.OrderedDict(
    (row[0], ServiceSpec(*row)) for row in _SPECS)

# Every accepted spelling -> canonical name. Hyphens and underscores are one
# character to users ('cognito-identity', 'cognito_identity'), so both map.
_NAMES = {}
for _spec in SERVICES.values():
    for _alias in (_spec.name,) + _spec.aliases:
        _NAMES[_alias] = _spec.name
        _NAMES[_alias.replace('_', '-')] = _spec.name
del _spec, _alias


def service_names():
    """The canonical names of every service mangrove knows, sorted.

    :rtype: list of str
    """
    return list(SERVICES)


def get_service(name):
    """Resolve a service name (canonical or alias, any case) to its spec.

    :param name: a service name such as ``'ec2'``, ``'elb'`` or ``'lambda'``.
    :type name: str
    :rtype: :class:`ServiceSpec`
    :raises InvalidArgumentTypeError: ``name`` is not a string.
    :raises InvalidServiceError: no service has that name; the message
        lists the closest names.
    """
    if not isinstance(name, six.string_types):
        raise wrong_type('service name', "a string such as 'ec2'", name)
    canonical = _NAMES.get(name.strip().lower())
    if canonical is None:
        raise not_one_of(
            InvalidServiceError, 'unknown service %r' % (name,), name,
            list(SERVICES), 'known services',
            suggestions=close_matches(name.strip().lower(), sorted(_NAMES)))
    return SERVICES[canonical]
