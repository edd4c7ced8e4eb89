# -*- coding: utf-8 -*-
"""Account pools of boto3 clients: ``AccountPool`` with a
:class:`~mangrove.pool.client.ClientPool` class, against the moto server,
which keeps state per account for assumed-role credentials. Each account's
clients sign with the role's credentials through the pool's credential
holder, asked again before they expire."""
from __future__ import absolute_import

import pickle
import sys

import pytest

from mangrove.pool.client import ClientPool

PROD, DEV = '111111111111', '222222222222'
REGIONS = ['us-east-1', 'eu-west-1']


class Ec2Clients(ClientPool):
    service = 'ec2'


@pytest.fixture
def fleet(moto_server):
    if sys.version_info < (3, 9):
        pytest.skip('boto3 pools need Python 3.9+')
    pytest.importorskip('boto3')
    from mangrove.accounts import AccountPool
    return AccountPool(Ec2Clients, [PROD, DEV], role_name='Audit',
                       regions=REGIONS, endpoint_url=moto_server.url,
                       aws_access_key_id='testing',
                       aws_secret_access_key='testing')


@pytest.mark.slow
def test_each_accounts_clients_act_in_that_account(fleet):
    fleet.accounts[PROD].regions.us_east_1.create_security_group(
        GroupName='prod-only', Description='made in prod')
    results = fleet.call('describe_security_groups')
    assert results.ok
    assert list(results) == [(PROD, 'us_east_1'), (PROD, 'eu_west_1'),
                             (DEV, 'us_east_1'), (DEV, 'eu_west_1')]
    for (account, region), value in results.items():
        groups = value['SecurityGroups']
        assert set(g['OwnerId'] for g in groups) == set([account])
        assert ('prod-only' in [g['GroupName'] for g in groups]) == (
            (account, region) == (PROD, 'us_east_1'))
    owners = fleet.paginate('describe_security_groups',
                            search='SecurityGroups[].OwnerId')
    assert owners[DEV, 'eu-west-1'] == [DEV]
    client = fleet.accounts[DEV].regions.eu_west_1.connection
    frozen = client._request_signer._credentials.get_frozen_credentials()
    assert frozen.token and frozen.access_key != 'testing'


@pytest.mark.slow
def test_an_account_pool_of_clients_pickles(fleet):
    fleet.call('describe_security_groups').raise_for_errors()
    again = pickle.loads(pickle.dumps(fleet))
    results = again.call('describe_security_groups', accounts=[DEV])
    assert results.ok and set(owner for owner, _ in results) == set([DEV])
