# -*- coding: utf-8 -*-
"""The region catalog: today's regions and host names, shipped as data."""
from __future__ import absolute_import

import json
import os
import pkgutil
import re
import subprocess
import sys
import threading

import pytest

from mangrove import catalog
from mangrove.exceptions import InvalidArgumentError
from bed.names import COMMERCIAL_REGIONS

# Nothing here talks to AWS: no moto server (see conftest.py).
pytestmark = pytest.mark.no_server

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MAKE_CATALOG = os.path.join(REPO, 'tools', 'make_catalog.py')

AWS_REGIONS = COMMERCIAL_REGIONS

# Retired services botocore no longer lists; pools for them keep boto's list.
RETIRED_PREFIXES = ('elastictranscoder', 'opsworks')


def catalog_data():
    """The shipped catalog file, read directly."""
    return json.loads(
        pkgutil.get_data('mangrove', 'data/endpoints.json').decode('utf-8'))


def all_regions(partition=None):
    """Every region of the catalog's partitions (or of one), in order."""
    data = catalog_data()
    return [name for p in (catalog.PARTITIONS if partition is None
                           else (partition,))
            for name in data['partitions'][p]['regions']]


def test_ec2_runs_in_34_commercial_regions():
    names = catalog.regions('ec2', partition='aws')
    assert names == AWS_REGIONS
    assert len(names) == 34
    for name in ('af-south-1', 'ap-east-2', 'ap-southeast-6', 'mx-central-1'):
        assert name in names


def test_aws_partition_is_the_34_commercial_regions():
    assert all_regions('aws') == AWS_REGIONS


def test_regions_without_partition_lists_aws_then_china_then_govcloud():
    assert catalog.regions('ec2') == AWS_REGIONS + [
        'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1']
    assert all_regions() == catalog.regions('ec2')


def test_partition_narrows_regions():
    assert catalog.regions('sqs', 'aws-cn') == ['cn-north-1', 'cn-northwest-1']
    assert catalog.regions('sqs', 'aws-us-gov') == [
        'us-gov-east-1', 'us-gov-west-1']
    assert all_regions('aws-cn') == ['cn-north-1', 'cn-northwest-1']


def test_service_in_few_regions_lists_only_those():
    assert catalog.regions('machinelearning') == ['eu-west-1', 'us-east-1']
    assert catalog.regions('machinelearning', 'aws-cn') == []
    assert 'mx-central-1' not in catalog.regions('elasticbeanstalk')


def test_unknown_endpoint_prefix_has_no_regions_and_no_hosts():
    assert catalog.regions('no-such-service') == []
    assert catalog.regions('no-such-service', 'aws-cn') == []
    assert catalog.hostname('no-such-service', 'us-east-1') is None


@pytest.mark.parametrize('prefix, region, host', [
    ('ec2', 'us-east-1', 'ec2.us-east-1.amazonaws.com'),
    ('ec2', 'ap-southeast-6', 'ec2.ap-southeast-6.amazonaws.com'),
    ('ec2', 'cn-north-1', 'ec2.cn-north-1.amazonaws.com.cn'),
    ('ec2', 'us-gov-west-1', 'ec2.us-gov-west-1.amazonaws.com'),
    ('sqs', 'mx-central-1', 'sqs.mx-central-1.amazonaws.com'),
    ('sqs', 'cn-northwest-1', 'sqs.cn-northwest-1.amazonaws.com.cn'),
    ('sns', 'ap-east-2', 'sns.ap-east-2.amazonaws.com'),
    ('elasticloadbalancing', 'il-central-1',
     'elasticloadbalancing.il-central-1.amazonaws.com'),
    ('monitoring', 'us-gov-east-1', 'monitoring.us-gov-east-1.amazonaws.com'),
    ('dynamodb', 'cn-north-1', 'dynamodb.cn-north-1.amazonaws.com.cn'),
    ('email', 'eu-west-1', 'email.eu-west-1.amazonaws.com'),
    # SimpleDB keeps its original host in us-east-1.
    ('sdb', 'us-east-1', 'sdb.amazonaws.com'),
    ('sdb', 'eu-west-1', 'sdb.eu-west-1.amazonaws.com'),
])
def test_hostname_of_regional_endpoints(prefix, region, host):
    assert catalog.hostname(prefix, region) == host


@pytest.mark.parametrize('region, host', [
    # Regional dot form everywhere, us-east-1 included; not boto's old
    # s3-eu-west-1 dash form nor the bare s3.amazonaws.com.
    ('us-east-1', 's3.us-east-1.amazonaws.com'),
    ('eu-west-1', 's3.eu-west-1.amazonaws.com'),
    ('sa-east-1', 's3.sa-east-1.amazonaws.com'),
    ('ap-southeast-6', 's3.ap-southeast-6.amazonaws.com'),
    ('cn-north-1', 's3.cn-north-1.amazonaws.com.cn'),
    ('us-gov-west-1', 's3.us-gov-west-1.amazonaws.com'),
])
def test_s3_hostnames_are_regional(region, host):
    assert catalog.hostname('s3', region) == host


def test_s3_global_endpoint_is_kept_apart_from_regions():
    # s3.amazonaws.com is beside the regional endpoints: S3 is no global
    # service, and its pseudo-regions are no regions.
    assert catalog.global_endpoints('s3') == []
    assert 'aws-global' not in catalog.regions('s3')
    assert 's3-external-1' not in catalog.regions('s3')


@pytest.mark.parametrize('prefix, region', [
    ('ec2', 'fips-us-east-1'),
    ('s3', 'aws-global'),
    ('s3', 's3-external-1'),
    ('rds', 'us-east-1-fips'),
    ('dynamodb', 'local'),
    ('ec2', 'mars-north-1'),
])
def test_pseudo_regions_have_no_hostname(prefix, region):
    assert catalog.hostname(prefix, region) is None
    assert region not in catalog.regions(prefix)


def test_global_service_is_one_endpoint_per_partition():
    assert catalog.regions('iam') == [
        'us-east-1', 'cn-north-1', 'us-gov-west-1']
    assert catalog.hostname('iam', 'us-east-1') == 'iam.amazonaws.com'
    assert catalog.hostname('iam', 'cn-north-1') == (
        'iam.cn-north-1.amazonaws.com.cn')
    assert catalog.hostname('iam', 'us-gov-west-1') == \
        'iam.us-gov.amazonaws.com'
    assert catalog.hostname('iam', 'eu-west-1') is None
    assert catalog.global_endpoints('iam', 'aws-us-gov') == [{
        'name': 'aws-us-gov-global', 'partition': 'aws-us-gov',
        'hostname': 'iam.us-gov.amazonaws.com',
        'signing_region': 'us-gov-west-1'}]


def test_route53_in_china_is_signed_for_ningxia():
    (endpoint,) = catalog.global_endpoints('route53', 'aws-cn')
    assert endpoint['hostname'] == 'route53.amazonaws.com.cn'
    assert endpoint['signing_region'] == 'cn-northwest-1'
    assert catalog.regions('route53', 'aws-cn') == ['cn-northwest-1']


def test_sts_has_regional_endpoints_and_a_global_one():
    assert catalog.regions('sts', 'aws') == AWS_REGIONS
    assert catalog.hostname('sts', 'us-east-1') == \
        'sts.us-east-1.amazonaws.com'
    assert catalog.global_endpoints('sts') == []


def test_regional_service_has_no_global_endpoint():
    assert catalog.global_endpoints('ec2') == []
    assert catalog.global_endpoints('no-such-service', 'aws-us-gov') == []


def test_global_endpoints_returns_copies():
    catalog.global_endpoints('iam')[0]['hostname'] = 'example.com'
    assert catalog.global_endpoints('iam')[0]['hostname'] == \
        'iam.amazonaws.com'


@pytest.mark.parametrize('region, partition', [
    ('eu-west-1', 'aws'),
    ('ap-southeast-6', 'aws'),
    ('mx-central-1', 'aws'),
    ('cn-north-1', 'aws-cn'),
    ('cn-northwest-1', 'aws-cn'),
    ('us-gov-west-1', 'aws-us-gov'),
    ('us-gov-east-1', 'aws-us-gov'),
    # Not (yet) in the catalog, but shaped like the partition's regions.
    ('eu-west-9', 'aws'),
    ('cn-south-1', 'aws-cn'),
    ('us-gov-north-1', 'aws-us-gov'),
])
def test_partition_of(region, partition):
    assert catalog.partition_of(region) == partition


@pytest.mark.parametrize('region', [
    'us_east_1', 'mars-north-1', 'us-iso-east-1', 'aws-global',
    'fips-us-east-1', '',
])
def test_partition_of_unknown_shape_is_none(region):
    assert catalog.partition_of(region) is None


def test_every_registry_service_is_in_the_catalog():
    from mangrove.registry import SERVICES
    for spec in SERVICES.values():
        prefix = spec.endpoint_prefix
        if prefix in RETIRED_PREFIXES:
            assert catalog.regions(prefix) == []
            continue
        assert 'us-east-1' in catalog.regions(prefix), spec
        for partition in catalog.PARTITIONS:
            for name in catalog.regions(prefix, partition):
                assert name in all_regions(partition), (prefix, name)
                assert catalog.partition_of(name) == partition
                assert catalog.hostname(prefix, name), (prefix, name)


@pytest.mark.parametrize('call', [
    lambda: catalog.regions('ec2', 'aws-mars'),
    lambda: catalog.global_endpoints('iam', 'aws-mars'),
])
def test_unknown_partition_is_rejected_by_name(call):
    with pytest.raises(InvalidArgumentError) as raised:
        call()
    message = str(raised.value)
    assert "'aws-mars'" in message
    for partition in catalog.PARTITIONS:
        assert repr(partition) in message
    assert isinstance(raised.value, ValueError)


def test_partition_names_are_case_sensitive():
    with pytest.raises(InvalidArgumentError):
        catalog.regions('ec2', 'AWS')


def test_generated_names_date_botocore_and_command():
    meta = catalog_data()['generated']
    assert re.match(r'^\d{4}-\d{2}-\d{2}$', meta['date'])
    assert re.match(r'^\d+\.\d+\.\d+', meta['botocore_version'])
    assert meta['command'] == 'python tools/make_catalog.py'


def test_data_is_read_once_by_concurrent_first_callers(monkeypatch):
    reads = []
    real_get_data = pkgutil.get_data

    def counting_get_data(package, resource):
        reads.append(resource)
        return real_get_data(package, resource)

    monkeypatch.setattr(catalog, '_catalog', None)
    monkeypatch.setattr(pkgutil, 'get_data', counting_get_data)
    start = threading.Event()
    results = []

    def first_call():
        start.wait()
        results.append(catalog.regions('ec2', 'aws'))

    threads = [threading.Thread(target=first_call) for _ in range(16)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()
    assert reads == ['data/endpoints.json']
    assert results == [AWS_REGIONS] * 16


def test_catalog_never_imports_botocore_or_boto():
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(
        catalog.__file__)))
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [package_root] + [p for p in [env.get('PYTHONPATH')] if p])
    code = ('import sys; from mangrove import catalog; '
            'catalog.regions("ec2"); '
            'print(sorted(m for m in sys.modules '
            'if m.split(".")[0] in ("boto", "botocore")))')
    output = subprocess.check_output([sys.executable, '-c', code], env=env)
    assert output.decode('ascii').strip() == '[]'


def test_data_file_is_what_make_catalog_generates(tmpdir):
    botocore = pytest.importorskip('botocore')
    meta = catalog_data()['generated']
    if botocore.__version__ != meta['botocore_version']:
        # Another botocore has other endpoint data: only the version the
        # catalog came from can reproduce it byte for byte.
        pytest.skip('catalog generated from botocore %s; this interpreter '
                    'has %s' % (meta['botocore_version'],
                                botocore.__version__))
    output = str(tmpdir.join('endpoints.json'))
    subprocess.check_call([sys.executable, MAKE_CATALOG,
                           '--output', output, '--date', meta['date']])
    with open(output, 'rb') as stream:
        regenerated = stream.read()
    shipped = pkgutil.get_data('mangrove', 'data/endpoints.json')
    assert regenerated == shipped, (
        'mangrove/data/endpoints.json is stale or hand-edited; '
        'run: python tools/make_catalog.py')
