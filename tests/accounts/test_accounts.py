# -*- coding: utf-8 -*-
"""Account pools against the suite's moto server: each account's pool acts
in its own account (moto keeps state per account for assumed-role
credentials), results keyed by account, narrowing, a role that cannot be
assumed failing alone and once, assumption inside the fan-out, pickling,
input checks."""
from __future__ import absolute_import

import collections
import copy
import pickle

import pytest

from mangrove import ServiceMixinPool
from mangrove import services
from mangrove.accounts import AccountPool
from mangrove.exceptions import (
    AccountAttributeError, AssumeRoleError, FanOutError,
    InvalidArgumentError, InvalidArgumentTypeError, InvalidServiceError,
    RegionNotInPoolError, UnknownAccountError, UnknownMethodError)
from mangrove.services import Ec2Pool

from bed.accounts import check_refused_alone, refuse, through
from bed.throttle import access_key

PROD, DEV, TEST = '111111111111', '222222222222', '333333333333'
REFUSED = '444444444444'
REGIONS = ['us-east-1', 'eu-west-1']

# The caller's own long-term keys, given to the pool (the test bed's
# BOTO_CONFIG has others: 'testing').
CALLER = dict(aws_access_key_id='AKIACALLERKEPTHERE00',
              aws_secret_access_key='CallerSecretKeptHere0123456789abcdefghij',
              security_token='CallerSessionTokenKeptHere0123456789')


class Inventory(ServiceMixinPool):
    services = {'ec2': {}, 'sqs': {}}


def named(**accounts):
    """Accounts by name, in id order (a dict has no order on 2.7)."""
    return collections.OrderedDict(sorted(accounts.items(),
                                          key=lambda item: item[1]))


def access_denied(account):
    """A proxy answer: STS refuses AssumeRole of ``account``'s role."""
    body = (u'<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied'
            u'</Code><Message>User: arn:aws:iam::123456789012:user/ci is not '
            u'authorized to perform: sts:AssumeRole on resource: %s'
            u'</Message></Error><RequestId>bed</RequestId></ErrorResponse>')

    def answer(param):
        arn = param('RoleArn') or ''
        if ':%s:' % account in arn:
            return 403, 'text/xml', (body % arn).encode('utf-8')
        return None
    return answer


@pytest.mark.slow
def test_each_account_pool_acts_in_its_own_account():
    fleet = AccountPool(Ec2Pool, named(prod=PROD, dev=DEV),
                        role_name='Audit', regions=REGIONS)
    fleet.accounts.prod.regions.us_east_1.create_security_group(
        'prod-only', 'made in prod')
    results = fleet.call('get_all_security_groups')
    assert results.ok
    assert list(results) == [(PROD, 'us_east_1'), (PROD, 'eu_west_1'),
                             (DEV, 'us_east_1'), (DEV, 'eu_west_1')]
    names = dict((key, sorted(g.name for g in groups))
                 for key, groups in results.items())
    assert 'prod-only' in names[PROD, 'us_east_1']
    assert 'prod-only' not in names[DEV, 'us_east_1']
    assert 'prod-only' not in names[PROD, 'eu_west_1']
    for (account, _), groups in results.items():
        assert set(g.owner_id for g in groups) == set([account])
    # Either spelling of a region, as for any pool's results.
    assert results[PROD, 'us-east-1'] is results[(PROD, 'us_east_1')]
    # The caller's own account sees none of it.
    caller = Ec2Pool(connect=True, regions=['us-east-1'])
    assert 'prod-only' not in [
        g.name for g in caller.regions.us_east_1.get_all_security_groups()]


@pytest.mark.slow
def test_a_multi_service_pool_in_every_account():
    fleet = AccountPool(Inventory, [PROD, TEST], role_name='Audit',
                        regions=['us-east-1'])
    fleet.accounts[TEST].sqs.regions.us_east_1.create_queue('test-jobs')
    queues = fleet.call('get_all_queues')
    assert list(queues) == [(PROD, 'sqs', 'us_east_1'),
                            (TEST, 'sqs', 'us_east_1')]
    assert [q.name for q in queues[TEST, 'sqs', 'us-east-1']] == \
        ['test-jobs']
    assert queues[PROD, 'sqs', 'us_east_1'] == []
    hosts = fleet.map(lambda region: region.host)
    assert list(hosts) == [(PROD, 'ec2', 'us_east_1'),
                           (PROD, 'sqs', 'us_east_1'),
                           (TEST, 'ec2', 'us_east_1'),
                           (TEST, 'sqs', 'us_east_1')]
    only = fleet.map(lambda region: region.host, services=['sqs'],
                     accounts=[TEST])
    assert list(only) == [(TEST, 'sqs', 'us_east_1')]


@pytest.mark.slow
def test_narrowing_by_account_region_and_service():
    fleet = AccountPool(Ec2Pool, named(prod=PROD, dev=DEV, test=TEST),
                        role_name='Audit', regions=REGIONS)
    results = fleet.call('get_all_zones', accounts=['dev', PROD],
                         regions=['eu_west_1'])
    # In the order asked for, as a pool's regions= keeps it.
    assert list(results) == [(DEV, 'eu_west_1'), (PROD, 'eu_west_1')]
    assert all(z.name.startswith('eu-west-1') for z in results[DEV,
                                                               'eu-west-1'])
    with pytest.raises(UnknownAccountError) as info:
        fleet.call('get_all_zones', accounts=['111111111112'])
    assert "'111111111112'" in str(info.value) and PROD in str(info.value)
    assert isinstance(info.value, KeyError)
    with pytest.raises(RegionNotInPoolError) as info:
        fleet.call('get_all_zones', regions=['us-west-2'])
    with pytest.raises(InvalidArgumentError):
        fleet.call('get_all_zones', services=['ec2'])
    with pytest.raises(UnknownMethodError) as info:
        fleet.call('get_all_zone')
    assert 'get_all_zones' in str(info.value)
    mixed = AccountPool(Inventory, [PROD], role_name='Audit',
                        regions=['us-east-1'])
    with pytest.raises(InvalidServiceError) as info:
        mixed.call('get_all_queues', services=['sns'])
    assert 'sqs' in str(info.value)
    # Nothing was assumed for the calls refused.
    assert not mixed.accounts.assumed(PROD)


def test_accounts_read_naturally_in_a_console():
    fleet = AccountPool(Ec2Pool, collections.OrderedDict(
        [('Prod EU', PROD), ('dev', DEV)]),
                        role_name='Audit', regions=['us-east-1'])
    assert 'prod_eu' in dir(fleet.accounts)
    assert fleet.accounts._ipython_key_completions_()[:2] == [PROD, DEV]
    assert fleet.accounts.names == {'prod_eu': PROD, 'dev': DEV}
    assert PROD in fleet.accounts and 'dev' in fleet.accounts
    assert '999999999999' not in fleet.accounts
    assert repr(fleet) == '<AccountPool Ec2Pool: 2 accounts, role Audit>'
    assert repr(fleet.accounts) == (
        '<AccountMapping 2 accounts: 111111111111 (Prod EU, not used yet), '
        '222222222222 (dev, not used yet)>')
    assert fleet.accounts.prod_eu is fleet.accounts[PROD]
    assert '111111111111 (Prod EU, ready)' in repr(fleet.accounts)
    assert fleet.accounts.role_arn('dev') == \
        'arn:aws:iam::222222222222:role/Audit'
    with pytest.raises(AccountAttributeError) as info:
        fleet.accounts.prod_us
    assert "did you mean 'prod_eu'" in str(info.value)
    assert not hasattr(fleet.accounts, 'staging')


@pytest.mark.slow
def test_a_role_that_cannot_be_assumed_fails_once_and_alone(proxy):
    proxy.answers['AssumeRole'] = access_denied(REFUSED)
    fleet = AccountPool(Ec2Pool, [PROD, REFUSED, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    reported = []
    results = fleet.call('get_all_zones',
                         on_result=lambda *a: reported.append(a))
    error = check_refused_alone(results, REFUSED, [
        (PROD, 'us_east_1'), (PROD, 'eu_west_1'), (DEV, 'us_east_1'),
        (DEV, 'eu_west_1')])
    assert str(error).startswith(
        'account 444444444444: cannot assume role '
        'arn:aws:iam::444444444444:role/Audit: AccessDenied (HTTP 403)')
    # One AssumeRole for the refused account, whatever its regions.
    sent = [r for r in proxy.records if r['host'].startswith('sts.')]
    assert len(sent) == 3
    failures = [r for r in reported if r[2] is not None]
    assert [(k, type(e).__name__) for k, _, e in failures] == \
        [(REFUSED, 'AssumeRoleError')]
    assert len(reported) == 5
    with pytest.raises(FanOutError) as info:
        results.raise_for_errors()
    assert '444444444444: AssumeRoleError' in str(info.value)
    # Reaching the account directly says the same.
    with pytest.raises(AssumeRoleError):
        fleet.accounts[REFUSED]
    # Once the role can be assumed, the next fan-out has the account.
    proxy.answers.pop('AssumeRole')
    assert fleet.call('get_all_zones', accounts=[REFUSED]).ok


@pytest.mark.slow
def test_roles_are_assumed_inside_the_fan_out_at_once(proxy):
    # Every AssumeRole is held at the proxy until all of them have
    # arrived: proof that they are in flight together, not in sequence.
    proxy.faults['us-east-1'] = 'stall'
    accounts = ['1111111111%02d' % n for n in range(12)]
    fleet = AccountPool(Ec2Pool, accounts, role_name='Audit',
                        regions=['eu-west-1', 'eu-west-2'], **through(proxy))
    import threading
    done = []
    worker = threading.Thread(target=lambda: done.append(
        fleet.call('get_all_zones', timeout=60)))
    worker.daemon = True
    worker.start()
    try:
        proxy.wait_held(len(accounts), timeout=30)
    finally:
        proxy.release()
        proxy.faults.clear()
    worker.join(60)
    assert done and done[0].ok and len(done[0]) == 24
    assert len([r for r in proxy.records
                if r['host'].startswith('sts.')]) == len(accounts)


@pytest.mark.slow
def test_an_account_pool_pickles_to_its_settings(proxy):
    fleet = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                        regions=['us-east-1'], **through(proxy))
    assert fleet.call('get_all_zones').ok
    tokens = [fleet.accounts.slot(a).source.credentials.token
              for a in fleet.accounts]
    data = pickle.dumps(fleet)
    for token in tokens:
        assert token.encode('ascii') not in data
    copy = pickle.loads(data)
    assert list(copy.accounts) == [PROD, DEV]
    assert not copy.accounts.assumed(PROD)
    proxy.clear()
    assert copy.call('get_all_zones').ok
    assert len([r for r in proxy.records
                if r['host'].startswith('sts.')]) == 2
    # Asked for, the credentials travel and nothing is assumed again.
    keeping = AccountPool(Ec2Pool, [PROD], role_name='Audit',
                          regions=['us-east-1'], pickle_credentials=True,
                          **through(proxy))
    keeping.call('get_all_zones').raise_for_errors()
    token = keeping.accounts.slot(PROD).source.credentials.token
    data = pickle.dumps(keeping)
    assert token.encode('ascii') in data
    proxy.clear()
    assert pickle.loads(data).call('get_all_zones').ok
    assert not [r for r in proxy.records if r['host'].startswith('sts.')]


def sts_keys(proxy):
    """The access key ids that signed the STS requests the proxy saw."""
    return set(access_key(r['authorization'], r['path'], b'')
               for r in proxy.records if r['host'].startswith('sts.'))


def test_the_caller_keys_stay_out_of_a_pickle_unless_asked(proxy):
    fleet = AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                        regions=['us-east-1'],
                        **dict(CALLER, **through(proxy)))
    assert fleet.call('get_all_zones').ok
    assert sts_keys(proxy) == set([CALLER['aws_access_key_id']])
    tokens = [fleet.accounts.slot(a).source.credentials.token
              for a in fleet.accounts]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(fleet, protocol)
        for secret in list(CALLER.values()) + tokens:
            assert secret.encode('ascii') not in data, protocol
    # Unpickled (as a worker does), it asks STS with the credentials boto
    # finds here: the test bed's config.
    unpickled = pickle.loads(data)
    assert unpickled.settings.caller_keys_left_behind
    proxy.clear()
    assert unpickled.call('get_all_zones').ok
    assert sts_keys(proxy) == set(['testing'])
    # A copy in this process keeps them.
    assert copy.deepcopy(fleet.settings).caller_kwargs == \
        fleet.settings.caller_kwargs
    assert not copy.copy(fleet.settings).caller_keys_left_behind

    # Asked for, they travel, and the unpickled pool signs with them.
    keeping = AccountPool(Ec2Pool, [PROD], role_name='Audit',
                          regions=['us-east-1'], pickle_credentials=True,
                          **dict(CALLER, **through(proxy)))
    data = pickle.dumps(keeping)
    assert all(secret.encode('ascii') in data for secret in CALLER.values())
    unpickled = pickle.loads(data)
    assert not unpickled.settings.caller_keys_left_behind
    proxy.clear()
    assert unpickled.call('get_all_zones').ok
    assert sts_keys(proxy) == set([CALLER['aws_access_key_id']])
    for text in (repr(keeping), repr(unpickled), repr(unpickled.settings),
                 repr(unpickled.accounts.slot(PROD).source)):
        assert not any(secret in text for secret in CALLER.values())


def test_a_refusal_without_the_caller_keys_says_whose_were_used(proxy):
    proxy.answers['AssumeRole'] = refuse(REFUSED)
    fleet = AccountPool(Ec2Pool, [PROD, REFUSED], role_name='Audit',
                        regions=['us-east-1'],
                        **dict(CALLER, **through(proxy)))
    here = fleet.call('get_all_zones').errors[REFUSED]
    assert 'pickle_credentials' not in str(here)
    there = pickle.loads(pickle.dumps(fleet)).call(
        'get_all_zones').errors[REFUSED]
    assert isinstance(there, AssumeRoleError)
    assert 'AccessDenied' in str(there)
    assert "the caller's keys were not pickled" in str(there)
    assert 'pickle_credentials=True' in str(there)
    assert not any(secret in str(there) for secret in CALLER.values())


def test_the_caller_account_unpickled_without_its_keys_is_checked(proxy):
    # The caller's keys are a role's in PROD (moto then acts in PROD);
    # where the pool is unpickled without them, boto finds the test bed's,
    # of moto's default account.
    sts = services.StsPool(connect=True, regions=['us-east-1'],
                           **through(proxy))
    role = sts.regions.us_east_1.assume_role(
        'arn:aws:iam::%s:role/Caller' % PROD, 'caller').credentials
    fleet = AccountPool(Ec2Pool, [DEV], role_name='Audit',
                        regions=['us-east-1'], include_caller=True,
                        aws_access_key_id=role.access_key,
                        aws_secret_access_key=role.secret_key,
                        security_token=role.session_token, **through(proxy))
    assert fleet.caller_account == PROD
    assert fleet.call('get_all_zones').ok
    results = pickle.loads(pickle.dumps(fleet)).call('get_all_zones')
    # Not PROD's results made in another account: an error, under PROD.
    assert list(results) == [(DEV, 'us_east_1')]
    error = results.errors[PROD]
    assert isinstance(error, AssumeRoleError) and error.account == PROD
    assert "the caller's keys were not pickled" in str(error)
    assert 'of account 123456789012' in str(error)
    assert role.secret_key not in str(error)
    # Sent along, they serve.
    sent = AccountPool(Ec2Pool, [DEV], role_name='Audit',
                       regions=['us-east-1'], include_caller=True,
                       pickle_credentials=True,
                       aws_access_key_id=role.access_key,
                       aws_secret_access_key=role.secret_key,
                       security_token=role.session_token, **through(proxy))
    assert pickle.loads(pickle.dumps(sent)).call('get_all_zones').ok
    # And a caller whose own credentials are of its account anyway (the
    # same keys in a worker's environment) is reached with them.
    same = AccountPool(Ec2Pool, [DEV], role_name='Audit',
                       regions=['us-east-1'], include_caller=True,
                       **dict(CALLER, **through(proxy)))
    assert pickle.loads(pickle.dumps(same)).call('get_all_zones').ok


def test_pickle_credentials_is_true_or_false():
    for value in ('yes', 1, None):
        with pytest.raises(InvalidArgumentTypeError) as info:
            AccountPool(Ec2Pool, [PROD], role_name='Audit',
                        regions=['us-east-1'], pickle_credentials=value)
        assert 'pickle_credentials must be True or False' in str(
            info.value)
        assert repr(value) in str(info.value)


@pytest.mark.parametrize('kwargs, error', [
    (dict(pool_class=dict), InvalidArgumentTypeError),
    (dict(pool_class=ServiceMixinPool), InvalidArgumentTypeError),
    (dict(accounts=[111111111111]), InvalidArgumentTypeError),
    (dict(accounts=['11111111111']), InvalidArgumentError),
    (dict(accounts='111111111111'), InvalidArgumentTypeError),
    (dict(role_name=None), InvalidArgumentError),
    (dict(role_arn='arn:aws:iam::1:role/X'), InvalidArgumentError),
    (dict(role_name=None, role_arn='arn:aws:iam::111:role/X'),
     InvalidArgumentError),
    (dict(session_name='a b'), InvalidArgumentError),
    (dict(duration=0), InvalidArgumentError),
    (dict(duration=900.0), InvalidArgumentTypeError),
    (dict(pickle_credentials='yes'), InvalidArgumentTypeError),
    (dict(refresh_margin=-1), InvalidArgumentError),
    (dict(duration=900, refresh_margin=900), InvalidArgumentError),
    (dict(regions='enabled'), InvalidArgumentError),
    (dict(regions=['us-est-1']), InvalidArgumentError),
    (dict(credential_source=dict), InvalidArgumentError),
    (dict(skip_accounts='111111111111'), InvalidArgumentTypeError),
    (dict(organizational_units=['ou-ab12-cdef3456']),
     InvalidArgumentTypeError),
])
def test_bad_arguments_are_refused_with_what_is_valid(kwargs, error):
    arguments = dict(pool_class=Ec2Pool, accounts=[PROD], role_name='Audit',
                     regions=['us-east-1'])
    arguments.update(kwargs)
    with pytest.raises(error) as info:
        AccountPool(**arguments)
    assert str(info.value)


@pytest.mark.parametrize('name, value', [
    # What STS refuses, refused before any account is asked.
    ('duration', 899),
    ('duration', 1),
    ('duration', -900),
    ('duration', 43201),
    ('duration', 10 ** 12),
    # A trailing newline is no part of a name ('$' let it through).
    ('role_name', 'Audit\n'),
    ('session_name', 'mangrove\n'),
    ('external_id', 'shared-id\n'),
    ('role_arn', 'arn:{account}'),
    ('role_arn', 'arn:aws:iam::{account}:user/Audit'),
    ('role_arn', 'arn:aws:iam::{account}:role/Audit\n'),
])
def test_values_sts_would_refuse_are_refused_by_name(name, value):
    arguments = dict(pool_class=Ec2Pool, accounts=[PROD], role_name='Audit',
                     regions=['us-east-1'])
    if name == 'role_arn':
        arguments['role_name'] = None
    arguments[name] = value
    with pytest.raises(InvalidArgumentError) as info:
        AccountPool(**arguments)
    assert isinstance(info.value, ValueError)
    assert name in str(info.value) and repr(value) in str(info.value)
    if name == 'duration':   # and the range STS takes
        assert 'from 900 seconds (15 minutes) to 43200 (12 hours)' in str(
            info.value)


def test_role_arn_templates_of_every_partition_and_path_are_taken():
    for template in ('arn:aws:iam::{account}:role/Audit',
                     'arn:aws-cn:iam::{account}:role/ops/Audit',
                     'arn:aws-us-gov:iam::{account}:role/a+b=c,d.e@f-g_h'):
        fleet = AccountPool(Ec2Pool, [PROD], role_arn=template,
                            regions=['us-east-1'])
        assert fleet.settings.role == template


def test_map_accounts_runs_once_per_account_with_its_pool(proxy):
    proxy.answers['AssumeRole'] = access_denied(REFUSED)
    fleet = AccountPool(Ec2Pool, [PROD, REFUSED, DEV], role_name='Audit',
                        regions=REGIONS, **through(proxy))
    counts = fleet.map_accounts(lambda pool: len(pool.regions))
    assert list(counts.items()) == [(PROD, 2), (DEV, 2)]
    assert isinstance(counts.errors[REFUSED], AssumeRoleError)
    assert fleet.accounts[PROD] is fleet.accounts['111111111111']
