# -*- coding: utf-8 -*-
"""
What ``mangrove call`` prints, run as a subprocess against the session's
moto server: tables fitted to a width, the columns each type of object is
shown with, values AWS shows only once printed whole, nested lines for
dict responses, the summary line and ``--hide-empty``, plain data without
boto's XML leftovers; also ``mangrove demo | head`` and the help pages.

``COLUMNS`` stands for the terminal's width (as it does for
``shutil.get_terminal_size``); output to a pipe is otherwise never cut.
"""
from __future__ import absolute_import

import re
import subprocess
import sys

import pytest

from mangrove.testing import port_accepts

from clirun import (
    HERE, child_env, guarded, loads, mangrove, sections)

AMI = 'ami-03cf127a'
PEM_LINE = re.compile(r'^[A-Za-z0-9+/=]{1,64}$')


def ec2(connect_kwargs, region='us-east-1'):
    from mangrove.services import Ec2Pool
    pool = Ec2Pool(connect=True, regions=[region], **connect_kwargs)
    return pool.regions[region]


def body_of(out, region):
    return sections(out)[region][1]


def cells(header, line):
    """A table line's cells, cut where the header's columns start."""
    starts = [m.start() for m in re.finditer(r'\S+', header)]
    ends = starts[1:] + [None]
    return [line[a:b].strip() for a, b in zip(starts, ends)]


# -- values AWS shows once ---------------------------------------------------


def test_a_new_private_key_is_printed_whole_on_a_narrow_terminal():
    result = mangrove('call', 'ec2', 'create_key_pair', 'cli-deploy',
                      '--regions', 'us-east-1', env={'COLUMNS': '50'})

    assert result.status == 0, result.err
    lines = result.out.splitlines()
    begin = lines.index('    -----BEGIN RSA PRIVATE KEY-----')
    end = lines.index('    -----END RSA PRIVATE KEY-----')
    assert lines[begin - 1] == '  material of cli-deploy:'
    key_lines = [line[4:] for line in lines[begin + 1:end]]
    assert len(key_lines) > 20
    assert all(PEM_LINE.match(line) for line in key_lines), key_lines
    assert all(len(line) == 64 for line in key_lines[:-1])
    # The other cells are cut to the width; the key is not.
    assert all(len(line) <= 50 for line in lines
               if not line.startswith('    '))
    note, = [line for line in result.err.splitlines() if 'material' in line]
    assert 'material of cli-deploy in us-east-1' in note
    assert 'printed whole' in note and '--json' in note


@pytest.mark.slow
def test_session_credentials_are_printed_whole_and_match_json():
    table = mangrove('call', 'sts', 'get_session_token', '--regions',
                     'us-east-1', env={'COLUMNS': '60'})
    data = mangrove('call', 'sts', 'get_session_token', '--regions',
                    'us-east-1', '--json')

    assert table.status == data.status == 0, table.err + data.err
    credentials = loads(data.out)['us-east-1']
    assert len(credentials['session_token']) > 60
    lines = table.out.splitlines()
    for field in ('secret_key', 'session_token'):
        assert '  %s of Credentials: %s' % (field, credentials[field]) in \
            lines or any(line.endswith(': ' + credentials[field])
                         for line in lines)
    assert 'secret_key' in table.err and 'session_token' in table.err


def test_a_dict_response_prints_as_nested_lines_with_the_secret_whole(
        connect_kwargs):
    from mangrove.services import IamPool
    IamPool(connect=True, regions=['us-east-1'],
            **connect_kwargs).regions.us_east_1.create_user('cli-bob')

    result = mangrove('call', 'iam', 'create_access_key', 'cli-bob',
                      '--regions', 'us-east-1', env={'COLUMNS': '40'})

    assert result.status == 0, result.err
    lines = result.out.splitlines()
    # IAM is global: its one endpoint answers for us-east-1.
    assert lines[:3] == ['aws-global', '  create_access_key_response:',
                         '    create_access_key_result:']
    assert '      access_key:' in lines
    secret, = [line for line in lines if 'secret_access_key' in line]
    assert re.match(r'^        secret_access_key: [A-Za-z0-9+/]{40}$',
                    secret)
    assert '        user_name: cli-bob' in lines
    assert 'secret_access_key' in result.err


# -- tables ------------------------------------------------------------------


@pytest.mark.slow
def test_tables_fit_the_width_cut_in_the_middle_and_json_has_it_whole():
    table = mangrove('call', 'ec2', 'get_all_images', '--regions',
                     'us-east-1', env={'COLUMNS': '72'})
    data = mangrove('call', 'ec2', 'get_all_images', '--regions',
                    'us-east-1', '--json')

    assert table.status == data.status == 0
    images = loads(data.out)['us-east-1']
    body = body_of(table.out, 'us-east-1')
    assert all(len(line) <= 72 for line in table.out.splitlines())
    assert body[0].split()[:3] == ['id', 'name', 'state']
    # A cell shows a value's words with single spaces.
    names = dict((i['id'], ' '.join(i['name'].split())) for i in images)
    cut = 0
    for line in body[1:]:
        image_id, name = cells(body[0], line)[:2]
        assert image_id in names       # ids are never cut
        if '...' in name:
            cut += 1
            head, tail = name.split('...')
            full = names[image_id]
            assert full.startswith(head) and full.endswith(tail)
            assert head and tail and len(name) < len(full)
        else:
            assert name == names[image_id]
    assert cut > 0


@pytest.mark.slow
def test_nothing_is_cut_without_a_terminal_width():
    result = mangrove('call', 'ec2', 'get_all_images', '--regions',
                      'us-east-1', env={'COLUMNS': None})

    assert result.status == 0
    assert '...' not in result.out


@pytest.mark.slow
def test_instances_show_their_name_tag_and_volumes_their_attachment(
        connect_kwargs):
    region = ec2(connect_kwargs)
    instance = region.run_instances(AMI, instance_type='t2.micro') \
        .instances[0]
    region.create_tags([instance.id], {'Name': 'cli-web-1'})
    volume = region.create_volume(12, 'us-east-1a')
    region.attach_volume(volume.id, instance.id, '/dev/sdf')

    instances = mangrove('call', 'ec2', 'get_all_instances', '--regions',
                         'us-east-1', env={'COLUMNS': '200'})
    volumes = mangrove('call', 'ec2', 'get_all_volumes', '--regions',
                       'us-east-1', env={'COLUMNS': '200'})

    header, row = body_of(instances.out, 'us-east-1')
    assert header.split()[:4] == ['id', 'Name', 'state', 'instance_type']
    assert row.split()[:4] == [instance.id, 'cli-web-1', 'running',
                               't2.micro']
    assert 'reservation' in header.split()
    body = body_of(volumes.out, 'us-east-1')
    assert body[0].split()[:4] == ['id', 'size', 'status', 'attachment']
    row, = [line for line in body if line.split()[0] == volume.id]
    assert '12 GiB' in row and 'in-use' in row
    assert '%s /dev/sdf attached' % instance.id in row


@pytest.mark.slow
def test_summary_line_counts_and_hide_empty_leaves_out_empty_regions(
        connect_kwargs):
    from mangrove.services import SqsPool
    SqsPool(connect=True, regions=['eu-west-1'],
            **connect_kwargs).regions.eu_west_1.create_queue('cli-orders')
    regions = 'us-east-1,eu-west-1,us-west-2'

    every = mangrove('call', 'sqs', 'get_all_queues', '--regions', regions)
    hidden = mangrove('call', 'sqs', 'get_all_queues', '--regions', regions,
                      '--hide-empty')

    assert every.status == hidden.status == 0
    assert list(sections(every.out)) == ['us-east-1', 'eu-west-1',
                                         'us-west-2']
    assert re.match(r'^1 result in 1 of 3 regions \(2 empty\), [\d.]+s$',
                    every.out.splitlines()[-1])
    assert list(sections(hidden.out)) == ['eu-west-1']
    assert re.match(r'^1 result in 1 of 3 regions \(2 empty, not shown\), '
                    r'[\d.]+s$', hidden.out.splitlines()[-1])


@pytest.mark.slow
def test_json_has_no_leftovers_of_boto_xml_parsing(connect_kwargs):
    region = ec2(connect_kwargs)
    instance = region.run_instances(AMI).instances[0]
    region.attach_volume(region.create_volume(8, 'us-east-1a').id,
                         instance.id, '/dev/sdf')
    region.allocate_address()

    found = {}
    for method in ('get_all_volumes', 'get_all_images', 'get_all_addresses',
                   'get_only_instances'):
        result = mangrove('call', 'ec2', method, '--regions', 'us-east-1',
                          '--json')
        assert result.status == 0
        found[method] = loads(result.out)['us-east-1']

    def keys(data):
        if isinstance(data, dict):
            for key, value in data.items():
                yield key
                for inner in keys(value):
                    yield inner
        elif isinstance(data, list):
            for item in data:
                for inner in keys(item):
                    yield inner

    every = set(k for data in found.values() for k in keys(data))
    for leftover in ('item', 'requestId', 'attachmentSet', 'ownerId',
                     'creationDate', 'eventsSet'):
        assert leftover not in every
    assert not [k for k in every if re.search(r'[a-z][A-Z]', k)]
    image = found['get_all_images'][0]
    assert image['creation_date'] and image['owner_id']
    volume = [v for v in found['get_all_volumes']
              if v['attach_data']['device'] == '/dev/sdf'][0]
    assert volume['attach_data']['instance_id'] == instance.id


# -- pipes and help ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 7),
                    reason='the demo needs moto, which needs Python 3.7+')
def test_demo_into_a_pipe_closed_early_ends_quietly_and_stops_its_server():
    proc = subprocess.Popen(
        [sys.executable, '-m', 'mangrove', 'demo'], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
        cwd=HERE)
    timer = guarded(proc)
    try:
        first = [proc.stdout.readline().decode('utf-8') for _ in range(3)]
        proc.stdout.close()      # what `head -3` does after three lines
        err = proc.stderr.read().decode('utf-8')
        proc.wait()
    finally:
        timer.cancel()

    if 'the demo needs moto' in err:
        pytest.skip('moto is not importable here')
    port = int(re.search(r'listening on 127\.0\.0\.1:(\d+)',
                         first[0]).group(1))
    assert err == ''
    assert proc.returncode in (0, 1)
    assert not port_accepts(port, timeout=2)


@pytest.mark.parametrize('command', ['services', 'regions', 'call', 'shell',
                                     'demo'])
def test_every_help_page_has_examples(command):
    result = mangrove(command, '--help')

    assert result.status == 0
    examples = result.out.split('\nexamples:\n')[1].splitlines()
    assert examples and all(line.startswith('  $ ') and
                            'mangrove %s' % command in line
                            for line in examples)


def test_the_command_help_has_examples_too():
    result = mangrove('--help')

    assert '\nexamples:\n  $ mangrove ' in result.out


@pytest.mark.slow
def test_a_refused_connection_names_host_and_port_once_for_all_regions():
    from mangrove.testing import free_port
    port = free_port()     # nothing listens there

    result = mangrove('call', 'ec2', 'get_all_instances', '--regions',
                      'us-east-1,eu-west-1,us-west-2', '--endpoint-url',
                      'http://127.0.0.1:%d' % port)

    assert result.status == 1
    assert re.match(r'^0 of 3 regions answered \(3 failed\), [\d.]+s$',
                    result.out.strip())
    lines = result.err.splitlines()
    assert lines[0] == 'mangrove: 3 of 3 regions failed:'
    assert len(lines) == 2, result.err
    assert lines[1].startswith('  us-east-1, eu-west-1, us-west-2: ')
    assert 'Connection refused' in lines[1]
    assert lines[1].endswith('(127.0.0.1:%d)' % port)
