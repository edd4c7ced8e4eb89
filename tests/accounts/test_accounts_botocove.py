# -*- coding: utf-8 -*-
"""An account pool and botocove (boto3's account fan-out) side by side,
against the suite's moto server: over the same organization they reach the
same accounts, narrowed to the same organizational unit, and see the same
state in each account and region, whichever of the two made it.

botocove installs on Python 3.8 and newer (``pip install
'boto-mangrove[botocove]'``); elsewhere these tests skip, saying so. It
makes its boto3 clients itself, from a session it is given or boto3's own
lookup: the session here carries the suite's keys, and
``AWS_ENDPOINT_URL`` sends every client it makes (STS, Organizations, then
each account's session's clients) straight to the moto server, which keeps
state per region (from each request's signature) and per account (from
the assumed role's credentials), as it does for boto's requests.
"""
from __future__ import absolute_import

import sys

import pytest

from mangrove.accounts import AccountPool
from mangrove.services import Ec2Pool
from mangrove.testing import TEST_CREDENTIALS

from bed.accounts import organization_with_units

REGIONS = ['us-east-1', 'eu-west-1']

# Every test here is slow: a botocove run or an account fan-out over
# a proxy beside it (see conftest.py).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.version_info < (3, 8),
        reason='botocove needs Python 3.8+ (the botocove extra installs it '
               'there)')]


@pytest.fixture
def cove(moto_server, monkeypatch):
    """botocove's ``cove`` decorator, its clients pointed at moto."""
    pytest.importorskip('botocove', reason="botocove is not installed "
                        "(pip install 'boto-mangrove[botocove]')")
    monkeypatch.setenv('AWS_ENDPOINT_URL', moto_server.url)
    # No progress bar on the test's output.
    monkeypatch.setenv('TQDM_DISABLE', '1')
    from botocove import cove
    return cove


@pytest.fixture
def organization():
    """Three member accounts: two in ``prod`` (one of them in a unit
    inside it), one at the root."""
    return organization_with_units(['m%d' % n for n in range(3)])


def assuming_session():
    import boto3
    return boto3.Session(
        aws_access_key_id=TEST_CREDENTIALS['aws_access_key_id'],
        aws_secret_access_key=TEST_CREDENTIALS['aws_secret_access_key'],
        region_name='us-east-1')


def cove_groups(cove, **options):
    """``(account, region) -> sorted security group names``, by botocove."""
    @cove(rolename='Audit', regions=REGIONS,
          assuming_session=assuming_session(), **options)
    def groups(session):
        found = session.client('ec2').describe_security_groups()
        return sorted(g['GroupName'] for g in found['SecurityGroups'])

    output = groups()
    assert output['Exceptions'] == [] and output['FailedAssumeRole'] == []
    return dict(((r['Id'], r['Region']), r['Result'])
                for r in output['Results'])


def pool_groups(fleet):
    """The same, by the account pool."""
    results = fleet.call('get_all_security_groups')
    results.raise_for_errors()
    return dict(((account, key.replace('_', '-')),
                 sorted(g.name for g in groups))
                for (account, key), groups in results.items())


def test_both_see_the_same_accounts_and_the_same_state(cove, organization):
    members = organization['members']
    fleet = AccountPool(Ec2Pool, 'organization', role_name='Audit',
                        regions=REGIONS)
    # Neither includes the calling account by default.
    assert list(fleet.accounts) == members
    fleet.accounts[members[1]].regions.us_east_1.create_security_group(
        'made-by-mangrove', 'in one account and region')

    @cove(target_ids=[members[2]], rolename='Audit', regions=['eu-west-1'],
          assuming_session=assuming_session())
    def make(session):
        return session.client('ec2').create_security_group(
            GroupName='made-by-botocove',
            Description='in one account and region')['GroupId']

    made = make()
    assert [r['Id'] for r in made['Results']] == [members[2]]

    theirs = cove_groups(cove)
    ours = pool_groups(fleet)
    assert sorted(ours) == sorted(theirs) == sorted(
        (a, r) for a in members for r in REGIONS)
    assert ours == theirs
    where = dict((name, [key for key, names in ours.items()
                         if name in names])
                 for name in ('made-by-mangrove', 'made-by-botocove'))
    assert where == {'made-by-mangrove': [(members[1], 'us-east-1')],
                     'made-by-botocove': [(members[2], 'eu-west-1')]}


def test_both_narrow_to_a_unit_and_the_units_inside_it(cove, organization):
    members = organization['members']
    fleet = AccountPool(Ec2Pool, 'organization', role_name='Audit',
                        regions=REGIONS,
                        organizational_units=[organization['prod']])
    assert list(fleet.accounts) == members[:2]
    theirs = cove_groups(cove, target_ids=[organization['prod']])
    assert pool_groups(fleet) == theirs
    assert sorted(set(a for a, _ in theirs)) == sorted(members[:2])
