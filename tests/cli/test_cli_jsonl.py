# -*- coding: utf-8 -*-
"""
``mangrove call ... --jsonl``: one JSON object per line, written as each
region answers, run as a subprocess against the session's moto server.
"""
from __future__ import absolute_import

import collections
import json
import os
import select
import subprocess
import sys

import pytest

from mangrove.services import Ec2Pool
from mangrove.testing import write_boto_config

from clirun import HANG_GUARD, HERE, child_env, guarded, mangrove


@pytest.fixture
def proxy_config(proxy, tmpdir):
    """A boto config that sends every request through the proxy."""
    return write_boto_config(str(tmpdir.join('proxy.cfg')), proxy.port)


def lines_of(out):
    # In the order written: a plain dict on 2.7 would follow the hash seed
    # tox sets.
    return [json.loads(line, object_pairs_hook=collections.OrderedDict)
            for line in out.splitlines()]


def test_each_region_is_one_json_line(connect_kwargs):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs)
    pool.regions.us_east_1.create_security_group('jsonl-web', 'cli test')

    result = mangrove('call', 'ec2', 'get_all_security_groups', '--jsonl',
                      '--regions', 'us_east_1,eu-west-1')

    assert result.status == 0 and result.err == ''
    found = dict((line['region'], line) for line in lines_of(result.out))
    assert sorted(found) == ['eu-west-1', 'us-east-1']
    assert all(list(line) == ['region', 'result'] for line in found.values())
    assert sorted(g['name'] for g in found['us-east-1']['result']) == [
        'default', 'jsonl-web']
    assert [g['name'] for g in found['eu-west-1']['result']] == ['default']


@pytest.mark.slow
def test_a_failing_region_is_a_line_with_its_error(proxy, proxy_config):
    proxy.faults = {'eu-west-1': '503'}

    result = mangrove('call', 'ec2', 'get_all_zones', '--jsonl',
                      '--regions', 'us-east-1,eu-west-1',
                      env={'BOTO_CONFIG': proxy_config})

    assert result.status == 1
    found = dict((line['region'], line) for line in lines_of(result.out))
    assert found['us-east-1']['result']
    error = found['eu-west-1']['error']
    assert (error['status'], error['code']) == (503, 'ServiceUnavailable')
    assert 'eu-west-1' in result.err and '1 of 2 regions failed' in result.err


def test_a_line_is_written_while_other_regions_are_still_waited_for(
        proxy, proxy_config):
    # us-east-1 is held by the proxy until eu-west-1's line has been read:
    # a command that printed only at the end would never show it.
    proxy.faults = {'us-east-1': 'stall'}
    proc = subprocess.Popen(
        [sys.executable, '-m', 'mangrove', 'call', 'ec2', 'get_all_zones',
         '--jsonl', '--regions', 'us-east-1,eu-west-1'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=child_env({'BOTO_CONFIG': proxy_config}), cwd=HERE)
    timer = guarded(proc)
    try:
        proxy.wait_held(1, timeout=HANG_GUARD)
        ready, _, _ = select.select([proc.stdout], [], [], HANG_GUARD)
        assert ready, 'no line while us-east-1 was held'
        first = json.loads(os.read(proc.stdout.fileno(), 1 << 16)
                           .decode('utf-8').splitlines()[0])
        assert first['region'] == 'eu-west-1' and first['result']
        assert proxy.held == 1
        proxy.release()
        out, err = proc.communicate()
    finally:
        timer.cancel()
        proxy.release()
    assert proc.returncode == 0, err
    rest = lines_of(out.decode('utf-8'))
    assert [line['region'] for line in rest] == ['us-east-1']


def test_json_and_jsonl_are_one_or_the_other():
    result = mangrove('call', 'ec2', 'get_all_zones', '--json', '--jsonl')

    assert result.status == 2
    assert 'not allowed with' in result.err
