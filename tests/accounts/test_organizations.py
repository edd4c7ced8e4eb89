# -*- coding: utf-8 -*-
"""The accounts of an AWS Organization, from the suite's moto server:
listed page after page, only the active ones, narrowed to organizational
units (and those inside them) and by a skip list, the calling account in or
out; and an account pool over them."""
from __future__ import absolute_import

import pytest

from mangrove.accounts import AccountPool
from mangrove.accounts.organizations import (
    OrganizationsConnection, organization_accounts)
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, OrganizationsError)
from mangrove.services import SqsPool

from bed.accounts import organization_with_units

CALLER = '123456789012'  # moto's account for the suite's keys


@pytest.fixture
def organization():
    """An organization of 12 member accounts: 3 in ``ou-prod`` (one of
    them in ``ou-prod-eu`` inside it), 1 suspended, the rest at the root.
    """
    made = organization_with_units(
        ['member %d' % number for number in range(12)], in_prod=2)
    with OrganizationsConnection() as conn:
        conn.request('CloseAccount', {'AccountId': made['members'][11]})
    return dict(root=made['root'], prod=made['prod'],
                prod_eu=made['inner'], members=made['members'])


def test_every_active_account_page_after_page(organization):
    members = organization['members']
    with OrganizationsConnection(page_size=5) as conn:
        everything = conn.list_accounts()
        assert len(everything) == 13   # 3 pages of 5
        active = organization_accounts(conn)
    assert [a.id for a in active] == [CALLER] + members[:11]
    assert active[1].name == 'member 0' and active[1].status == 'ACTIVE'
    assert members[11] in [a.id for a in everything]


@pytest.mark.slow
def test_narrowed_to_units_and_without_those_skipped(organization):
    members = organization['members']
    with OrganizationsConnection(page_size=2) as conn:
        prod = organization_accounts(conn, [organization['prod']])
        assert [a.id for a in prod] == members[:3]  # ou-prod-eu's too
        assert [a.id for a in organization_accounts(
            conn, [organization['prod_eu']])] == [members[2]]
        assert [a.id for a in organization_accounts(
            conn, [organization['prod']], skip=[members[1]])] == \
            [members[0], members[2]]
        with pytest.raises(OrganizationsError) as info:
            organization_accounts(conn, ['ou-zzzz-zzzzzzzz'])
        assert info.value.error_code == 'ParentNotFoundException'


@pytest.mark.slow
def test_an_account_pool_over_the_organization(organization):
    members = organization['members']
    fleet = AccountPool(SqsPool, 'organization', role_name='Audit',
                        regions=['us-east-1'], page_size=4,
                        skip_accounts=[members[3]])
    assert fleet.caller_account == CALLER
    # The calling account is left out unless asked for.
    assert list(fleet.accounts) == members[:3] + members[4:11]
    assert fleet.accounts.names['member_0'] == members[0]
    fleet.accounts.member_4.regions.us_east_1.create_queue('only-here')
    queues = fleet.call('get_all_queues')
    assert queues.ok
    assert [key[0] for key, found in queues.items() if found] == \
        [members[4]]

    prod = AccountPool(SqsPool, 'organization', role_name='Audit',
                       regions=['us-east-1'],
                       organizational_units=[organization['prod']],
                       include_caller=True)
    assert list(prod.accounts) == members[:3]
    everyone = AccountPool(SqsPool, 'organization', role_name='Audit',
                           regions=['us-east-1'], include_caller=True)
    assert list(everyone.accounts)[0] == CALLER
    # The caller's account is reached with the caller's own credentials.
    assert everyone.accounts.role_arn(CALLER) is None
    assert 'caller\'s credentials' in repr(everyone.accounts)
    everyone.accounts[CALLER].regions.us_east_1.create_queue('caller-q')
    found = everyone.call('get_all_queues')
    assert [q.name for q in found[CALLER, 'us-east-1']] == ['caller-q']
    assert [q.name for q in found[members[4], 'us-east-1']] == ['only-here']


@pytest.mark.slow
def test_no_organization_is_an_error_that_says_so():
    with pytest.raises(OrganizationsError) as info:
        AccountPool(SqsPool, 'organization', role_name='Audit',
                    regions=['us-east-1'])
    assert info.value.error_code == 'AWSOrganizationsNotInUseException'
    assert 'DescribeOrganization' in str(info.value)


@pytest.mark.parametrize('kwargs, error', [
    (dict(organizational_units='ou-ab12-cdef3456'),
     InvalidArgumentTypeError),
    (dict(organizational_units=['prod']), InvalidArgumentError),
    (dict(page_size=0), InvalidArgumentTypeError),
    (dict(skip_accounts=['1']), InvalidArgumentError),
])
def test_bad_organization_arguments(kwargs, error):
    with pytest.raises(error):
        AccountPool(SqsPool, 'organization', role_name='Audit',
                    regions=['us-east-1'], **kwargs)
