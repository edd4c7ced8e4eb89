# -*- coding: utf-8 -*-
"""The switch of mangrove.clients.classes: with MANGROVE_SHARE_CLIENT_CLASSES=0
(or ``clientclasses.enabled = False``) botocore's ClientCreator is left as
it is, and boto3 pools work the same, each client built whole.

The methods are replaced process-wide and for good, so whether botocore is
untouched is asked of a fresh interpreter; the fan-outs run here too, with
the switch flipped, against the moto server.
"""
from __future__ import absolute_import

import os
import subprocess
import sys

import pytest

from bed.children import child_pythonpath

NEW_ENOUGH = sys.version_info >= (3, 9)

# Run in a fresh interpreter: build a ClientPool over two regions, fan out
# a call, and print what became of botocore's ClientCreator. argv: the
# server's URL, then 'off' to set clientclasses.enabled = False first.
CHILD = '''
import sys
from botocore.client import ClientCreator
before = (ClientCreator.__dict__['_load_service_model'],
          ClientCreator.__dict__['_create_client_class'])
from mangrove.clients import classes as clientclasses
from mangrove.pool.client import client_pool
if sys.argv[2:] == ['off']:
    clientclasses.enabled = False
sqs = client_pool('sqs', connect=True, regions=['us-east-1', 'eu-west-1'],
                  endpoint_url=sys.argv[1], aws_access_key_id='testing',
                  aws_secret_access_key='testing')
results = sqs.call('list_queues')
assert results.ok, results.errors
after = (ClientCreator.__dict__['_load_service_model'],
         ClientCreator.__dict__['_create_client_class'])
classes = set(type(sqs.regions[key].connection) for key in sqs.regions)
print('enabled=%s untouched=%s classes=%d' % (
    clientclasses.enabled, after == before, len(classes)))
'''


@pytest.fixture
def kw(moto_server):
    """Keywords that send a boto3 pool's requests to the moto server."""
    if not NEW_ENOUGH:
        pytest.skip('boto3 pools need Python 3.9+')
    pytest.importorskip('boto3')
    return {'endpoint_url': moto_server.url, 'aws_access_key_id': 'testing',
            'aws_secret_access_key': 'testing'}


def run_child(kw, variable=None, *args):
    env = dict(os.environ, PYTHONPATH=child_pythonpath())
    env.pop('MANGROVE_SHARE_CLIENT_CLASSES', None)
    if variable is not None:
        env['MANGROVE_SHARE_CLIENT_CLASSES'] = variable
    output = subprocess.check_output(
        [sys.executable, '-c', CHILD, kw['endpoint_url']] + list(args),
        env=env, stderr=subprocess.STDOUT)
    return output.decode('utf-8', 'replace').strip().splitlines()[-1]


@pytest.mark.parametrize('variable', ['0', 'off', ' False '])
def test_the_environment_variable_leaves_botocore_untouched(kw, variable):
    assert run_child(kw, variable) == \
        'enabled=False untouched=True classes=2'


def test_enabled_false_leaves_botocore_untouched(kw):
    assert run_child(kw, None, 'off') == \
        'enabled=False untouched=True classes=2'


@pytest.mark.parametrize('variable', [None, '1', ''])
def test_by_default_clients_of_a_service_share_one_class(kw, variable):
    # The check above tells the two apart: here botocore's methods are
    # replaced and the two regions' clients have one class.
    assert run_child(kw, variable) == \
        'enabled=True untouched=False classes=1'


def inventory(kw):
    """What a ClientPool fan-out over two regions answers, in plain data,
    and how many classes its clients have."""
    from mangrove.pool.client import client_pool
    regions = ['us-east-1', 'eu-west-1']
    sqs = client_pool('sqs', connect=True, regions=regions, **kw)
    ec2 = client_pool('ec2', connect=True, regions=regions, **kw)
    queues = sqs.call('list_queues')
    groups = ec2.paginate('describe_security_groups',
                          search='SecurityGroups[].GroupName')
    zones = ec2.map(lambda client: sorted(
        zone['ZoneName'] for zone in
        client.describe_availability_zones()['AvailabilityZones']))
    for results in (queues, groups, zones):
        assert results.ok, results.errors
    answers = {
        'queues': dict((key, sorted(url.rsplit('/', 1)[1] for url in
                                    value.get('QueueUrls', [])))
                       for key, value in queues.items()),
        'groups': dict(groups.items()),
        'zones': dict(zones.items()),
    }
    classes = set(type(pool.regions[key].connection)
                  for pool in (sqs, ec2) for key in pool.regions)
    return answers, len(classes)


def test_a_client_pool_fan_out_gives_the_same_results_switched_off(
        kw, monkeypatch):
    from mangrove.clients import classes as clientclasses
    from mangrove.pool.client import client_pool
    maker = client_pool('sqs', connect=True, regions=['eu-west-1'], **kw)
    maker.regions.eu_west_1.create_queue(QueueName='billing')

    monkeypatch.setattr(clientclasses, 'enabled', True)
    shared, shared_classes = inventory(kw)
    monkeypatch.setattr(clientclasses, 'enabled', False)
    whole, whole_classes = inventory(kw)

    assert whole == shared
    assert shared['queues'] == {'us_east_1': [], 'eu_west_1': ['billing']}
    assert shared['groups'] == {'us_east_1': ['default'],
                                'eu_west_1': ['default']}
    assert all(shared['zones'].values())
    # One class per service shared; one per client built whole.
    assert (shared_classes, whole_classes) == (2, 4)
