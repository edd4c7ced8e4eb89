# -*- coding: utf-8 -*-
"""HTTPS through an HTTP ``CONNECT`` proxy, certificate validation on.

Real processes on loopback: a moto server speaking TLS with a certificate
for AWS host names (``ec2.us-east-1.amazonaws.com``, ``s3.amazonaws.com``,
``*.s3.amazonaws.com``) issued by a throw-away CA, and
:class:`bed.connect_proxy.ConnectProxy`, which tunnels every ``CONNECT``
to that server (never to the host named) and records what went through it.

boto finds the proxy where it always looks (its config's ``proxy*``
options, or the ``http_proxy`` environment variable, which boto also uses
for HTTPS), validates the certificate against its ``ca_certificates_file``
and the host name it asked the tunnel for, sends ``Proxy-Authorization``
from ``proxy_user``/``proxy_pass``, and reports a proxy that refuses the
tunnel with its own error. On Python 3 that is mangrove's repair of
``AWSAuthConnection.proxy_ssl``; on 2.7 it is boto's own code, the
reference the repair follows.

Each case runs in a fresh interpreter with a boto config of its own.
"""
from __future__ import absolute_import

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading

import pytest

import mangrove
from bed.connect_proxy import ConnectProxy
from mangrove.testing import LOOPBACK, MotoServer
from test_tls import _which, make_ca, make_leaf

pytestmark = pytest.mark.skipif(_which('openssl') is None,
                                reason='openssl is needed to make the CA')

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(mangrove.__file__)))
CREDENTIALS = ('mangrove', 'proxy-pass')
CHILD_TIMEOUT = 120


@pytest.fixture(scope='module')
def pki():
    directory = tempfile.mkdtemp(prefix='mangrove-proxy-tls-')
    try:
        ca = make_ca(directory, 'ca')
        other = make_ca(directory, 'other')
        leaf = make_leaf(directory, ca, 'aws', 'ec2.us-east-1.amazonaws.com',
                         's3.amazonaws.com', '*.s3.amazonaws.com')
        yield {'ca': ca[0], 'other_ca': other[0], 'cert': leaf[0],
               'key': leaf[1]}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope='module')
def aws_tls(pki):
    """The moto server, speaking TLS as the AWS hosts."""
    server = MotoServer(cert=pki['cert'], key=pki['key']).start()
    try:
        yield server
    finally:
        server.stop()


def make_proxy(aws_tls, **options):
    aws_tls.reset()
    return ConnectProxy((LOOPBACK, aws_tls.port), **options).start()


_CHILD = textwrap.dedent('''
    import json
    import socket
    import sys
    if %(root)r not in sys.path:
        sys.path.insert(0, %(root)r)
    assert 'boto' not in sys.modules
    import mangrove
    import ssl
    import boto.https_connection

    def ec2(region='us-east-1'):
        import boto.ec2
        conn = boto.ec2.connect_to_region(region)
        conn.create_security_group('mangrove-proxy', 'through the proxy')
        return sorted(g.name for g in conn.get_all_security_groups())

    def ec2_elsewhere():
        return ec2('eu-west-1')

    def s3():
        import boto
        conn = boto.connect_s3()
        conn.create_bucket('mangrove-proxy')
        return [b.name for b in conn.get_all_buckets()]

    def ec2_pool():
        from mangrove.services import Ec2Pool
        pool = Ec2Pool(connect=True, regions=['us-east-1'])
        region = pool.regions['us_east_1']
        region.create_security_group('mangrove-proxy', 'through the proxy')
        return sorted(g.name for g in region.get_all_security_groups())

    try:
        outcome = {'ok': True, 'value': globals()[sys.argv[1]]()}
    except Exception as exc:
        outcome = {
            'ok': False,
            'type': type(exc).__name__,
            'errno': getattr(exc, 'errno', None),
            'socket_error': isinstance(exc, socket.error),
            'ssl_error': isinstance(exc, ssl.SSLError),
            'invalid_certificate': isinstance(
                exc, boto.https_connection.InvalidCertificateException),
            'message': str(exc)[:500],
        }
    sys.stdout.write('\\n' + json.dumps(outcome) + '\\n')
''') % {'root': _ROOT}


def run(call, ca_certificates_file, proxy=None, credentials=None,
        http_proxy=None):
    """Run ``call`` of the child script in a fresh interpreter whose boto
    config trusts ``ca_certificates_file`` and names ``proxy`` (with
    ``credentials``), or whose ``http_proxy`` is set; return its outcome."""
    directory = tempfile.mkdtemp(prefix='mangrove-proxy-client-')
    try:
        lines = ['[Credentials]', 'aws_access_key_id = testing',
                 'aws_secret_access_key = testing', '[Boto]',
                 'num_retries = 0', 'https_validate_certificates = True',
                 'ca_certificates_file = %s' % ca_certificates_file]
        if proxy is not None:
            lines += ['proxy = %s' % LOOPBACK, 'proxy_port = %d' % proxy.port]
        if credentials is not None:
            lines += ['proxy_user = %s' % credentials[0],
                      'proxy_pass = %s' % credentials[1]]
        config = os.path.join(directory, 'boto.cfg')
        with open(config, 'w') as handle:
            handle.write('\n'.join(lines) + '\n')
        env = dict(os.environ, BOTO_CONFIG=config)
        for name in ('http_proxy', 'HTTP_PROXY', 'https_proxy',
                     'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'):
            env.pop(name, None)
        if http_proxy is not None:
            env['http_proxy'] = http_proxy
        proc = subprocess.Popen([sys.executable, '-c', _CHILD, call],
                                cwd=directory, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            out, err = proc.communicate()
        finally:
            watchdog.cancel()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    out = out.decode('utf-8', 'replace')
    assert proc.returncode == 0, 'child failed:\n%s\n%s' % (
        out, err.decode('utf-8', 'replace'))
    return json.loads(out.strip().splitlines()[-1])


def assert_tunnelled(proxy, target, authorization=None):
    """The proxy opened exactly the tunnels to ``target`` and relayed TLS
    both ways."""
    records = proxy.requests
    assert records, 'nothing went through the proxy'
    for record in records:
        assert (record['method'], record['target'], record['status']) == \
            ('CONNECT', target, 200), record
        assert record['headers'].get('user-agent', '').startswith('Boto/')
        assert record['headers'].get('proxy-authorization') == \
            authorization, record
    assert sum(r['tunnelled'][0] for r in records) > 0
    assert sum(r['tunnelled'][1] for r in records) > 0


def basic(credentials):
    token = base64.b64encode(('%s:%s' % credentials).encode('utf-8'))
    return 'Basic ' + token.decode('ascii')


@pytest.mark.slow
def test_ec2_through_the_proxy_of_boto_config(pki, aws_tls):
    proxy = make_proxy(aws_tls)
    try:
        outcome = run('ec2', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-proxy']}
    assert_tunnelled(proxy, 'ec2.us-east-1.amazonaws.com:443')


def test_ec2_pool_through_the_proxy(pki, aws_tls):
    proxy = make_proxy(aws_tls)
    try:
        outcome = run('ec2_pool', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-proxy']}
    assert_tunnelled(proxy, 'ec2.us-east-1.amazonaws.com:443')


@pytest.mark.slow
def test_s3_through_the_proxy_to_a_bucket_host(pki, aws_tls):
    proxy = make_proxy(aws_tls)
    try:
        outcome = run('s3', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['mangrove-proxy']}
    targets = set(r['target'] for r in proxy.requests)
    assert targets <= set(['s3.amazonaws.com:443',
                           'mangrove-proxy.s3.amazonaws.com:443'])
    assert 's3.amazonaws.com:443' in targets


@pytest.mark.slow
def test_the_http_proxy_environment_variable(pki, aws_tls):
    proxy = make_proxy(aws_tls)
    try:
        outcome = run('ec2', pki['ca'],
                      http_proxy='http://%s:%d' % (LOOPBACK, proxy.port))
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-proxy']}
    assert_tunnelled(proxy, 'ec2.us-east-1.amazonaws.com:443')


@pytest.mark.slow
def test_proxy_credentials_of_boto_config_are_sent(pki, aws_tls):
    proxy = make_proxy(aws_tls, credentials=CREDENTIALS)
    try:
        outcome = run('ec2', pki['ca'], proxy=proxy, credentials=CREDENTIALS)
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-proxy']}
    assert_tunnelled(proxy, 'ec2.us-east-1.amazonaws.com:443',
                     basic(CREDENTIALS))


@pytest.mark.slow
def test_proxy_credentials_of_http_proxy_are_sent(pki, aws_tls):
    proxy = make_proxy(aws_tls, credentials=CREDENTIALS)
    try:
        outcome = run('ec2', pki['ca'], http_proxy='http://%s:%s@%s:%d' % (
            CREDENTIALS + (LOOPBACK, proxy.port)))
    finally:
        proxy.stop()
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-proxy']}
    assert_tunnelled(proxy, 'ec2.us-east-1.amazonaws.com:443',
                     basic(CREDENTIALS))


def assert_proxy_error(outcome, proxy, status, reason):
    assert outcome['ok'] is False, outcome
    assert outcome['socket_error'] and not outcome['ssl_error'], outcome
    assert outcome['errno'] == -71, outcome
    assert outcome['message'] == (
        '[Errno -71] Error talking to HTTP proxy %s:%d: %d (%s)'
        % (LOOPBACK, proxy.port, status, reason)), outcome


def test_a_proxy_that_wants_credentials_gets_none(pki, aws_tls):
    proxy = make_proxy(aws_tls, credentials=CREDENTIALS)
    try:
        outcome = run('ec2', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert_proxy_error(outcome, proxy, 407, 'Proxy Authentication Required')
    assert [r['status'] for r in proxy.requests] == [407]


def test_wrong_proxy_credentials(pki, aws_tls):
    proxy = make_proxy(aws_tls, credentials=CREDENTIALS)
    try:
        outcome = run('ec2', pki['ca'], proxy=proxy,
                      credentials=('mangrove', 'wrong'))
    finally:
        proxy.stop()
    assert_proxy_error(outcome, proxy, 407, 'Proxy Authentication Required')


def test_a_proxy_refusing_the_tunnel_gives_boto_error(pki, aws_tls):
    proxy = make_proxy(aws_tls, refuse=403)
    try:
        outcome = run('ec2_pool', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert_proxy_error(outcome, proxy, 403, 'Forbidden')
    assert [r['target'] for r in proxy.requests] == \
        ['ec2.us-east-1.amazonaws.com:443']


@pytest.mark.parametrize('call', ['ec2', 'ec2_pool', 's3'])
def test_another_ca_is_rejected_through_the_proxy(pki, aws_tls, call):
    proxy = make_proxy(aws_tls)
    try:
        outcome = run(call, pki['other_ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert outcome['ok'] is False, outcome
    assert outcome['ssl_error'], outcome
    assert 'CERTIFICATE_VERIFY_FAILED' in outcome['message'], outcome
    assert proxy.requests and all(r['status'] == 200
                                  for r in proxy.requests)


def test_a_host_the_certificate_does_not_name_is_rejected(pki, aws_tls):
    # The chain is good, but the certificate names us-east-1's EC2 host,
    # not eu-west-1's.
    proxy = make_proxy(aws_tls)
    try:
        outcome = run('ec2_elsewhere', pki['ca'], proxy=proxy)
    finally:
        proxy.stop()
    assert outcome['ok'] is False, outcome
    assert outcome['invalid_certificate'], outcome
    assert outcome['type'] == 'InvalidCertificateException'
    assert 'hostname mismatch' in outcome['message']
    assert [r['target'] for r in proxy.requests] == \
        ['ec2.eu-west-1.amazonaws.com:443']


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3,), reason=(
    "boto's own code on 2.7.18: httplib refuses the trailing newline of "
    "its base64 Proxy-Authorization value"))
def test_proxy_credentials_over_plain_http(moto_port):
    # The suite's boto config sends plain HTTP through the moto server as
    # the proxy; the credentials go as a header of each request.
    from bed.children import run_child
    facts = run_child('''
        import mangrove
        import boto.ec2
        conn = boto.ec2.connect_to_region(
            'us-east-1', proxy_user='mangrove', proxy_pass='proxy-pass')
        report([conn.get_proxy_auth_header(),
                [g.name for g in conn.get_all_security_groups()]])
    ''')
    assert facts == [{'Proxy-Authorization': basic(CREDENTIALS)},
                     ['default']]
