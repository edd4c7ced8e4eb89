# -*- coding: utf-8 -*-
"""The test bed itself: plain boto against the real moto server and proxy.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import os
import shutil
import socket
import tempfile
import threading

import pytest
import six
from six.moves import configparser, http_client

from mangrove.testing import (MotoServer, free_port, moto_python,
                              write_boto_config)

from bed.certs import make_tls_cert
from bed.names import credential_scope, region_of_host
from bed.proxy import LoopbackProxy

LIST_QUEUES = '/?Action=ListQueues&Version=2012-11-05'
CONNECTION_ERRORS = (socket.error, http_client.HTTPException)


def ec2(region, kwargs, port=None):
    import boto.ec2
    kwargs = dict(kwargs)
    if port is not None:
        kwargs['proxy_port'] = port
    return boto.ec2.connect_to_region(region, **kwargs)


def group_names(conn):
    return set(group.name for group in conn.get_all_security_groups())


def in_thread(func):
    """Run ``func`` in a daemon thread; the box gets its result or error."""
    box = {}

    def run():
        try:
            box['result'] = func()
        except Exception as exc:  # the test inspects it
            box['error'] = exc

    thread = threading.Thread(target=run)
    thread.daemon = True
    thread.start()
    return thread, box


@pytest.mark.parametrize('host, region', [
    ('ec2.eu-west-1.amazonaws.com', 'eu-west-1'),
    ('ec2.amazonaws.com', 'us-east-1'),
    ('ec2.us-east-1.amazonaws.com', 'us-east-1'),
    ('us-west-1.queue.amazonaws.com', 'us-west-1'),
    ('queue.amazonaws.com', 'us-east-1'),
    ('sqs.us-west-2.amazonaws.com', 'us-west-2'),
    ('s3.amazonaws.com', 'us-east-1'),
    ('bucket.s3.amazonaws.com', 'us-east-1'),
    ('s3-us-west-1.amazonaws.com', 'us-west-1'),
    ('bucket.s3-us-west-1.amazonaws.com', 'us-west-1'),
    ('s3.eu-central-1.amazonaws.com', 'eu-central-1'),
    ('s3-external-1.amazonaws.com', 'us-east-1'),
    ('s3-us-gov-west-1.amazonaws.com', 'us-gov-west-1'),
    ('iam.amazonaws.com', 'us-east-1'),
    ('iam.us-gov.amazonaws.com', 'us-gov-west-1'),
    ('sts.amazonaws.com', 'us-east-1'),
    ('route53.amazonaws.com', 'us-east-1'),
    ('ec2.cn-north-1.amazonaws.com.cn', 'cn-north-1'),
    ('iam.amazonaws.com.cn', 'cn-north-1'),
    ('elasticloadbalancing.eu-west-1.amazonaws.com', 'eu-west-1'),
    ('monitoring.ap-southeast-2.amazonaws.com', 'ap-southeast-2'),
    ('autoscaling.sa-east-1.amazonaws.com', 'sa-east-1'),
    ('rds.amazonaws.com', 'us-east-1'),
    ('dynamodb.eu-north-1.amazonaws.com', 'eu-north-1'),
    ('EC2.EU-WEST-1.AMAZONAWS.COM:80', 'eu-west-1'),
    ('ec2.eu-west-1.amazonaws.com:443', 'eu-west-1'),
    ('127.0.0.1:5000', None),
    ('localhost', None),
    ('example.com', None),
    ('', None),
    (None, None),
])
def test_region_of_host(host, region):
    assert region_of_host(host) == region


def test_credential_scope_reads_sigv4_and_ignores_the_rest():
    v4 = ('AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/'
          'aws4_request, SignedHeaders=host;x-amz-date, Signature=abc')
    assert credential_scope(v4) == ('eu-west-1', 'ec2')
    assert credential_scope('AWS testing:c2lnbmF0dXJl') is None
    assert credential_scope('') is None
    assert credential_scope(None) is None


def test_free_port_can_be_bound():
    port = free_port()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(('127.0.0.1', port))
    finally:
        sock.close()


def test_write_boto_config_with_extra_settings(tmpdir):
    path = write_boto_config(
        str(tmpdir.join('boto.cfg')), 1234,
        extra={'Boto': {'num_retries': 2, 'https_validate_certificates':
                        'True'},
               'ec2': {'use-sigv4': 'True'}})
    parser = configparser.RawConfigParser()
    parser.read(path)
    assert parser.get('Credentials', 'aws_access_key_id') == 'testing'
    assert parser.get('Credentials', 'aws_secret_access_key') == 'testing'
    assert parser.get('Boto', 'is_secure') == 'False'
    assert parser.get('Boto', 'proxy') == '127.0.0.1'
    assert parser.get('Boto', 'proxy_port') == '1234'
    assert parser.get('Boto', 'num_retries') == '2'
    assert parser.get('Boto', 'https_validate_certificates') == 'True'
    assert parser.get('ec2', 'use-sigv4') == 'True'


def test_moto_python_names_a_missing_interpreter(monkeypatch):
    monkeypatch.setenv('MANGROVE_MOTO_PYTHON', '/nonexistent/python')
    with pytest.raises(RuntimeError) as info:
        moto_python()
    assert 'MANGROVE_MOTO_PYTHON' in str(info.value)


def test_boto_config_points_at_the_session_server(boto_config_path,
                                                  moto_port):
    import boto
    assert os.environ['BOTO_CONFIG'] == boto_config_path
    assert boto.config.get('Boto', 'proxy_port') == str(moto_port)
    assert boto.config.get('Credentials', 'aws_access_key_id') == 'testing'


def test_ec2_state_is_kept_per_region_through_the_config():
    import boto.ec2
    eu = boto.ec2.connect_to_region('eu-west-1')
    us = boto.ec2.connect_to_region('us-east-1')
    eu.create_security_group('testbed-sg', 'made in eu-west-1')
    assert 'testbed-sg' in group_names(eu)
    assert 'testbed-sg' not in group_names(us)


def test_connect_kwargs_reach_moto(connect_kwargs, moto_port):
    conn = ec2('ap-southeast-2', connect_kwargs)
    assert conn.proxy_port == moto_port
    conn.create_security_group('testbed-kw', 'explicit keywords')
    assert 'testbed-kw' in group_names(conn)
    assert 'testbed-kw' not in group_names(ec2('eu-west-1', connect_kwargs))


def test_sqs_queues_are_kept_per_region(connect_kwargs):
    import boto.sqs
    west = boto.sqs.connect_to_region('us-west-2', **connect_kwargs)
    east = boto.sqs.connect_to_region('us-east-1', **connect_kwargs)
    west.create_queue('testbed-queue')
    assert [q.name for q in west.get_all_queues()] == ['testbed-queue']
    assert east.get_all_queues() == []


@pytest.mark.slow
def test_reset_clears_all_state(moto_server, connect_kwargs):
    conn = ec2('eu-west-1', connect_kwargs)
    conn.create_security_group('testbed-gone', 'reset removes it')
    moto_server.reset()
    assert 'testbed-gone' not in group_names(conn)


def test_proxy_forwards_and_records_host_and_sigv4_scope(proxy,
                                                         connect_kwargs):
    conn = ec2('eu-west-1', connect_kwargs, proxy.port)
    conn.create_security_group('testbed-proxied', 'through the proxy')
    assert 'testbed-proxied' in group_names(conn)
    assert 'testbed-proxied' in group_names(
        ec2('eu-west-1', connect_kwargs))
    assert len(proxy.records) == 2
    for record in proxy.records:
        assert record['host'] == 'ec2.eu-west-1.amazonaws.com'
        assert record['path'].startswith('http://ec2.eu-west-1.amazonaws.com/')
        assert record['region'] == 'eu-west-1'
        assert record['scope'] == ('eu-west-1', 'ec2')
        assert record['authorization'].startswith('AWS4-HMAC-SHA256 ')
        assert record['method'] in ('GET', 'POST')
    proxy.clear()
    assert proxy.records == []


def test_proxy_relays_s3_bodies_and_records_sigv2(proxy, connect_kwargs):
    import boto.s3
    conn = boto.s3.connect_to_region('us-east-1', **dict(
        connect_kwargs, proxy_port=proxy.port))
    bucket = conn.create_bucket('testbed-bucket')
    bucket.new_key('greeting').set_contents_from_string('hello, moto')
    key = bucket.get_key('greeting')
    assert key.size == len('hello, moto')
    assert key.get_contents_as_string() == b'hello, moto'
    methods = [r['method'] for r in proxy.records]
    assert methods == ['PUT', 'PUT', 'HEAD', 'GET']
    for record in proxy.records:
        assert record['host'] == 'testbed-bucket.s3.amazonaws.com'
        assert record['region'] == 'us-east-1'
        assert record['scope'] is None
        assert record['authorization'].startswith('AWS testing:')


def test_proxy_latency_applies_only_to_its_region(proxy, connect_kwargs):
    proxy.latency['eu-west-1'] = 0.05
    group_names(ec2('eu-west-1', connect_kwargs, proxy.port))
    group_names(ec2('us-east-1', connect_kwargs, proxy.port))
    delays = dict((r['region'], r['latency']) for r in proxy.records)
    assert delays == {'eu-west-1': 0.05, 'us-east-1': 0}


@pytest.mark.slow
def test_proxy_503_fault_fails_only_its_region(proxy, connect_kwargs):
    from boto.exception import BotoServerError
    proxy.faults['eu-west-1'] = '503'
    with pytest.raises(BotoServerError) as info:
        group_names(ec2('eu-west-1', connect_kwargs, proxy.port))
    assert info.value.status == 503
    assert 'ServiceUnavailable' in six.text_type(info.value.body)
    assert 'default' in group_names(ec2('us-east-1', connect_kwargs,
                                        proxy.port))
    faults = dict((r['region'], r['fault']) for r in proxy.records)
    assert faults == {'eu-west-1': '503', 'us-east-1': None}


@pytest.mark.slow
def test_proxy_reset_fault_drops_the_connection(proxy, connect_kwargs):
    proxy.faults['us-west-2'] = 'reset'
    with pytest.raises(CONNECTION_ERRORS):
        group_names(ec2('us-west-2', connect_kwargs, proxy.port))
    assert 'default' in group_names(ec2('us-west-1', connect_kwargs,
                                        proxy.port))


def test_proxy_stall_holds_requests_until_release(proxy, connect_kwargs):
    proxy.faults['eu-west-1'] = 'stall'
    eu = ec2('eu-west-1', connect_kwargs, proxy.port)
    thread, box = in_thread(lambda: group_names(eu))
    proxy.wait_held(1)
    assert box == {}
    assert 'default' in group_names(ec2('us-east-1', connect_kwargs,
                                        proxy.port))
    assert box == {}
    proxy.release()
    thread.join(30)
    assert not thread.is_alive()
    assert 'default' in box['result']
    assert proxy.held == 0


def test_proxy_stop_drops_stalled_requests(proxy, connect_kwargs):
    proxy.faults['eu-west-1'] = 'stall'
    eu = ec2('eu-west-1', connect_kwargs, proxy.port)
    thread, box = in_thread(lambda: group_names(eu))
    proxy.wait_held(1)
    proxy.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(box['error'], CONNECTION_ERRORS)


def test_proxy_serves_relative_paths_with_host_header_and_keeps_alive(
        proxy):
    conn = http_client.HTTPConnection('127.0.0.1', proxy.port, timeout=30)
    try:
        for _ in range(2):
            conn.request('GET', LIST_QUEUES,
                         headers={'Host': 'sqs.us-west-2.amazonaws.com'})
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, body
            assert b'ListQueuesResponse' in body
        sock = conn.sock
        assert sock is not None
    finally:
        conn.close()
    assert [(r['path'], r['region'], r['scope']) for r in proxy.records] == \
        [(LIST_QUEUES, 'us-west-2', None)] * 2


def test_proxy_stop_closes_connections_and_restart_keeps_the_port(
        proxy, connect_kwargs):
    conn = http_client.HTTPConnection('127.0.0.1', proxy.port, timeout=30)
    try:
        conn.request('GET', LIST_QUEUES,
                     headers={'Host': 'sqs.us-east-1.amazonaws.com'})
        assert conn.getresponse().read()
        port = proxy.port
        proxy.stop()
        proxy.stop()
        assert not proxy.running
        with pytest.raises(socket.error):
            socket.create_connection(('127.0.0.1', port), 10).close()
        try:
            assert conn.sock.recv(1) == b''
        except socket.error:
            pass
    finally:
        conn.close()
    proxy.restart()
    assert proxy.port == port
    assert 'default' in group_names(ec2('eu-west-1', connect_kwargs,
                                        proxy.port))


@pytest.mark.slow
def test_proxy_answers_502_when_upstream_is_gone(connect_kwargs):
    from boto.exception import BotoServerError
    with LoopbackProxy(free_port()) as gateway:
        with pytest.raises(BotoServerError) as info:
            group_names(ec2('eu-west-1', connect_kwargs, gateway.port))
    assert info.value.status == 502
    assert not gateway.running


@pytest.mark.slow
def test_moto_server_speaks_tls_with_cert_and_key():
    import ssl
    workdir = tempfile.mkdtemp(prefix='mangrove-tls-')
    try:
        try:
            cert, key = make_tls_cert(workdir)
        except RuntimeError as exc:
            pytest.skip(str(exc))
        with MotoServer(cert=cert, key=key) as server:
            assert server.url == 'https://127.0.0.1:%d' % server.port
            server.reset()
            context = ssl.create_default_context(cafile=cert)
            conn = http_client.HTTPSConnection('localhost', server.port,
                                               timeout=30, context=context)
            try:
                conn.request('POST', '/moto-api/reset', b'')
                assert conn.getresponse().status == 200
            finally:
                conn.close()
        assert not server.running
        server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# -- the progress lines tools/test shows (bed.progress) ----------------------

PROGRESS_SUITE = {
    'conftest.py': "pytest_plugins = ['bed.progress']\n",
    'test_one.py': 'def test_a():\n    pass\n\n\ndef test_b():\n    pass\n',
    'test_two.py': ('import pytest\n\n\ndef test_c():\n    assert False\n\n\n'
                    '@pytest.mark.skip\ndef test_d():\n    pass\n'),
}


@pytest.mark.slow
@pytest.mark.no_server
@pytest.mark.parametrize('workers', [[], ['-n', '2']])
def test_progress_is_a_line_per_file_one_per_failure_and_a_closing_one(
        tmpdir, workers):
    import subprocess
    import sys
    if workers:
        pytest.importorskip('xdist')  # in every env of tox.ini
    suite = tmpdir.mkdir('suite')
    for name, text in PROGRESS_SUITE.items():
        suite.join(name).write(text)
    progress = tmpdir.join('progress')
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(('PYTEST_', 'MANGROVE_TEST_')))
    env.update(MANGROVE_TEST_PROGRESS=str(progress), TOX_ENV_NAME='pyXY',
               PYTHONPATH=os.pathsep.join(
                   [here] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    proc = subprocess.Popen(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q'] +
        workers, cwd=str(suite), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    output = proc.communicate()[0].decode('utf-8', 'replace')
    assert proc.returncode == 1, output
    lines = progress.read().splitlines()
    assert all(line.startswith('pyXY ') for line in lines), lines
    files = sorted(line for line in lines if '.py: ' in line)
    assert len(files) == 2, lines
    assert ' test_one.py: 2 passed (' in files[0]
    assert ' test_two.py: 1 failed, 1 skipped (' in files[1]
    # Percentages of the whole run: the file that ended last is at 100%.
    assert [line for line in lines if '.py: ' in line][-1] \
        .startswith('pyXY 100% ')
    assert 'pyXY FAILED test_two.py::test_c' in lines
    assert lines[-1].startswith(
        'pyXY done: 2 passed, 1 failed, 1 skipped in ')
