# -*- coding: utf-8 -*-
"""
The ``mangrove`` command, run as a subprocess (``python -m mangrove``)
against the session's moto server.

The child finds that server through the session's boto config
(``BOTO_CONFIG``, inherited); state is made beforehand through the library
with explicit connection keywords, in some regions and not others, and the
command's output is checked against it. The demo runs a moto server of its
own.
"""
from __future__ import absolute_import

import errno
import os
import re
import select
import subprocess
import sys

import pytest

import mangrove as package
from mangrove.testing import free_port, port_accepts, write_boto_config

from clirun import (
    HANG_GUARD, HERE, child_env, guarded, loads, mangrove, one_error_line,
    sections)

AMI = 'ami-03cf127a'


def ec2_pool(connect_kwargs, regions):
    from mangrove.services import Ec2Pool
    return Ec2Pool(connect=True, regions=regions, **connect_kwargs)


def sqs_pool(connect_kwargs, regions):
    from mangrove.services import SqsPool
    return SqsPool(connect=True, regions=regions, **connect_kwargs)


def aws_regions(service):
    from mangrove.classic.backend import boto_backend
    from mangrove.registry import get_service
    return boto_backend.regions(get_service(service), 'aws')


# -- help, version, services, regions ---------------------------------------


def test_help_names_every_command():
    result = mangrove('--help')

    assert result.status == 0 and result.err == ''
    for command in ('services', 'regions', 'call', 'shell', 'demo'):
        assert command in result.out


@pytest.mark.parametrize('command', ['services', 'regions', 'call', 'shell',
                                     'demo'])
def test_every_command_has_help(command):
    result = mangrove(command, '--help')

    assert result.status == 0 and result.err == ''
    assert result.out.startswith('usage: mangrove %s' % command)


def test_version_is_the_package_version():
    result = mangrove('--version')

    assert (result.status, result.out, result.err) == (
        0, 'mangrove %s\n' % package.__version__, '')


def test_the_command_module_does_not_import_boto():
    proc = subprocess.Popen(
        [sys.executable, '-c', 'import sys, mangrove.cli, mangrove.cli.demo; '
                               'print(sorted(m for m in sys.modules '
                               'if m.split(".")[0] == "boto"))'],
        stdout=subprocess.PIPE, env=child_env(), cwd=HERE)
    out = proc.communicate()[0].decode('utf-8')

    assert (proc.returncode, out.strip()) == (0, '[]')


def test_services_are_listed_one_per_line():
    from mangrove.registry import service_names

    result = mangrove('services')

    assert result.status == 0 and result.err == ''
    assert result.out.splitlines() == service_names()


@pytest.mark.slow
def test_regions_lists_the_commercial_partition_and_partition_picks_another():
    from mangrove.classic.backend import boto_backend
    from mangrove.registry import get_service

    commercial = mangrove('regions', 'ec2')
    everywhere = mangrove('regions', 'ec2', '--partition', 'all')
    china = mangrove('regions', 'ec2', '--partition', 'aws-cn')

    assert commercial.status == everywhere.status == china.status == 0
    every = everywhere.out.splitlines()
    assert every == boto_backend.regions(get_service('ec2'), 'all')
    assert len(every) == len(set(every)) == 38
    assert 'us-east-1' in every and 'cn-north-1' in every
    assert commercial.out.splitlines() == every[:34]
    assert china.out.splitlines() == ['cn-north-1', 'cn-northwest-1']


def test_regions_takes_a_service_alias():
    result = mangrove('regions', 'lambda', '--partition', 'aws')

    assert result.status == 0
    assert result.out.splitlines() == aws_regions('awslambda')


# -- call --------------------------------------------------------------------


def test_call_prints_a_table_per_region_with_state_only_where_made(
        connect_kwargs):
    pool = ec2_pool(connect_kwargs, ['us-east-1'])
    reservation = pool.regions.us_east_1.run_instances(
        AMI, instance_type='t2.micro')
    instance_id = reservation.instances[0].id

    result = mangrove('call', 'ec2', 'get_only_instances',
                      '--regions', 'us-east-1,eu-west-1')

    assert result.status == 0
    assert result.err == ''     # no progress line: stderr is no terminal
    found = sections(result.out)
    assert list(found) == ['us-east-1', 'eu-west-1']
    header, body = found['us-east-1']
    assert header == 'us-east-1: 1 result'
    assert body[0].split()[:2] == ['id', 'state']
    assert 'instance_type' in body[0].split()
    assert body[1].split()[0] == instance_id
    assert 't2.micro' in body[1].split()
    assert found['eu-west-1'] == ('eu-west-1: 0 results', [])


@pytest.mark.slow
def test_call_json_is_one_object_keyed_by_region(connect_kwargs):
    pool = ec2_pool(connect_kwargs, ['us-east-1'])
    pool.regions.us_east_1.create_security_group('cli-web', 'cli test')

    result = mangrove('call', 'ec2', 'get_all_security_groups', '--json',
                      '--regions', 'us_east_1,eu-west-1')

    assert result.status == 0 and result.err == ''
    data = loads(result.out)
    assert list(data) == ['us-east-1', 'eu-west-1']
    assert sorted(g['name'] for g in data['us-east-1']) == [
        'cli-web', 'default']
    assert [g['name'] for g in data['eu-west-1']] == ['default']
    group = [g for g in data['us-east-1'] if g['name'] == 'cli-web'][0]
    assert group['id'].startswith('sg-')
    assert group['description'] == 'cli test'
    assert group['region']['name'] == 'us-east-1'
    assert 'connection' not in group and 'connection' not in group['region']


@pytest.mark.slow
def test_call_covers_every_region_of_the_aws_partition_by_default(
        connect_kwargs):
    sqs_pool(connect_kwargs, ['eu-west-1']).regions.eu_west_1.create_queue(
        'cli-orders')

    result = mangrove('call', 'sqs', 'get_all_queues', '--json')

    assert result.status == 0
    data = loads(result.out)
    assert list(data) == aws_regions('sqs')
    for region, queues in data.items():
        names = [q['name'] for q in queues]
        assert names == (['cli-orders'] if region == 'eu-west-1' else [])


@pytest.mark.slow
def test_call_passes_positional_and_keyword_arguments(connect_kwargs):
    result = mangrove('call', 'sqs', 'create_queue', 'cli-jobs',
                      'visibility_timeout=45',
                      '--regions', 'us-west-1,eu-west-1')

    assert result.status == 0
    found = sections(result.out)
    assert list(found) == ['us-west-1', 'eu-west-1']
    for header, body in found.values():
        assert 'cli-jobs' in body[1].split()
    pool = sqs_pool(connect_kwargs, ['us-west-1', 'eu-west-1', 'us-east-1'])
    for key in ('us_west_1', 'eu_west_1'):
        queue = pool.regions[key].get_queue('cli-jobs')
        assert queue.get_attributes('VisibilityTimeout') == {
            'VisibilityTimeout': '45'}
    assert pool.regions.us_east_1.get_queue('cli-jobs') is None


@pytest.mark.slow
def test_call_reads_argument_values_as_json_when_they_parse(connect_kwargs):
    pool = ec2_pool(connect_kwargs, ['us-east-1'])
    pool.regions.us_east_1.create_security_group('cli-web', 'cli test')

    by_name = mangrove('call', 'ec2', 'get_all_security_groups',
                       '["cli-web"]', '--regions', 'us-east-1', '--json')
    by_filter = mangrove('call', 'ec2', 'get_all_security_groups',
                         'filters={"group-name": "cli-web"}',
                         '--regions', 'us-east-1,eu-west-1', '--json')

    assert by_name.status == by_filter.status == 0
    assert [g['name'] for g in loads(by_name.out)['us-east-1']] == [
        'cli-web']
    data = loads(by_filter.out)
    assert [g['name'] for g in data['us-east-1']] == ['cli-web']
    assert data['eu-west-1'] == []


def test_call_shows_a_plain_result_on_its_region_line(connect_kwargs):
    sqs_pool(connect_kwargs, ['us-east-1']).regions.us_east_1.create_queue(
        'cli-orders')

    result = mangrove('call', 'sqs', 'get_queue', 'cli-orders',
                      '--regions', 'us-east-1,us-west-2')

    assert result.status == 0
    found = sections(result.out)
    assert 'cli-orders' in found['us-east-1'][1][1].split()
    assert found['us-west-2'] == ('us-west-2: None', [])


def test_call_with_an_endpoint_url_sends_every_region_there(moto_port):
    result = mangrove('call', 'sqs', 'create_queue', 'cli-local',
                      '--endpoint-url', 'http://127.0.0.1:%d' % moto_port,
                      '--regions', 'us-east-1', '--json')

    assert result.status == 0
    queue, = loads(result.out).values()
    assert queue['url'].startswith('http://127.0.0.1:%d/' % moto_port)


@pytest.fixture
def proxy_config(proxy, tmpdir):
    """A boto config that sends every request through the proxy."""
    return write_boto_config(str(tmpdir.join('proxy.cfg')), proxy.port)


@pytest.mark.slow
def test_a_failing_region_exits_1_and_the_others_still_print(
        proxy, proxy_config, connect_kwargs):
    ec2_pool(connect_kwargs, ['us-east-1']).regions.us_east_1 \
        .create_security_group('cli-web', 'cli test')
    proxy.faults = {'eu-west-1': '503'}

    result = mangrove('call', 'ec2', 'get_all_security_groups',
                      '--regions', 'us-east-1,eu-west-1,us-west-2',
                      env={'BOTO_CONFIG': proxy_config})

    assert result.status == 1
    found = sections(result.out)
    assert list(found) == ['us-east-1', 'us-west-2']
    assert 'cli-web' in '\n'.join(found['us-east-1'][1])
    assert 'Traceback' not in result.err
    failed = [line for line in result.err.splitlines() if 'eu-west-1' in line]
    assert len(failed) == 1
    assert '503' in failed[0] and 'ServiceUnavailable' in failed[0]
    assert 'us-east-1' not in result.err and 'us-west-2' not in result.err


@pytest.mark.slow
def test_a_failing_region_is_under_errors_in_json(proxy, proxy_config):
    proxy.faults = {'eu-west-1': '503'}

    result = mangrove('call', 'ec2', 'get_all_security_groups', '--json',
                      '--regions', 'us-east-1,eu-west-1,us-west-2',
                      env={'BOTO_CONFIG': proxy_config})

    assert result.status == 1
    data = loads(result.out)
    assert list(data) == ['us-east-1', 'us-west-2', 'errors']
    assert list(data['errors']) == ['eu-west-1']
    error = data['errors']['eu-west-1']
    assert error['error'] == 'BotoServerError'
    assert (error['status'], error['code']) == (503, 'ServiceUnavailable')
    assert 'ServiceUnavailable' in error['message']
    assert 'eu-west-1' in result.err


@pytest.mark.slow
def test_a_region_past_the_timeout_fails_and_the_command_still_ends(
        proxy, proxy_config, connect_kwargs):
    # The server makes a region's defaults on its first request, which
    # takes seconds on a loaded machine: done first, so that the timeout
    # measures the stall alone.
    assert not ec2_pool(connect_kwargs, ['us-east-1', 'us-west-2']) \
        .call('get_all_regions').failed
    # The stalled request is held longer than the hang guard: had the
    # command waited for its thread, the guard would kill it.
    proxy.max_stall = HANG_GUARD * 2
    proxy.faults = {'us-west-2': 'stall'}

    result = mangrove('call', 'ec2', 'get_all_regions', '--timeout', '5',
                      '--regions', 'us-east-1,us-west-2',
                      env={'BOTO_CONFIG': proxy_config})

    assert result.status == 1
    assert list(sections(result.out)) == ['us-east-1']
    assert 'us-west-2' in result.err and 'timeout' in result.err
    assert 'Traceback' not in result.err


@pytest.mark.skipif(not hasattr(os, 'openpty'), reason='needs a pty')
def test_progress_line_shows_when_stderr_is_a_terminal():
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, '-m', 'mangrove', 'call', 'ec2',
             'get_all_regions', '--regions', 'us-east-1,eu-west-1'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave,
            env=child_env(), cwd=HERE)
        os.close(slave)
        slave = None
        timer = guarded(proc)
        try:
            out = proc.communicate(b'')[0].decode('utf-8')
        finally:
            timer.cancel()
        err = b''
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError as exc:   # EIO: the terminal's other end closed
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)

    assert proc.returncode == 0
    err = err.decode('utf-8')
    assert '\r0/2 answered, 0s; waiting: us-east-1, eu-west-1' in err
    assert '\r2/2 answered' in err
    assert ' answered, ' not in out
    assert list(sections(out)) == ['us-east-1', 'eu-west-1']


# -- bad usage -------------------------------------------------------------


@pytest.mark.parametrize('args, expected', [
    (['call', 'ec3', 'get_all_instances'],
     "unknown service 'ec3'; did you mean"),
    (['regions', 'ec3'], "unknown service 'ec3'"),
    (['call', 'ec2', 'get_all_instancez', '--regions', 'us-east-1'],
     "unknown method 'get_all_instancez'"),
    (['call', 'ec2', 'host', '--regions', 'us-east-1'], 'not a method'),
    (['call', 'ec2', 'get_all_instances', '--regions', 'us-east-9'],
     "'us-east-9'"),
    (['call', 'ec2', 'get_all_instances', '--regions',
      'us-east-1,nowhere'],
     "'nowhere'"),
    (['call', 'ec2', 'get_all_instances', 'colour=blue',
      '--regions', 'us-east-1'], "unexpected keyword argument 'colour'"),
    (['call', 'ec2', 'get_all_instances', '1', '2', '3', '4', '5',
      '--regions', 'us-east-1'], 'bad arguments for get_all_instances'),
    (['call', 'ec2', 'get_all_instances', 'dry_run=true', 'x',
      '--regions', 'us-east-1'], 'positional argument'),
    (['regions', 'ec2', '--partition', 'aws-mars'],
     "unknown partition 'aws-mars'"),
    (['call', 'ec2', 'get_all_instances', '--partition', 'aws-mars'],
     "unknown partition 'aws-mars'"),
    (['call', 'ec2', 'get_all_instances', '--timeout', '0'], '--timeout'),
    (['call', 'ec2'], 'METHOD'),
    (['shell', '--services', 'ec3'], "unknown service 'ec3'"),
    (['shell', '--regions', 'us-east-9'], "'us-east-9'"),
    (['launch'], "invalid choice: 'launch'"),
    (['call', 'ec2', 'get_all_instances', '["i-1"', '--regions',
      'us-east-1'], 'argument \'["i-1"\' looks like JSON but does not parse'),
    (['call', 'ec2', 'get_all_instances', 'filters={"a": 1',
      '--regions', 'us-east-1'], 'looks like JSON but does not parse'),
    (['call', 'ec2', 'get_all_instances', '"i-1', '--regions', 'us-east-1'],
     'looks like JSON'),
    (['call', 'ec2', 'get_all_instances', '--regions', 'us-east-1',
      '--endpoint-url', 'http://127.0.0.1:1/{regoin}'],
     'unknown placeholder {regoin} in --endpoint-url'),
    (['shell', '--regions', 'us-east-1', '--endpoint-url',
      'http://{Region}.example.com'], 'unknown placeholder {Region}'),
    # urlsplit's bare ValueError once made this the one traceback.
    (['call', 'ec2', 'get_all_zones', '--regions', 'us-east-1',
      '--endpoint-url', 'http://[::1'], "endpoint_url 'http://[::1'"),
    (['call', 'ec2', 'get_all_zones', '--regions', 'us-east-1',
      '--endpoint-url', 'http://me:pw@127.0.0.1:1'], 'carries credentials'),
    ([], 'a command is required'),
])
def test_bad_usage_is_one_line_and_status_2(args, expected):
    result = mangrove(*args)

    assert result.status == 2
    assert result.out == ''
    assert 'Traceback' not in result.err
    assert expected in one_error_line(result)


def test_an_unknown_name_suggests_the_close_one():
    service = one_error_line(mangrove('call', 'ec3', 'get_all_instances'))
    method = one_error_line(mangrove('call', 'ec2', 'get_all_instancez',
                                     '--regions', 'us-east-1'))
    region = one_error_line(mangrove('call', 'ec2', 'get_all_instances',
                                     '--regions', 'us-east-9'))

    assert "did you mean" in service and "'ec2'" in service
    assert "did you mean 'get_all_instances'" in method
    assert "did you mean" in region and "'us-east-1'" in region
    # The suggestion is enough: no catalog-long list after it.
    assert 'valid regions' not in region and 'known services' not in service


def test_missing_credentials_are_one_line_not_a_traceback(tmpdir):
    empty = str(tmpdir.join('empty.cfg'))
    with open(empty, 'w'):
        pass

    result = mangrove('call', 'ec2', 'get_all_instances', '--regions',
                      'us-east-1',
                      env={'BOTO_CONFIG': empty, 'HOME': str(tmpdir),
                           # boto then asks the instance-metadata address
                           # for credentials: keep that on loopback too.
                           'http_proxy': 'http://127.0.0.1:%d' % free_port()})

    if result.status == 0:
        pytest.skip('boto found credentials of its own on this machine')
    assert result.status == 1
    assert 'Traceback' not in result.err
    line = one_error_line(result)
    assert 'cannot connect to ec2: no AWS credentials found' in line
    for place in ('AWS_ACCESS_KEY_ID', 'BOTO_CONFIG', '~/.boto',
                  '~/.aws/credentials', 'AWS_PROFILE', 'instance role'):
        assert place in line
    assert 'NoAuthHandlerFound' not in line


# -- shell -------------------------------------------------------------------


def test_shell_runs_the_lines_of_stdin_like_a_repl(connect_kwargs):
    ec2_pool(connect_kwargs, ['us-east-1']).regions.us_east_1 \
        .create_security_group('cli-web', 'cli test')
    script = '\n'.join([
        'print(len(ec2.regions))',
        'ec2.regions',
        'groups = ec2.regions.us_east_1.get_all_security_groups()',
        "print(','.join(sorted(g.name for g in groups)))",
        '1/0',
        'for key in sqs.regions:',
        '    print(key)',
        '',
        "print('still here')",
    ]) + '\n'

    result = mangrove('shell', '--regions', 'us-east-1,eu-west-1',
                      stdin=script)

    # Every line ran, and the failed one makes the exit status.
    assert result.status == 1
    assert result.out.splitlines() == [
        '2',
        '<RegionMapping EC2: 2 regions (us_east_1, eu_west_1)>',
        'cli-web,default',
        'us_east_1',
        'eu_west_1',
        'still here',
    ]
    assert 'ZeroDivisionError' in result.err
    assert '>>>' not in result.out


def test_shell_has_a_pool_per_default_service_and_a_banner():
    script = '\n'.join([
        "print(' '.join(type(p).__name__ for p in (ec2, s3, sqs)))",
        'print(mangrove.__version__)',
        'print(len(ec2.regions))',
    ]) + '\n'

    result = mangrove('shell', stdin=script)

    assert result.status == 0
    assert result.out.splitlines() == [
        'Ec2Pool S3Pool SqsPool', package.__version__,
        str(len(aws_regions('ec2')))]
    for text in ('<Ec2Pool EC2>', '<S3Pool S3>', '<SqsPool SQS>',
                 'mangrove'):
        assert text in result.err


def test_shell_services_option_names_the_pools():
    result = mangrove(
        'shell', '--services', 'sqs,lambda', '--regions', 'us-east-1',
        stdin="print(sorted(k for k in ('ec2', 'sqs', 'awslambda') "
              "if k in globals()))\n")

    assert result.status == 0
    assert result.out.splitlines() == ["['awslambda', 'sqs']"]


def test_shell_with_empty_input_exits_0():
    result = mangrove('shell', '--regions', 'us-east-1', stdin='')

    assert (result.status, result.out) == (0, '')


# -- demo --------------------------------------------------------------------


def _moto_importable():
    proc = subprocess.Popen(
        [sys.executable, '-c', 'import moto.server'],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=child_env())
    proc.communicate()
    return proc.returncode == 0


MOTO = _moto_importable()


@pytest.mark.slow
@pytest.mark.skipif(not MOTO, reason='moto is not importable here')
def test_demo_runs_its_own_server_and_stops_it(tmpdir, connect_kwargs):
    # A boto config pointing at a dead port: the demo must not need it.
    dead = write_boto_config(str(tmpdir.join('dead.cfg')), free_port())

    result = mangrove('demo', env={'BOTO_CONFIG': dead})

    assert result.status == 0, result.err
    assert 'Traceback' not in result.err
    out = result.out
    port = int(re.search(r'listening on 127\.0\.0\.1:(\d+)', out).group(1))
    for text in (
            '<DemoPool: ec2 (4 regions), sqs (2 regions), s3 (1 region)>',
            '<RegionMapping EC2: 4 regions',
            '<RegionResults 4 ok>',
            '<RegionResults 3 ok, 1 failed: us_west_2>',
            'us-west-2: EC2ResponseError: 400 InvalidGroup.NotFound',
            'sqs eu-west-1: eu-west-1.queue.amazonaws.com'):
        assert text in out
    assert 'ap-southeast-2: 0 results' in out.splitlines()
    assert out.rstrip().endswith('The moto server is stopped.')
    assert port != connect_kwargs['proxy_port']
    assert not port_accepts(port, timeout=2)
    # Nothing reached the test suite's own server.
    pool = ec2_pool(connect_kwargs, ['us-east-1'])
    assert pool.regions.us_east_1.get_only_instances() == []


@pytest.mark.skipif(MOTO, reason='moto is importable here')
def test_demo_without_moto_gives_a_one_line_hint():
    result = mangrove('demo')

    assert result.status == 2 and result.out == ''
    line = one_error_line(result)
    assert "pip install 'boto-mangrove[demo]'" in line or (
        'Python 3.7' in line)
