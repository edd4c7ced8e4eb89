# -*- coding: utf-8 -*-
"""``mangrove call ec2,autoscale METHOD``: one method in several services
at once, keyed service -> region (account -> service -> region with
``--accounts``) in the table, ``--json`` and ``--jsonl``, the failures in
the same nesting and exit status 1, and a service that lacks the method
named in a usage error. Run as a subprocess against the session's moto
server."""
from __future__ import absolute_import

import sys

import pytest

from mangrove.testing import write_boto_config

from clirun import loads, mangrove
from bed.accounts import refuse

PROD, DEV, REFUSED = '111111111111', '222222222222', '444444444444'
REGIONS = 'us-east-1,eu-west-1'


@pytest.fixture
def proxy_config(proxy, tmpdir):
    """A boto config that sends every request through the proxy."""
    return write_boto_config(str(tmpdir.join('proxy.cfg')), proxy.port)


def tag_things(ec2_region, autoscale_region):
    """An EC2 tag in one region and an Auto Scaling group's tag in
    another, with pools of the given (connected) kinds' regions."""
    from boto.ec2.autoscale import AutoScalingGroup, LaunchConfiguration, Tag
    group = ec2_region.create_security_group('web', 'web servers')
    ec2_region.create_tags([group.id], {'team': 'web'})
    config = LaunchConfiguration(name='web-lc', image_id='ami-12c6146b',
                                 instance_type='t2.micro')
    autoscale_region.create_launch_configuration(config)
    autoscale_region.create_auto_scaling_group(AutoScalingGroup(
        group_name='web-asg', launch_config=config, min_size=0,
        max_size=1, availability_zones=['eu-west-1a'],
        tags=[Tag(key='tier', value='front', propagate_at_launch=False,
                  resource_id='web-asg')]))
    return group.id


@pytest.mark.slow
def test_several_services_in_a_table_and_in_json():
    from mangrove.services import AutoScalePool, Ec2Pool
    ec2 = Ec2Pool(connect=True, regions=['us-east-1'])
    autoscale = AutoScalePool(connect=True, regions=['eu-west-1'])
    group = tag_things(ec2.regions.us_east_1, autoscale.regions.eu_west_1)

    result = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--json',
                      '--regions', REGIONS)
    assert result.status == 0, result.err
    data = loads(result.out)
    assert list(data) == ['ec2', 'autoscale']
    assert list(data['ec2']) == ['us-east-1', 'eu-west-1']
    assert list(data['autoscale']) == ['us-east-1', 'eu-west-1']
    [tag] = data['ec2']['us-east-1']
    assert (tag['res_id'], tag['name'], tag['value']) == (group, 'team',
                                                          'web')
    assert data['ec2']['eu-west-1'] == []
    [tag] = data['autoscale']['eu-west-1']
    assert (tag['resource_id'], tag['key'], tag['value']) == \
        ('web-asg', 'tier', 'front')
    assert data['autoscale']['us-east-1'] == []

    text = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--regions',
                    REGIONS, '--hide-empty')
    assert text.status == 0, text.err
    lines = text.out.splitlines()
    assert lines[0] == 'ec2:'
    assert lines[1] == '  us-east-1: 1 result'
    heads = [line for line in lines if not line.startswith(' ')]
    assert heads == ['ec2:', 'autoscale:', lines[-1]]
    assert lines[lines.index('autoscale:') + 1] == '  eu-west-1: 1 result'
    assert 'web-asg' in '\n'.join(lines[lines.index('autoscale:'):])
    assert lines[-1].startswith('2 services: 2 results in 2 of 4 regions '
                                '(2 empty, not shown)')

    lines = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--jsonl',
                     '--regions', 'eu-west-1').out.splitlines()
    assert sorted((line['service'], line['region'], len(line['result']))
                  for line in map(loads, lines)) == \
        [('autoscale', 'eu-west-1', 1), ('ec2', 'eu-west-1', 0)]
    assert all(list(loads(line))[:2] == ['service', 'region']
               for line in lines)
    # One service prints as it always has: keyed by region.
    one = mangrove('call', 'autoscale', 'get_all_tags', '--json',
                   '--regions', REGIONS)
    assert list(loads(one.out)) == ['us-east-1', 'eu-west-1']


@pytest.mark.slow
def test_failures_are_nested_alike_and_exit_1(proxy, proxy_config):
    proxy.faults['eu-west-1'] = '503'
    env = {'BOTO_CONFIG': proxy_config}
    result = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--json',
                      '--regions', REGIONS, env=env)
    assert result.status == 1
    data = loads(result.out)
    assert list(data) == ['ec2', 'autoscale', 'errors']
    assert list(data['ec2']) == ['us-east-1']
    errors = data['errors']
    assert list(errors) == ['ec2', 'autoscale']
    for service in ('ec2', 'autoscale'):
        assert list(errors[service]) == ['eu-west-1']
        assert errors[service]['eu-west-1']['status'] == 503
    assert 'mangrove: 2 of 4 regions failed:' in result.err
    assert 'ec2 eu-west-1, autoscale eu-west-1: ' in result.err

    text = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--regions',
                    'eu-west-1', env=env)
    assert text.status == 1
    assert text.out.splitlines()[:2] == [
        'ec2: 1 region failed (see below)',
        'autoscale: 1 region failed (see below)']


@pytest.mark.slow
def test_several_services_in_every_account(proxy, proxy_config):
    from mangrove.accounts import AccountPool
    from mangrove.services import AutoScalePool, Ec2Pool
    ec2 = AccountPool(Ec2Pool, [DEV], role_name='Audit',
                      regions=['us-east-1'])
    autoscale = AccountPool(AutoScalePool, [DEV], role_name='Audit',
                            regions=['eu-west-1'])
    group = tag_things(ec2.accounts[DEV].regions.us_east_1,
                       autoscale.accounts[DEV].regions.eu_west_1)
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    env = {'BOTO_CONFIG': proxy_config}
    accounts = ('--accounts', '%s,%s,%s' % (PROD, REFUSED, DEV),
                '--role-name', 'Audit', '--regions', REGIONS)

    result = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--json',
                      env=env, *accounts)
    assert result.status == 1
    data = loads(result.out)
    assert list(data) == [PROD, DEV, 'errors']
    for account in (PROD, DEV):
        assert list(data[account]) == ['ec2', 'autoscale']
        for service in ('ec2', 'autoscale'):
            assert list(data[account][service]) == ['us-east-1', 'eu-west-1']
    assert [t['res_id'] for t in data[DEV]['ec2']['us-east-1']] == [group]
    assert [t['resource_id'] for t in data[DEV]['autoscale']['eu-west-1']] \
        == ['web-asg']
    assert data[PROD]['ec2']['us-east-1'] == []
    assert data[PROD]['autoscale']['eu-west-1'] == []
    assert list(data['errors']) == [REFUSED]
    assert data['errors'][REFUSED]['error'] == 'AssumeRoleError'

    text = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--hide-empty',
                    env=env, *accounts)
    assert text.status == 1
    lines = text.out.splitlines()
    # Every region of PROD is empty: its services are left out.
    assert lines[:2] == ['account %s:' % PROD, 'account %s: AssumeRoleError '
                         '(see below)' % REFUSED]
    assert lines[2:4] == ['account %s:' % DEV, '  ec2:']
    assert lines[4] == '    us-east-1: 1 result'
    assert '  autoscale:' in lines
    assert lines[-1].startswith('3 accounts (1 failed), 2 services: 2 '
                                'results in 2 of 8 regions')

    # A region failing in an account that answered: nested the same way.
    proxy.faults['eu-west-1'] = '503'
    failed = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--json',
                      '--accounts', DEV, '--role-name', 'Audit',
                      '--regions', REGIONS, env=env)
    assert failed.status == 1
    data = loads(failed.out)
    assert list(data) == [DEV, 'errors']
    assert list(data[DEV]) == ['ec2', 'autoscale']
    assert data['errors'] == {DEV: {
        'ec2': {'eu-west-1': data['errors'][DEV]['ec2']['eu-west-1']},
        'autoscale': {
            'eu-west-1': data['errors'][DEV]['autoscale']['eu-west-1']}}}
    assert data['errors'][DEV]['ec2']['eu-west-1']['status'] == 503
    assert '%s ec2 eu-west-1, %s autoscale eu-west-1: ' % (DEV, DEV) in \
        failed.err


@pytest.mark.parametrize('service, expected', [
    ('ec2,sqs', "unknown method 'get_all_tags' of sqs (SQSConnection)"),
    ('autoscale,ec2,elb', "unknown method 'get_all_tags' of elb"),
    ('ec2,ec3', "'ec3'"),
    ('ec2,ec2', 'service ec2 is named twice'),
    (',', 'comma-separated list'),
])
@pytest.mark.slow
def test_each_service_must_have_the_method(service, expected):
    for accounts in ([], ['--accounts', PROD, '--role-name', 'Audit']):
        result = mangrove('call', service, 'get_all_tags', '--regions',
                          'us-east-1', *accounts)
        assert result.status == 2
        assert result.out == ''
        assert len(result.err.splitlines()) == 1
        assert expected in result.err


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 9),
                    reason='boto3 pools need Python 3.9+')
def test_several_boto3_services(moto_server):
    pytest.importorskip('boto3')
    from mangrove.services import Ec2Pool
    ec2 = Ec2Pool(connect=True, regions=['eu-west-1']).regions.eu_west_1
    group = ec2.create_security_group('web', 'web servers')
    ec2.create_tags([group.id], {'team': 'web'})
    boto3 = ('--backend', 'boto3', '--endpoint-url', moto_server.url,
             '--regions', 'eu-west-1')
    env = {'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing'}
    result = mangrove('call', 'ec2,autoscaling', 'describe_tags', '--json',
                      env=env, *boto3)
    assert result.status == 0, result.err
    data = loads(result.out)
    assert list(data) == ['ec2', 'autoscaling']
    assert [t['ResourceId'] for t in data['ec2']['eu-west-1']['Tags']] == \
        [group.id]
    assert data['autoscaling']['eu-west-1']['Tags'] == []
    result = mangrove('call', 'ec2,sqs', 'describe_tags', env=env, *boto3)
    assert result.status == 2
    assert "unknown method 'describe_tags' of sqs" in result.err
