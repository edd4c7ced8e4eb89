# -*- coding: utf-8 -*-
"""mangrove.testing, the public local-emulator helper, as users use it.

boto is imported inside the tests: conftest must set ``BOTO_CONFIG`` first.
"""
from __future__ import absolute_import

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import pytest

from mangrove import ServiceMixinPool
from mangrove.exceptions import (InvalidArgumentError,
                                 InvalidArgumentTypeError, MangroveError)
from mangrove.services import Ec2Pool, SqsPool
from mangrove.testing import (TEST_CREDENTIALS, MotoServer, MotoServerError,
                              isolated_environ, moto_python, port_accepts,
                              write_boto_config)


def group_names(region):
    return set(group.name for group in region.get_all_security_groups())


@pytest.mark.slow
def test_moto_pool_is_an_ec2_pool_on_the_emulator(moto_pool):
    assert type(moto_pool) is Ec2Pool
    moto_pool.regions.eu_west_1.create_security_group('web', 'in eu-west-1')
    results = moto_pool.call('get_all_security_groups', groupnames=['web'])
    assert [group.name for group in results['eu_west_1']] == ['web']
    assert 'us_east_1' in results.failed


@pytest.mark.slow
def test_moto_pool_starts_from_an_empty_server(moto_pool):
    # The test before made 'web' in eu-west-1 on the same session server.
    assert 'web' not in group_names(moto_pool.regions.eu_west_1)


class TestOverriddenPoolClass(object):
    """A test module or class overrides ``moto_pool_class``."""

    @pytest.fixture
    def moto_pool_class(self):
        class Pair(ServiceMixinPool):
            services = {'ec2': {'regions': ['us-east-1', 'eu-west-1']},
                        'sqs': {'regions': ['eu-west-1']}}
        return Pair

    def test_a_mixin_pool_on_the_emulator(self, moto_pool):
        assert type(moto_pool).__name__ == 'Pair'
        moto_pool.sqs.regions.eu_west_1.create_queue('orders')
        queues = moto_pool.sqs.regions.eu_west_1.get_all_queues()
        assert [queue.name for queue in queues] == ['orders']
        assert sorted(moto_pool.ec2.regions) == ['eu_west_1', 'us_east_1']


def test_pool_points_a_pool_at_the_server(moto_server):
    pool = moto_server.pool(SqsPool, regions=['us-west-2'])
    try:
        pool.regions.us_west_2.create_queue('made-here')
        queues = pool.regions.us_west_2.get_all_queues()
        assert [queue.name for queue in queues] == ['made-here']
        assert pool.regions.us_west_2.proxy_port == moto_server.port
    finally:
        pool.close()


def test_pool_arguments_override_the_server_keywords(moto_server):
    pool = moto_server.pool(SqsPool, regions=['us-east-1'],
                            aws_access_key_id='other')
    try:
        assert sorted(pool.regions) == ['us_east_1']
        assert pool.regions.us_east_1.aws_access_key_id == 'other'
        assert pool.regions.us_east_1.proxy_port == moto_server.port
    finally:
        pool.close()


@pytest.mark.slow
def test_connect_kwargs_reach_the_server_through_plain_boto(moto_server):
    import boto.ec2
    kwargs = moto_server.connect_kwargs
    assert kwargs == dict(TEST_CREDENTIALS, is_secure=False,
                          proxy='127.0.0.1', proxy_port=moto_server.port)
    conn = boto.ec2.connect_to_region('ap-south-1', **kwargs)
    conn.create_security_group('plain', 'plain boto')
    assert 'plain' in group_names(conn)


@pytest.mark.parametrize('port, error', [
    ('5000', InvalidArgumentTypeError), (True, InvalidArgumentTypeError),
    (0, InvalidArgumentError), (70000, InvalidArgumentError)])
def test_a_bad_port_is_refused_with_what_is_valid(port, error):
    with pytest.raises(error) as info:
        MotoServer(port=port)
    assert repr(port) in str(info.value)
    assert isinstance(info.value, MangroveError)


def test_cert_and_key_go_together():
    with pytest.raises(InvalidArgumentError) as info:
        MotoServer(cert='cert.pem')
    assert 'cert and key go together' in str(info.value)
    assert isinstance(info.value, ValueError)


def test_pool_wants_a_pool_class(moto_server):
    with pytest.raises(InvalidArgumentTypeError) as info:
        moto_server.pool('Ec2Pool')
    assert "'Ec2Pool'" in str(info.value)
    assert isinstance(info.value, TypeError)


def test_a_missing_interpreter_is_named():
    with pytest.raises(MotoServerError) as info:
        moto_python('/nonexistent/python')
    assert '/nonexistent/python' in str(info.value)
    assert 'MANGROVE_MOTO_PYTHON' in str(info.value)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(InvalidArgumentTypeError):
        moto_python(3)


def test_a_server_that_cannot_start_says_why():
    server = MotoServer(python='/nonexistent/py')
    with pytest.raises(MotoServerError):
        server.start()
    assert not server.running
    assert 'stopped' in repr(server)


@pytest.mark.slow
def test_start_and_stop_a_server_of_ones_own():
    with MotoServer() as server:
        assert server.running
        assert port_accepts(server.port)
        assert server.url == 'http://127.0.0.1:%d' % server.port
        assert repr(server) == '<MotoServer %s>' % server.url
        log_path = server.log_path
        assert os.path.exists(log_path)
    assert not server.running
    assert not port_accepts(server.port)
    assert not os.path.exists(log_path)
    server.stop()  # idempotent


def reset_answer(server):
    """POST /moto-api/reset as MotoServer.reset sends it: (status, what
    the server did)."""
    from six.moves import http_client
    conn = http_client.HTTPConnection('127.0.0.1', server.port, timeout=30)
    try:
        conn.request('POST', '/moto-api/reset', b'', {'Content-Length': '0'})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader('X-Mangrove-Reset')
    finally:
        conn.close()


def test_a_reset_after_reads_alone_is_skipped_and_one_after_a_write_is_not(
        moto_server):
    pool = moto_server.pool(Ec2Pool, regions=['us-east-1', 'eu-west-1'])
    queues = moto_server.pool(SqsPool, regions=['eu-west-1'])
    # The suite reset the server before this test; nothing was sent since.
    assert reset_answer(moto_server) == (200, 'skipped')
    # Reads of every protocol: query (EC2, SQS), REST (S3), JSON-less.
    assert pool.call('get_all_security_groups').ok
    assert queues.regions.eu_west_1.get_all_queues() == []
    from boto.s3.connection import OrdinaryCallingFormat, S3Connection
    s3 = S3Connection(calling_format=OrdinaryCallingFormat(),
                      **moto_server.connect_kwargs)
    assert list(s3.get_all_buckets()) == []
    assert reset_answer(moto_server) == (200, 'skipped')
    # Each kind of write counts: query action, form body, REST PUT.
    for write in (
            lambda: pool.regions.eu_west_1.create_security_group('w', 'w'),
            lambda: queues.regions.eu_west_1.create_queue('written'),
            lambda: s3.create_bucket('written-bucket')):
        write()
        assert reset_answer(moto_server) == (200, 'done')
        assert reset_answer(moto_server) == (200, 'skipped')
    # What the writes made is gone: the reset was a real one.
    assert 'w' not in group_names(pool.regions.eu_west_1)
    assert queues.regions.eu_west_1.get_all_queues() == []
    assert list(s3.get_all_buckets()) == []
    # MotoServer.reset takes either answer.
    moto_server.reset()
    moto_server.reset()


def test_every_account_and_reset_gets_its_own_copy_of_aws_policies(
        moto_server):
    # The test server parses AWS's managed policies once and hands each IAM
    # backend a copy: what one account or one test does to its copy (an
    # attachment) shows in no other.
    import boto.iam
    import boto.sts
    policy = 'arn:aws:iam::aws:policy/ReadOnlyAccess'

    def attachments(conn):
        answer = conn.get_policy(policy)['get_policy_response']
        return int(answer['get_policy_result']['policy']['attachment_count'])

    kwargs = moto_server.connect_kwargs
    caller = boto.iam.connect_to_region('universal', **kwargs)
    caller.create_user('auditor')
    caller.attach_user_policy(policy, 'auditor')
    assert attachments(caller) == 1
    sts = boto.sts.connect_to_region('us-east-1', **kwargs)
    creds = sts.assume_role('arn:aws:iam::111111111111:role/audit',
                            'audit').credentials
    other = dict(kwargs, aws_access_key_id=creds.access_key,
                 aws_secret_access_key=creds.secret_key,
                 security_token=creds.session_token)
    other_account = boto.iam.connect_to_region('universal', **other)
    assert attachments(other_account) == 0
    moto_server.reset()
    assert attachments(boto.iam.connect_to_region('universal',
                                                  **kwargs)) == 0


def test_write_boto_config_names_the_port(tmpdir):
    path = write_boto_config(str(tmpdir.join('boto.cfg')), 4321,
                             {'Boto': {'num_retries': 3}})
    with open(path) as handle:
        text = handle.read()
    assert 'proxy = 127.0.0.1\n' in text
    assert 'proxy_port = 4321\n' in text
    assert 'num_retries = 3\n' in text
    assert 'num_retries = 0' not in text
    with pytest.raises(InvalidArgumentTypeError):
        write_boto_config(str(tmpdir.join('bad.cfg')), 4321, ['Boto'])


def test_isolated_environ_sets_aside_and_restores(monkeypatch):
    monkeypatch.setenv('no_proxy', '*')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'real-secret')
    monkeypatch.delenv('AWS_PROFILE', raising=False)
    before = os.environ.get('BOTO_CONFIG')
    with isolated_environ():
        assert 'no_proxy' not in os.environ
        assert 'AWS_SECRET_ACCESS_KEY' not in os.environ
        # boto is imported already in this process: its config was read.
        assert os.environ.get('BOTO_CONFIG') is None
        os.environ['AWS_PROFILE'] = 'set-inside'
    assert os.environ['no_proxy'] == '*'
    assert os.environ['AWS_SECRET_ACCESS_KEY'] == 'real-secret'
    assert 'AWS_PROFILE' not in os.environ
    assert os.environ.get('BOTO_CONFIG') == before


def test_importing_mangrove_testing_imports_neither_pytest_nor_boto():
    code = ('import sys, mangrove.testing; '
            'print(sorted(m for m in ("pytest", "boto") if m in sys.modules))')
    output = subprocess.check_output([sys.executable, '-c', code])
    assert output.decode().strip() == '[]'


USER_CONFTEST = '''
pytest_plugins = ['mangrove.testing']
'''

USER_TESTS = '''
import pytest

from mangrove.services import S3Pool


def test_default_pool(moto_pool):
    moto_pool.regions.us_east_1.create_security_group('mine', 'a group')
    results = moto_pool.call('get_all_security_groups', groupnames=['mine'])
    assert results['us_east_1'][0].name == 'mine'


class TestBuckets(object):

    @pytest.fixture
    def moto_pool_class(self):
        return S3Pool

    def test_s3_pool(self, moto_pool):
        moto_pool.regions.us_east_1.create_bucket('users-bucket')
        buckets = moto_pool.regions.us_east_1.get_all_buckets()
        assert [bucket.name for bucket in buckets] == ['users-bucket']
'''


@pytest.mark.slow
def test_a_users_test_suite_with_the_plugin():
    """A project's own pytest run: two tests on its own session server."""
    workdir = tempfile.mkdtemp(prefix='mangrove-user-tests-')
    try:
        for name, text in (('conftest.py', USER_CONFTEST),
                           ('test_user.py', USER_TESTS)):
            with open(os.path.join(workdir, name), 'w') as handle:
                handle.write(textwrap.dedent(text))
        env = dict(os.environ)
        env.pop('BOTO_CONFIG', None)
        proc = subprocess.Popen(
            [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
             '--rootdir', workdir, workdir],
            cwd=workdir, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        output = proc.communicate()[0].decode('utf-8', 'replace')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert proc.returncode == 0, output
    assert '2 passed' in output, output
