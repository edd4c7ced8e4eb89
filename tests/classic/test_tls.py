# -*- coding: utf-8 -*-
"""Certificate validation stays real on every interpreter.

A moto server speaks HTTPS with a certificate for ``localhost`` issued by a
throw-away CA made here with ``openssl``. boto's certificate-validating
transport (EC2's default; S3's with ``https_validate_certificates = True``)
must connect when boto's ``ca_certificates_file`` is that CA, and fail with
an SSL certificate error when it is another CA or the system's, or when the
host name is not the certificate's. On Python 3.12 and later that
transport is the one mangrove.boto_repairs rebuilt on ``ssl.SSLContext``.

Each case runs in a fresh interpreter with a boto config of its own
(boto reads its config once, at import): mangrove is imported first, then
plain boto, or a mangrove pool.
"""
from __future__ import absolute_import

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap

import pytest

import mangrove
from mangrove.testing import MotoServer

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(mangrove.__file__)))


def _which(program):
    for directory in os.environ.get('PATH', '').split(os.pathsep):
        path = os.path.join(directory, program)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


pytestmark = pytest.mark.skipif(_which('openssl') is None,
                                reason='openssl is needed to make the CA')


def _openssl(*args):
    proc = subprocess.Popen(('openssl',) + args, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    output = proc.communicate()[0]
    assert proc.returncode == 0, output.decode('utf-8', 'replace')


def make_ca(directory, name):
    """A self-signed CA: ``(cert_path, key_path)``."""
    cert = os.path.join(directory, name + '.pem')
    key = os.path.join(directory, name + '.key')
    _openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
             '-subj', '/CN=mangrove test CA %s' % name,
             '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
             '-keyout', key, '-out', cert)
    return cert, key


def make_leaf(directory, ca, name, dns_name, *more_names):
    """A server certificate for ``dns_name`` (and ``more_names``, its only
    other names) signed by ``ca``: ``(cert_path, key_path)``."""
    cert = os.path.join(directory, name + '.pem')
    key = os.path.join(directory, name + '.key')
    csr = os.path.join(directory, name + '.csr')
    ext = os.path.join(directory, name + '.ext')
    with open(ext, 'w') as handle:
        handle.write('subjectAltName = %s\n'
                     'basicConstraints = critical,CA:FALSE\n'
                     'keyUsage = critical,digitalSignature,keyEncipherment\n'
                     'extendedKeyUsage = serverAuth\n'
                     % ','.join('DNS:' + n for n in (dns_name,) + more_names))
    _openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes',
             '-subj', '/CN=%s' % dns_name, '-keyout', key, '-out', csr)
    _openssl('x509', '-req', '-in', csr, '-CA', ca[0], '-CAkey', ca[1],
             '-set_serial', str(random.randint(1, 2 ** 62)), '-days', '2',
             '-extfile', ext, '-out', cert)
    return cert, key


@pytest.fixture(scope='module')
def pki():
    """The CA that issued the server's certificate, another CA, and the
    server's certificate and key."""
    directory = tempfile.mkdtemp(prefix='mangrove-tls-')
    try:
        ca = make_ca(directory, 'ca')
        other = make_ca(directory, 'other')
        leaf = make_leaf(directory, ca, 'localhost', 'localhost')
        yield {'dir': directory, 'ca': ca[0], 'other_ca': other[0],
               'cert': leaf[0], 'key': leaf[1]}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope='module')
def tls_server(pki):
    server = MotoServer(cert=pki['cert'], key=pki['key']).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tls(tls_server):
    tls_server.reset()
    return tls_server


_CHILD = textwrap.dedent('''
    import json
    import sys
    if %(root)r not in sys.path:
        sys.path.insert(0, %(root)r)
    assert 'boto' not in sys.modules
    import mangrove
    import ssl
    import boto.https_connection

    case = json.loads(sys.argv[1])
    host, port = case['host'], case['port']

    def ec2():
        import boto.ec2.connection
        from boto.regioninfo import RegionInfo
        conn = boto.ec2.connection.EC2Connection(
            region=RegionInfo(name='us-east-1', endpoint=host), port=port)
        # Sign for ec2 in us-east-1, which is how moto routes the request.
        conn.auth_region_name = 'us-east-1'
        conn.auth_service_name = 'ec2'
        # boto hands these to CertValidatingHTTPSConnection.
        conn.http_connection_kwargs.update(case.get('client', {}))
        conn.create_security_group('mangrove-tls', 'TLS test')
        return sorted(g.name for g in conn.get_all_security_groups())

    def s3():
        import boto.s3.connection
        conn = boto.s3.connection.S3Connection(
            host=host, port=port,
            calling_format=boto.s3.connection.OrdinaryCallingFormat())
        conn.create_bucket('mangrove-tls')
        return [b.name for b in conn.get_all_buckets()]

    def ec2_pool():
        from mangrove.services import Ec2Pool
        pool = Ec2Pool(connect=True, regions=['us-east-1'],
                       endpoint_url='https://%%s:%%d' %% (host, port))
        region = pool.regions['us_east_1']
        region.create_security_group('mangrove-tls', 'TLS test')
        return sorted(g.name for g in region.get_all_security_groups())

    def s3_pool():
        import boto.s3.connection
        from mangrove.services import S3Pool
        pool = S3Pool(
            connect=True, regions=['us-east-1'],
            endpoint_url='https://%%s:%%d' %% (host, port),
            calling_format=boto.s3.connection.OrdinaryCallingFormat())
        region = pool.regions['us_east_1']
        region.create_bucket('mangrove-tls')
        return [b.name for b in region.get_all_buckets()]

    try:
        outcome = {'ok': True, 'value': globals()[case['call']]()}
    except Exception as exc:
        outcome = {
            'ok': False,
            'type': '%%s.%%s' %% (type(exc).__module__, type(exc).__name__),
            'ssl_error': isinstance(exc, ssl.SSLError),
            'invalid_certificate': isinstance(
                exc, boto.https_connection.InvalidCertificateException),
            'message': str(exc)[:500],
        }
    sys.stdout.write('\\n' + json.dumps(outcome) + '\\n')
''') % {'root': _ROOT}


def connect(call, server, ca_certificates_file, host='localhost',
            client=None):
    """Run ``call`` (a function of the child script) in a fresh interpreter
    whose boto config trusts ``ca_certificates_file``; return its outcome.

    ``client`` is ``{'key_file': ..., 'cert_file': ...}`` for EC2.
    """
    directory = tempfile.mkdtemp(prefix='mangrove-tls-client-')
    try:
        config = os.path.join(directory, 'boto.cfg')
        with open(config, 'w') as handle:
            handle.write(textwrap.dedent('''\
                [Credentials]
                aws_access_key_id = testing
                aws_secret_access_key = testing
                [Boto]
                num_retries = 0
                https_validate_certificates = True
                ca_certificates_file = %s
            ''') % ca_certificates_file)
        env = dict(os.environ, BOTO_CONFIG=config)
        case = json.dumps({'call': call, 'host': host, 'port': server.port,
                           'client': client or {}})
        proc = subprocess.Popen([sys.executable, '-c', _CHILD, case],
                                cwd=directory, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    out = out.decode('utf-8', 'replace')
    assert proc.returncode == 0, 'child failed:\n%s\n%s' % (
        out, err.decode('utf-8', 'replace'))
    return json.loads(out.strip().splitlines()[-1])


def assert_certificate_rejected(outcome):
    assert outcome['ok'] is False, outcome
    assert outcome['ssl_error'], outcome
    assert 'CERTIFICATE_VERIFY_FAILED' in outcome['message'], outcome


@pytest.mark.slow
def test_ec2_connects_when_the_ca_is_trusted(pki, tls):
    outcome = connect('ec2', tls, pki['ca'])
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-tls']}


def test_s3_connects_when_the_ca_is_trusted(pki, tls):
    outcome = connect('s3', tls, pki['ca'])
    assert outcome == {'ok': True, 'value': ['mangrove-tls']}


@pytest.mark.slow
@pytest.mark.parametrize('call', ['ec2', 's3'])
def test_another_ca_is_rejected(pki, tls, call):
    assert_certificate_rejected(connect(call, tls, pki['other_ca']))


@pytest.mark.slow
@pytest.mark.parametrize('call', ['ec2', 's3'])
def test_the_system_cas_do_not_vouch_for_the_test_ca(tls, call):
    assert_certificate_rejected(connect(call, tls, 'system'))


@pytest.mark.parametrize('call', ['ec2', 's3'])
def test_a_host_name_the_certificate_does_not_name_is_rejected(
        pki, tls, call):
    # 127.0.0.1 reaches the same server, whose certificate names only
    # localhost: the chain is good, the name is not.
    outcome = connect(call, tls, pki['ca'], host='127.0.0.1')
    assert outcome['ok'] is False, outcome
    assert outcome['invalid_certificate'], outcome
    assert outcome['type'] == \
        'boto.https_connection.InvalidCertificateException'
    assert 'does not match certificate' in outcome['message']


@pytest.mark.slow
def test_ec2_presents_a_client_certificate(pki, tls):
    # The server asks for none; what matters is that boto's key_file and
    # cert_file are loaded, as ssl.wrap_socket loaded them.
    outcome = connect('ec2', tls, pki['ca'],
                      client={'key_file': pki['key'],
                              'cert_file': pki['cert']})
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-tls']}


def test_a_client_key_without_its_certificate_is_refused(pki, tls):
    outcome = connect('ec2', tls, pki['ca'], client={'key_file': pki['key']})
    assert outcome['ok'] is False, outcome
    assert outcome['type'].endswith('.ValueError'), outcome
    assert 'certfile must be specified' in outcome['message']


def test_ec2_pool_connects_when_the_ca_is_trusted(pki, tls):
    outcome = connect('ec2_pool', tls, pki['ca'])
    assert outcome == {'ok': True, 'value': ['default', 'mangrove-tls']}


def test_s3_pool_connects_when_the_ca_is_trusted(pki, tls):
    outcome = connect('s3_pool', tls, pki['ca'])
    assert outcome == {'ok': True, 'value': ['mangrove-tls']}


@pytest.mark.slow
@pytest.mark.parametrize('call', ['ec2_pool', 's3_pool'])
def test_pool_rejects_another_ca(pki, tls, call):
    assert_certificate_rejected(connect(call, tls, pki['other_ca']))
