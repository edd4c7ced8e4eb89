# -*- coding: utf-8 -*-
"""An account pool's temporary credentials: replaced before they expire,
one AssumeRole per account however many threads ask, never an expired
token on the wire, a forked child that carries on, and no secret in any
repr, error or log line. Counted and read at the fault proxy in front of
moto; expiry is reached by moving a clock of the test's on (see
bed/clock.py), never waited for: STS gives at least 900 seconds."""
from __future__ import absolute_import

import logging
import os
import pickle

import pytest

from mangrove import ServiceMixinPool
from mangrove.accounts import AccountPool
from mangrove.services import Ec2Pool, SqsPool

from bed.accounts import through
from bed.clock import credentials_clock

ACCOUNTS = ['2222222222%02d' % n for n in range(8)]
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']


class Inventory(ServiceMixinPool):
    services = {'ec2': {}, 'sqs': {}}


def sts_records(proxy):
    return [r for r in proxy.records if r['host'].startswith('sts.')]


def tokens_by_account(fleet):
    return dict((a, fleet.accounts.slot(a).source.credentials.token)
                for a in fleet.accounts)


def test_the_margin_replaces_credentials_before_their_use(proxy):
    with credentials_clock(proxy) as clock:
        fleet = AccountPool(Inventory, ACCOUNTS[:2], role_name='Audit',
                            regions=['us-east-1'], duration=900,
                            **through(proxy))
        assert fleet.call('get_all_queues').ok
        first = tokens_by_account(fleet)
        assert len(sts_records(proxy)) == 2  # one per account, two services
        clock.advance(590)
        proxy.clear()
        assert fleet.call('get_all_queues', accounts=[ACCOUNTS[0]]).ok
        assert not sts_records(proxy)  # 310 s left, 300 s of margin
        # 290 s left: due. The next request of the account replaces them
        # first, once.
        clock.advance(20)
        pool = fleet.accounts[ACCOUNTS[0]]
        pool.sqs.regions.us_east_1.get_all_queues()
        # Its other service is due too, and takes the same new credentials
        # without asking STS again.
        pool.ec2.regions.us_east_1.get_all_zones()
        assert len(sts_records(proxy)) == 1
        fresh = tokens_by_account(fleet)[ACCOUNTS[0]]
        assert fresh != first[ACCOUNTS[0]]
        sent = [r['security_token'] for r in proxy.records
                if not r['host'].startswith('sts.')]
        assert sent == [first[ACCOUNTS[0]], fresh, fresh]
        # A new margin takes effect at once: 898 s left, 899 s of margin.
        clock.advance(2)
        proxy.clear()
        fleet.refresh_margin = 899
        pool.sqs.regions.us_east_1.get_all_queues()
        fleet.refresh_margin = 300
        assert len(sts_records(proxy)) == 1
        assert tokens_by_account(fleet)[ACCOUNTS[0]] != fresh
        # The other account's are as due, but it made no request: it keeps
        # its own until it does.
        assert tokens_by_account(fleet)[ACCOUNTS[1]] == first[ACCOUNTS[1]]


def test_one_assume_role_per_account_however_many_threads_ask(proxy):
    # 8 accounts x 4 regions on 32 threads at once.
    with credentials_clock(proxy) as clock:
        fleet = AccountPool(SqsPool, ACCOUNTS, role_name='Audit',
                            regions=REGIONS, duration=900, **through(proxy))
        results = fleet.call('get_all_queues', max_workers=32)
        assert results.ok and len(results) == 32
        assumed = [r['path'] for r in sts_records(proxy)]
        assert len(assumed) == len(ACCOUNTS)
        old = tokens_by_account(fleet)
        # Every one of them expired: 32 threads find them so at once.
        clock.advance(901)
        proxy.clear()
        results = fleet.call('get_all_queues', max_workers=32)
    assert results.ok and len(results) == 32
    assert len(sts_records(proxy)) == len(ACCOUNTS)
    new = tokens_by_account(fleet)
    sent = [r['security_token'] for r in proxy.records
            if not r['host'].startswith('sts.')]
    assert len(sent) == 32
    # No request carried an expired token: each account's 4 requests all
    # went with its new one.
    assert not set(sent) & set(old.values())
    assert sorted(sent) == sorted(new[a] for a in ACCOUNTS for _ in REGIONS)


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='no fork')
def test_a_forked_child_refreshes_on_its_own(proxy):
    with credentials_clock(proxy) as clock:
        fleet = AccountPool(Ec2Pool, ACCOUNTS[:2], role_name='Audit',
                            regions=['us-east-1'], duration=900,
                            **through(proxy))
        assert fleet.call('get_all_zones').ok
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: new credentials through its own STS socket
            status = 1
            try:
                # The child's clock alone moves: 290 s left, due.
                clock.advance(610)
                zones = fleet.call('get_all_zones', accounts=[ACCOUNTS[0]])
                token = tokens_by_account(fleet)[ACCOUNTS[0]]
                os.write(write, ('%s %s' % (zones.ok, token)).encode('ascii'))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        answer = os.read(read, 4096).decode('ascii')
        os.close(read)
        assert os.waitpid(pid, 0)[1] == 0
        ok, token = answer.split()
        assert ok == 'True'
        assert token != tokens_by_account(fleet)[ACCOUNTS[0]]
        # The parent's pools still work with the credentials they had.
        proxy.clear()
        assert fleet.call('get_all_zones').ok
        assert not sts_records(proxy)


def test_no_secret_in_any_repr_error_or_log_line(proxy, caplog):
    caplog.set_level(logging.DEBUG, logger='mangrove')
    proxy.answers['AssumeRole'] = lambda param: (
        (403, 'text/xml', b'<ErrorResponse><Error><Code>AccessDenied</Code>'
         b'<Message>no</Message></Error></ErrorResponse>')
        if ACCOUNTS[1] in (param('RoleArn') or '') else None)
    caller_secret = 'CallerSecretKey0123456789abcdefghijklmno'
    fleet = AccountPool(Inventory, ACCOUNTS[:3], role_name='Audit',
                        regions=['us-east-1'],
                        aws_access_key_id='AKIACALLER0000000000',
                        aws_secret_access_key=caller_secret,
                        external_id='shared-external-id', duration=900,
                        **through(proxy))
    with credentials_clock(proxy) as clock:
        results = fleet.call('get_all_queues')
        assert list(results.errors) == [ACCOUNTS[1]]
        clock.advance(610)  # one more generation of each
        fleet.call('get_all_queues', accounts=[ACCOUNTS[0]])
    secrets = [caller_secret]
    for account in (ACCOUNTS[0], ACCOUNTS[2]):
        source = fleet.accounts.slot(account).source
        secrets += [source.credentials.secret_key, source.credentials.token]
    texts = [repr(fleet), str(fleet), repr(fleet.accounts),
             repr(fleet.settings), repr(results), str(results.errors),
             results.format_error(ACCOUNTS[1]), caplog.text,
             repr(pickle.loads(pickle.dumps(fleet)))]
    for account in (ACCOUNTS[0], ACCOUNTS[2]):
        pool = fleet.accounts[account]
        texts += [repr(pool), str(pool), repr(pool.sqs),
                  repr(fleet.accounts.slot(account).source),
                  repr(fleet.accounts.slot(account).source.credentials)]
    try:
        results.raise_for_errors()
    except Exception as exc:
        texts.append(str(exc))
    assert 'account %s: assumed' % ACCOUNTS[0] in caplog.text
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_boto_debug_records_carry_no_secret_of_mangrove_connections(
        proxy, caplog):
    # boto logs AssumeRole's answer (secret key, session token) and every
    # request's token at DEBUG: all of it reaches a program's log with
    # logging.basicConfig(level=logging.DEBUG).
    caplog.set_level(logging.DEBUG, logger='boto')
    fleet = AccountPool(Inventory, ACCOUNTS[:1], role_name='Audit',
                        regions=['us-east-1'], **through(proxy))
    assert fleet.call('get_all_queues').ok           # SQS: Signature V4
    assert fleet.call('get_all_zones', services=['ec2']).ok  # V2: a param
    credentials = fleet.accounts.slot(ACCOUNTS[0]).source.credentials
    text = '\n'.join(record.getMessage() for record in caplog.records
                     if record.name == 'boto')
    assert credentials.token and credentials.secret_key
    assert credentials.token not in text
    assert credentials.secret_key not in text
    # boto did log them (and everything else as ever), redacted.
    assert '<SessionToken><redacted></SessionToken>' in text
    assert '<SecretAccessKey><redacted></SecretAccessKey>' in text
    assert 'x-amz-security-token:<redacted>' in text.lower()
    assert credentials.access_key in text
