# -*- coding: utf-8 -*-
"""``mangrove call ... --accounts``: the table grouped by account, JSON
keyed account -> region, a failed account under "errors" and exit status
1, the organization's accounts, usage errors; and never a secret printed.
Run as a subprocess against the session's moto server."""
from __future__ import absolute_import

import collections
import json

import pytest

from mangrove.testing import write_boto_config

from clirun import loads, mangrove
from bed.accounts import organization_with_units, refuse

PROD, DEV, REFUSED = '111111111111', '222222222222', '444444444444'


@pytest.fixture
def proxy_config(proxy, tmpdir):
    """A boto config that sends every request through the proxy."""
    return write_boto_config(str(tmpdir.join('proxy.cfg')), proxy.port)


def make_queue(account, name):
    from mangrove.accounts import AccountPool
    from mangrove.services import SqsPool
    fleet = AccountPool(SqsPool, [account], role_name='Audit',
                        regions=['us-east-1'])
    fleet.accounts[account].regions.us_east_1.create_queue(name)


@pytest.mark.slow
def test_the_table_is_grouped_by_account():
    make_queue(DEV, 'dev-jobs')
    result = mangrove('call', 'sqs', 'get_all_queues', '--accounts',
                      '%s,%s' % (PROD, DEV), '--role-name', 'Audit',
                      '--regions', 'us-east-1,eu-west-1')
    assert result.status == 0, result.err
    assert result.err == ''
    lines = result.out.splitlines()
    assert lines[0] == 'account 111111111111:'
    assert lines[1].strip() == 'us-east-1: 0 results'
    assert lines[2].strip() == 'eu-west-1: 0 results'
    assert lines[3] == 'account 222222222222:'
    assert lines[4].strip() == 'us-east-1: 1 result'
    assert 'dev-jobs' in '\n'.join(lines[5:8])
    assert lines[-1].startswith('2 accounts: 1 result in 1 of 4 regions')


@pytest.mark.slow
def test_json_is_keyed_by_account_then_region():
    make_queue(PROD, 'prod-jobs')
    result = mangrove('call', 'sqs', 'get_all_queues', '--json',
                      '--accounts', '%s,%s' % (PROD, DEV),
                      '--role-arn', 'arn:aws:iam::{account}:role/Audit',
                      '--regions', 'us-east-1')
    assert result.status == 0, result.err
    data = loads(result.out)
    assert list(data) == [PROD, DEV]
    assert list(data[PROD]) == ['us-east-1']
    assert [q['name'] for q in data[PROD]['us-east-1']] == ['prod-jobs']
    assert data[DEV]['us-east-1'] == []


@pytest.mark.slow
def test_a_failed_account_is_under_errors_and_exits_1(proxy, proxy_config):
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    env = {'BOTO_CONFIG': proxy_config}
    result = mangrove('call', 'ec2', 'get_all_zones', '--json', '--accounts',
                      '%s,%s' % (PROD, REFUSED), '--role-name', 'Audit',
                      '--regions', 'us-east-1,eu-west-1', env=env)
    assert result.status == 1
    data = loads(result.out)
    assert list(data) == [PROD, 'errors']
    assert list(data[PROD]) == ['us-east-1', 'eu-west-1']
    error = data['errors'][REFUSED]
    assert error['error'] == 'AssumeRoleError'
    assert error['role'] == 'arn:aws:iam::444444444444:role/Audit'
    assert error['code'] == 'AccessDenied' and error['status'] == 403
    assert 'account 444444444444: cannot assume role' in error['message']
    assert 'mangrove: 1 of 2 accounts failed:' in result.err
    assert 'Traceback' not in result.err

    text = mangrove('call', 'ec2', 'get_all_zones', '--accounts',
                    '%s,%s' % (REFUSED, PROD), '--role-name', 'Audit',
                    '--regions', 'us-east-1', env=env)
    assert text.status == 1
    lines = text.out.splitlines()
    assert lines[0] == 'account 444444444444: AssumeRoleError (see below)'
    assert lines[1] == 'account 111111111111:'
    assert lines[-1].startswith('2 accounts (1 failed): ')
    assert text.err.splitlines()[1].startswith(
        '  444444444444: account 444444444444: cannot assume role '
        'arn:aws:iam::444444444444:role/Audit: AccessDenied (HTTP 403)')


def jsonl_lines(out):
    # In the order written: a plain dict on 2.7 would follow the hash seed
    # tox sets.
    return [json.loads(line, object_pairs_hook=collections.OrderedDict)
            for line in out.splitlines()]


@pytest.mark.slow
def test_jsonl_is_a_line_per_account_and_region_and_one_per_failed_account(
        proxy, proxy_config):
    make_queue(DEV, 'dev-lines')
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    result = mangrove('call', 'sqs', 'get_all_queues', '--jsonl',
                      '--accounts', '%s,%s,%s' % (PROD, REFUSED, DEV),
                      '--role-name', 'Audit',
                      '--regions', 'us-east-1,eu-west-1',
                      env={'BOTO_CONFIG': proxy_config})
    assert result.status == 1
    lines = jsonl_lines(result.out)
    found = dict(((line['account'], line.get('region')), line)
                 for line in lines)
    assert len(found) == len(lines) == 5
    assert sorted(found) == sorted(
        [(account, region) for account in (PROD, DEV)
         for region in ('us-east-1', 'eu-west-1')] + [(REFUSED, None)])
    for (account, region), line in found.items():
        if account == REFUSED:
            assert list(line) == ['account', 'error']
            assert line['error']['error'] == 'AssumeRoleError'
            assert line['error']['role'] == \
                'arn:aws:iam::444444444444:role/Audit'
        else:
            assert list(line) == ['account', 'region', 'result']
    assert [q['name'] for q in found[DEV, 'us-east-1']['result']] == [
        'dev-lines']
    assert found[PROD, 'us-east-1']['result'] == []
    assert 'mangrove: 1 of 3 accounts failed:' in result.err
    assert 'regions failed' not in result.err
    assert 'Traceback' not in result.err

    # Several services: "service" before "region".
    both = mangrove('call', 'ec2,autoscale', 'get_all_tags', '--jsonl',
                    '--accounts', DEV, '--role-name', 'Audit',
                    '--regions', 'us-east-1')
    assert both.status == 0, both.err
    lines = jsonl_lines(both.out)
    assert sorted(line['service'] for line in lines) == ['autoscale', 'ec2']
    assert all(list(line) == ['account', 'service', 'region', 'result']
               for line in lines)


@pytest.mark.slow
def test_every_account_of_the_organization(tmpdir):
    from mangrove.accounts.organizations import OrganizationsConnection
    conn = OrganizationsConnection()
    conn.request('CreateOrganization', {'FeatureSet': 'ALL'})
    members = [conn.request('CreateAccount', {
        'AccountName': 'm%d' % n, 'Email': 'm%d@example.com' % n})[
            'CreateAccountStatus']['AccountId'] for n in range(3)]
    conn.close()
    result = mangrove('call', 'sqs', 'get_all_queues', '--json',
                      '--accounts', 'organization', '--role-name', 'Audit',
                      '--regions', 'us-east-1', '--skip-accounts',
                      members[1])
    assert result.status == 0, result.err
    assert list(loads(result.out)) == [members[0], members[2]]
    with_caller = mangrove('call', 'sqs', 'get_all_queues', '--json',
                           '--accounts', 'organization', '--role-name',
                           'Audit', '--regions', 'us-east-1',
                           '--include-caller')
    assert list(loads(with_caller.out)) == ['123456789012'] + members


@pytest.mark.slow
def test_no_secret_is_ever_printed(proxy, proxy_config):
    make_queue(PROD, 'prod-jobs')
    result = mangrove('call', 'sqs', 'get_all_queues', '--accounts', PROD,
                      '--role-name', 'Audit', '--regions', 'us-east-1',
                      env={'BOTO_CONFIG': proxy_config})
    assert result.status == 0
    sent = [r['security_token'] for r in proxy.records if r['security_token']]
    assert sent  # the queue's request went with the role's token
    for token in sent:
        assert token not in result.out and token not in result.err


@pytest.mark.parametrize('args, expected', [
    (['--accounts', PROD], '--role-name NAME or --role-arn ARN'),
    (['--accounts', '1234', '--role-name', 'Audit'], '12 digits'),
    (['--accounts', PROD, '--role-arn', 'arn:aws:iam::1:role/X'],
     '{account}'),
    (['--accounts', PROD, '--role-name', 'Audit',
      '--organizational-units', 'ou-ab12-cdef3456'], 'organization'),
    (['--accounts', PROD, '--role-name', 'Audit', '--duration', '60'],
     '--duration takes whole seconds from 900 to 43200 (what STS allows), '
     'not 60'),
    (['--accounts', PROD, '--role-name', 'Audit', '--duration', '1800.5'],
     'not 1800.5'),
    (['--accounts', PROD, '--role-name', 'Audit', '--duration', '43201'],
     'not 43201'),
    (['--accounts', PROD, '--role-name', 'Audit', '--duration', 'soon'],
     '--duration'),
    (['--accounts', PROD, '--role-name', 'Audit', '--session-name', 'a b'],
     'session_name'),
    (['--accounts', PROD, '--role-name', 'Audit', '--external-id', 'x'],
     'external_id'),
    (['--accounts', PROD, '--role-name', 'Audit', '--skip-accounts', '12'],
     '12 digits'),
])
def test_bad_account_options_are_one_line_and_status_2(args, expected):
    result = mangrove('call', 'ec2', 'get_all_zones', '--regions',
                      'us-east-1', *args)
    assert result.status == 2
    assert result.out == ''
    assert len(result.err.splitlines()) == 1
    assert expected in result.err


@pytest.mark.slow
def test_role_options_reach_sts(proxy, proxy_config):
    # What STS received, read at the proxy: the parameters of each
    # AssumeRole (forwarded to moto, which answers it).
    sent = []

    def record(param):
        sent.append(dict((name, param(name)) for name in (
            'RoleArn', 'RoleSessionName', 'ExternalId', 'DurationSeconds')))
        return None
    proxy.answers['AssumeRole'] = record
    result = mangrove('call', 'ec2', 'get_all_zones', '--json', '--accounts',
                      '%s,%s' % (PROD, DEV), '--role-name', 'Audit',
                      '--external-id', 'partner-7f3a', '--session-name',
                      'nightly-audit', '--duration', '1800',
                      '--regions', 'us-east-1',
                      env={'BOTO_CONFIG': proxy_config})
    assert result.status == 0, result.err
    assert list(loads(result.out)) == [PROD, DEV]
    assert sorted(sent, key=lambda s: s['RoleArn']) == [
        {'RoleArn': 'arn:aws:iam::%s:role/Audit' % account,
         'RoleSessionName': 'nightly-audit', 'ExternalId': 'partner-7f3a',
         'DurationSeconds': '1800'} for account in (PROD, DEV)]
    # Left out, STS gets mangrove's defaults and no external id.
    del sent[:]
    result = mangrove('call', 'ec2', 'get_all_zones', '--accounts', PROD,
                      '--role-name', 'Audit', '--regions', 'us-east-1',
                      env={'BOTO_CONFIG': proxy_config})
    assert result.status == 0, result.err
    assert sent == [{'RoleArn': 'arn:aws:iam::%s:role/Audit' % PROD,
                     'RoleSessionName': 'mangrove', 'ExternalId': None,
                     'DurationSeconds': '3600'}]


@pytest.fixture
def organization():
    """Four member accounts: two in ``prod`` (one of them in ``prod-eu``
    inside it), two at the root."""
    return organization_with_units(['member-%d' % n for n in range(4)])


@pytest.mark.slow
def test_organizational_units_and_skipped_accounts(organization):
    members = organization['members']
    make_queue(members[1], 'eu-jobs')
    common = ('call', 'sqs', 'get_all_queues', '--accounts', 'organization',
              '--role-name', 'Audit', '--regions', 'us-east-1')
    # A unit includes the units inside it.
    result = mangrove(*common + ('--json', '--organizational-units',
                                 organization['prod']))
    assert result.status == 0, result.err
    data = loads(result.out)
    assert list(data) == members[:2]
    assert data[members[0]] == {'us-east-1': []}
    assert [q['name'] for q in data[members[1]]['us-east-1']] == ['eu-jobs']

    inner = mangrove(*common + ('--json', '--organizational-units',
                                organization['inner']))
    assert list(loads(inner.out)) == [members[1]]
    # Two units, one account of them skipped: the table, by account.
    units = '%s,%s' % (organization['prod'], organization['inner'])
    text = mangrove(*common + ('--organizational-units', units,
                               '--skip-accounts', members[0]))
    assert text.status == 0, text.err
    lines = text.out.splitlines()
    assert lines[0] == 'account %s (member-1):' % members[1]
    assert lines[1].strip() == 'us-east-1: 1 result'
    assert [line for line in lines if line.startswith('account ')] == \
        [lines[0]]
    assert lines[-1].startswith('1 account: 1 result in 1 of 1 regions')
    # Skipped accounts alone, from the whole organization.
    rest = mangrove(*common + ('--json', '--skip-accounts',
                               '%s,%s' % (members[0], members[3])))
    assert list(loads(rest.out)) == members[1:3]


@pytest.mark.slow
def test_a_unit_the_organization_lacks_is_one_line_and_status_1(
        organization):
    result = mangrove('call', 'sqs', 'get_all_queues', '--accounts',
                      'organization', '--role-name', 'Audit', '--regions',
                      'us-east-1', '--organizational-units',
                      'ou-zzzz-zzzzzzzz')
    assert result.status == 1
    assert result.out == ''
    assert result.err.startswith('mangrove: error: cannot list the '
                                 'accounts: ')
    assert 'ParentNotFoundException' in result.err
    assert len(result.err.splitlines()) == 1
