# -*- coding: utf-8 -*-
"""
``aws_secret_access_key`` and ``security_token`` never show: not in any
repr or str of pools, mappings, proxies and results, not in any exception
message or traceback, not in any ``mangrove`` log line at DEBUG.

Pools are built with known secrets, used for successful and failing calls
(bad arguments, regions missing, not connected, 5xx, resets, stalls and
timeouts, fan-out errors), and every text they produce is collected and
scanned. The ``mangrove`` logger is also quiet by default, and at DEBUG says
which region is connected to which host.
"""
from __future__ import absolute_import

import logging
import os
import socket
import subprocess
import sys
import threading
import traceback

import pytest

from mangrove import (
    FanOutError, FanOutTimeoutError, MangroveError, NotConnectedError,
    RegionNotInPoolError, ServiceMixinPool, ServicePool)
from mangrove.services import Ec2Pool

from bed.clock import manual_clock
from workers import HANG_GUARD, REGIONS, Ec2SqsPool, boto_setting

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)

SECRET_KEY = 'SECRET-sk-5b1f0c9e7d'
SECRET_TOKEN = 'SECRET-tok-8e2a64d1c3'
MARKER = 'SECRET-'


class Collector(object):
    """Every text a pool shows: reprs, strs, messages, tracebacks, logs."""

    def __init__(self):
        self.texts = []
        self.records = []
        self.errors = []

    def show(self, *objects):
        for obj in objects:
            self.texts.append(repr(obj))
            self.texts.append(str(obj))

    def fails(self, expected, func, *args, **kwargs):
        """Call ``func``, which must raise ``expected``; keep its texts."""
        try:
            func(*args, **kwargs)
        except expected as exc:
            self.error(exc)
            return exc
        raise AssertionError('%r did not raise %s' % (func, expected))

    def error(self, exc):
        self.errors.append(exc)
        self.texts.append(repr(exc))
        self.texts.append(str(exc))
        self.texts.append(''.join(traceback.format_exception(
            type(exc), exc, getattr(exc, '__traceback__', None))))
        for arg in getattr(exc, 'args', ()):
            self.texts.append(repr(arg))

    def results(self, results):
        self.show(results, dict(results), results.errors)
        for key in results.errors:
            self.texts.append(results.format_error(key))
            self.error(results.errors[key])
        if results.errors:
            self.fails(FanOutError, results.raise_for_errors)

    def saw(self, text):
        return any(text in shown for shown in self.texts + self.records)

    def leaks(self):
        texts = self.texts + self.records
        return [text for text in texts
                if MARKER in text or SECRET_KEY in text or
                SECRET_TOKEN in text]


class _Capture(logging.Handler):
    def __init__(self, collector):
        logging.Handler.__init__(self, logging.DEBUG)
        self.collector = collector
        self.setFormatter(logging.Formatter(
            '%(name)s %(levelname)s %(message)s'))

    def emit(self, record):
        self.collector.records.append(self.format(record))
        self.collector.records.append(repr(record.args))


@pytest.fixture
def collector():
    """Collects texts; the ``mangrove`` logger at DEBUG feeds it."""
    found = Collector()
    logger = logging.getLogger('mangrove')
    handler = _Capture(found)
    saved = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)


@pytest.fixture
def secret_kwargs(proxy):
    return {
        'aws_access_key_id': 'AKIDMANGROVETEST',
        'aws_secret_access_key': SECRET_KEY,
        'security_token': SECRET_TOKEN,
        'is_secure': False,
        'proxy': '127.0.0.1',
        'proxy_port': proxy.port,
    }


def _while_stalled(proxy, call):
    """``call()`` while the proxy stalls a request, which is released only
    once ``call`` has returned (it must not wait for the stalled request).
    """
    outcome = []
    caller = threading.Thread(target=lambda: outcome.append(call()))
    caller.daemon = True
    caller.start()
    try:
        proxy.wait_held(1)
        caller.join(HANG_GUARD)
        assert not caller.is_alive()
    finally:
        proxy.release()
    return outcome[0]


@pytest.mark.slow
def test_no_secret_in_anything_a_service_pool_shows(collector, proxy,
                                                    secret_kwargs):
    c = collector
    pool = Ec2Pool(regions=REGIONS, default_region='us-east-1',
                   **secret_kwargs)
    c.show(pool, pool.regions)
    c.fails(NotConnectedError, lambda: pool.regions.us_east_1)
    c.fails(NotConnectedError, lambda: pool.regions['us-east-1'])
    c.fails(NotConnectedError, lambda: pool.regions.default)
    c.fails(NotConnectedError, pool.call, 'get_all_instances')

    pool.connect()
    # The secrets did reach boto, and requests are signed with them.
    conn = pool.regions.us_east_1.connection
    assert conn.provider.secret_key == SECRET_KEY
    assert conn.provider.security_token == SECRET_TOKEN
    c.show(pool, pool.regions, pool.regions.us_east_1, pool.regions.default,
           list(pool.regions.items()), dir(pool.regions.us_east_1))
    c.show(pool.regions.eu_west_1.get_all_instances(),
           pool.add_region('us-west-2'))
    pool.default_region = 'us-west-2'
    c.show(pool, pool.call('get_all_instances'))
    assert 'AKIDMANGROVETEST' in proxy.records[-1]['authorization']

    # Bad arguments and missing regions.
    c.fails(MangroveError, pool.add_region, 'us-nowhere-1')
    c.fails(MangroveError, pool.add_region, 42)
    c.fails(RegionNotInPoolError, lambda: pool.regions['ap-south-1'])
    c.fails(AttributeError, lambda: pool.regions.ap_south_1)
    c.fails(MangroveError, setattr, pool, 'default_region', 'ap-south-1')
    c.fails(MangroveError, pool.remove_region, 'us-west-2')
    c.fails(MangroveError, pool.map, 42)
    c.fails(MangroveError, pool.call, 42)
    c.fails(MangroveError, pool.map, len, regions='us-east-1')
    c.fails(MangroveError, pool.map, len, timeout=-1)
    # boto's own error for a failing request.
    c.fails(Exception, pool.regions.us_east_1.get_all_instances,
            instance_ids=['i-0123456789abcdef0'])
    c.fails(Exception, pool.regions.us_east_1.terminate_instances,
            ['i-0123456789abcdef0'])

    # Faults: 5xx, reset, stall with a fan-out timeout, socket timeout.
    proxy.faults['eu-west-1'] = '503'
    c.results(pool.call('get_all_instances'))
    c.fails(Exception, pool.regions.eu_west_1.get_all_instances)
    proxy.faults['eu-west-1'] = 'reset'
    c.results(pool.call('get_all_zones'))
    proxy.faults['eu-west-1'] = 'stall'
    others = len(pool.regions) - 1
    answered = []

    def report(key, result, error):
        answered.append(key)
        if len(answered) == others:
            # Time passes the timeout once the other regions answered.
            clock.advance(3)
    with manual_clock() as clock:
        results = _while_stalled(proxy, lambda: pool.map(
            lambda r: r.get_all_instances(), timeout=3, on_result=report))
    assert isinstance(results.errors['eu_west_1'], FanOutTimeoutError)
    c.results(results)
    with boto_setting('http_socket_timeout', 1):
        slow = Ec2Pool(connect=True, regions=REGIONS, **secret_kwargs)
        err = _while_stalled(proxy, lambda: c.fails(
            socket.timeout, slow.regions.eu_west_1.get_all_instances))
        c.results(_while_stalled(
            proxy, lambda: slow.call('get_all_instances')))
    c.results(pool.map(lambda r: r.no_such_boto_method()))
    del proxy.faults['eu-west-1']
    c.show(pool.call('get_all_instances'), pool, pool.regions)
    assert err is not None

    pool.remove_region('eu-west-1')
    pool.close()
    c.show(pool, pool.regions)
    assert len(c.errors) > 20
    assert c.records, 'DEBUG logging produced nothing'
    # What was scanned is what a user would read about each failure.
    for text in ['InvalidInstanceID.NotFound', '503', 'fan-out failed',
                 'did not finish within', 'timed out', 'ap-south-1',
                 'us-nowhere-1', 'not connected', 'connected us-east-1 to']:
        assert c.saw(text), text
    assert c.leaks() == []


def test_no_secret_in_constructor_errors(collector, secret_kwargs):
    c = collector
    c.fails(MangroveError, Ec2Pool, regions=['us-nowhere-1'],
            **secret_kwargs)
    c.fails(MangroveError, Ec2Pool, regions=REGIONS,
            default_region='ap-south-1', **secret_kwargs)
    c.fails(MangroveError, Ec2Pool, regions='us-east-1', **secret_kwargs)
    c.fails(MangroveError, Ec2Pool, connect='yes', **secret_kwargs)
    c.fails(MangroveError, Ec2Pool, partition='aws-mars', **secret_kwargs)
    c.fails(MangroveError, Ec2Pool, endpoint_url='ftp://x', **secret_kwargs)
    c.fails(MangroveError, ServicePool, **secret_kwargs)
    # A secret of the wrong type: the message names the type, not the value.
    wrong = dict(secret_kwargs, aws_secret_access_key=[SECRET_KEY])
    c.fails(MangroveError, Ec2Pool, **wrong)
    wrong = dict(secret_kwargs, security_token=(SECRET_TOKEN,))
    c.fails(MangroveError, Ec2Pool, **wrong)
    wrong = dict(secret_kwargs, aws_access_key_id=[SECRET_KEY])
    c.fails(MangroveError, Ec2Pool, **wrong)

    class NoSuchService(ServicePool):
        service = 'ec9'

    class BadShape(ServiceMixinPool):
        services = {'ec2': {'regoins': REGIONS}}

    c.fails(MangroveError, NoSuchService, **secret_kwargs)
    c.fails(MangroveError, BadShape, **secret_kwargs)
    # A keyword boto does not take fails in boto, at connect().
    c.fails(TypeError, Ec2Pool, connect=True, regions=REGIONS,
            no_such_keyword=1, **secret_kwargs)
    assert c.leaks() == []


@pytest.mark.slow
def test_no_secret_in_anything_a_mixin_pool_shows(collector, proxy,
                                                  secret_kwargs):
    c = collector
    mixin = Ec2SqsPool(**secret_kwargs)
    c.show(mixin, mixin.ec2, mixin.sqs, mixin.services)
    c.fails(NotConnectedError, mixin.call, 'get_all_queues')
    mixin.connect()
    assert mixin.sqs.regions.eu_west_1.connection.provider.security_token \
        == SECRET_TOKEN
    mixin.sqs.regions.eu_west_1.create_queue('secrets')
    c.show(mixin, mixin.add_service('sns', regions=REGIONS), mixin.services,
           mixin.sns.regions, mixin.sns.regions.us_east_1)
    c.results(mixin.map(lambda region: region.region_name))
    c.results(mixin.call('get_all_queues'))    # ec2 and sns lack it
    c.fails(MangroveError, mixin.add_service, 'ec9')
    c.fails(MangroveError, mixin.add_service, 42)
    c.fails(MangroveError, mixin.map, len, services=['ec9'])
    c.fails(MangroveError, mixin.map, len, services='ec2')
    c.fails(AttributeError, lambda: mixin.ec2.regions.ap_south_1)
    proxy.faults['us-east-1'] = '503'
    c.results(mixin.call('get_all_queues'))
    c.results(mixin.map(lambda region: region.connection.host))
    proxy.faults['us-east-1'] = 'reset'
    c.results(mixin.map(lambda region: region.get_all_topics()
                        if region.pool.service_name == 'sns'
                        else region.get_all_queues()
                        if region.pool.service_name == 'sqs'
                        else region.get_all_instances()))
    del proxy.faults['us-east-1']
    mixin.close()
    c.show(mixin, mixin.services)
    assert len(c.errors) > 10
    assert c.leaks() == []


def test_debug_log_says_what_is_connected_where(collector, secret_kwargs):
    mixin = Ec2SqsPool(connect=True, **secret_kwargs)
    mixin.ec2.add_region('us-west-2')
    lines = collector.records
    for expected in [('us-east-1', 'ec2.us-east-1.amazonaws.com'),
                     ('eu-west-1', 'ec2.eu-west-1.amazonaws.com'),
                     ('eu-west-1', 'eu-west-1.queue.amazonaws.com'),
                     ('us-west-2', 'ec2.us-west-2.amazonaws.com')]:
        assert [line for line in lines
                if all(part in line for part in expected)], expected
    assert all(line.startswith('mangrove') for line in lines[::2])
    assert collector.leaks() == []


_QUIET_SCRIPT = '''
import sys
import mangrove, logging
from mangrove.services import Ec2Pool
assert any(isinstance(h, logging.NullHandler)
           for h in logging.getLogger('mangrove').handlers)
pool = Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'],
               aws_secret_access_key='SECRET-sk-quiet')
pool.add_region('us-west-2')
def broken_progress(key, result, error):
    raise RuntimeError('progress display broke')
results = pool.map(lambda region: region.no_such_method(),
                   on_result=broken_progress)
assert len(results.errors) == 3
results = pool.call('get_all_instances')
assert results.ok
try:
    pool.regions['ap-south-1']
except KeyError:
    pass
sys.stdout.write('done')
'''


@pytest.mark.slow
def test_mangrove_logger_is_quiet_by_default():
    # A fresh interpreter with no logging configured: Python would print
    # warnings and errors of a logger without handlers to stderr.
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    env.pop('PYTHONWARNINGS', None)
    child = subprocess.Popen(
        [sys.executable, '-W', 'ignore', '-c', _QUIET_SCRIPT], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killer = threading.Timer(HANG_GUARD, child.kill)
    killer.start()
    try:
        out, err = child.communicate()
    finally:
        killer.cancel()
    assert child.returncode == 0, err.decode('utf-8', 'replace')
    assert out == b'done'
    assert err == b''


def test_redact_replaces_each_written_form_of_a_secret_value():
    from mangrove.classic.redaction import REDACTED, redact
    cases = [
        ('<Credentials><AccessKeyId>ASIAKEY</AccessKeyId>'
         '<SecretAccessKey>s3cr3t/k+y=</SecretAccessKey>'
         '<SessionToken>T0K3N==</SessionToken></Credentials>',
         '<Credentials><AccessKeyId>ASIAKEY</AccessKeyId>'
         '<SecretAccessKey>%s</SecretAccessKey>'
         '<SessionToken>%s</SessionToken></Credentials>'
         % (REDACTED, REDACTED)),
        ("Headers: {'X-Amz-Security-Token': 'T0K3N==', 'Host': 'h'}",
         "Headers: {'X-Amz-Security-Token': '%s', 'Host': 'h'}" % REDACTED),
        ("Params: {u'SecurityToken': u'T0K3N==', 'Action': 'X'}",
         "Params: {u'SecurityToken': u'%s', 'Action': 'X'}" % REDACTED),
        ('Data: Action=DescribeRegions&SecurityToken=T0K3N%3D%3D&Version=1',
         'Data: Action=DescribeRegions&SecurityToken=%s&Version=1'
         % REDACTED),
        ('POST\n/\n\nhost:ec2.amazonaws.com\nx-amz-security-token:T0K3N==\n',
         'POST\n/\n\nhost:ec2.amazonaws.com\nx-amz-security-token:%s\n'
         % REDACTED),
        ('{"SessionToken": "T0K3N==", "Expiration": 1}',
         '{"SessionToken": "%s", "Expiration": 1}' % REDACTED),
        ('Token: T0K3N==', 'Token: %s' % REDACTED),
        ('Method: POST', 'Method: POST'),
    ]
    for text, expected in cases:
        assert redact(text) == expected
