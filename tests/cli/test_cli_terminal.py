# -*- coding: utf-8 -*-
"""
The ``mangrove`` command on a terminal: the progress line of ``call`` and
the interactive ``shell``, driven on a pseudo-terminal as a user would
(typing lines, Ctrl-C, Ctrl-D), against the session's moto server, a fault
proxy that stalls chosen regions, and a loopback port that accepts
connections and never answers.
"""
from __future__ import absolute_import

import os
import re

import pytest

from mangrove.testing import write_boto_config

from clirun import SilentEndpoint, Terminal, mangrove

# Every test here is slow: its own processes (see conftest.py).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, 'fork'),
                       reason='needs a pseudo-terminal')]

# Throw-away credentials for commands sent to the silent endpoint.
CREDENTIALS = {'AWS_ACCESS_KEY_ID': 'testing',
               'AWS_SECRET_ACCESS_KEY': 'testing'}


@pytest.fixture
def proxy_config(proxy, tmpdir):
    """A boto config that sends every request through the proxy."""
    return write_boto_config(str(tmpdir.join('proxy.cfg')), proxy.port)


@pytest.fixture
def silent():
    endpoint = SilentEndpoint()
    try:
        yield endpoint
    finally:
        endpoint.stop()


def progress_lines(text):
    """The states the progress line went through, in order."""
    return [part.rstrip() for part in re.split(r'[\r\n]+', text)
            if ' answered, ' in part]


# -- the progress line ------------------------------------------------------


def test_progress_line_shows_at_once_and_names_the_regions_still_awaited(
        proxy, proxy_config, connect_kwargs):
    # us-west-2 never answers: the line must show before anything answers,
    # keep moving while it waits, and not count the region once given up.
    # (moto builds its EC2 backend on the first request: made here, so
    # that us-east-1 answers well within the timeout.)
    from mangrove.services import Ec2Pool
    Ec2Pool(connect=True, regions=['us-east-1'],
            **connect_kwargs).regions.us_east_1.get_all_regions()
    proxy.faults = {'us-west-2': 'stall'}

    with Terminal(['call', 'ec2', 'get_all_regions', '--timeout', '8',
                   '--regions', 'us-east-1,us-west-2'],
                  env={'BOTO_CONFIG': proxy_config}) as term:
        status = term.wait()
        text = term.text

    assert status == 1
    states = progress_lines(text)
    assert states[0] == '0/2 answered, 0s; waiting: us-east-1, us-west-2'
    assert [s for s in states if s.startswith('1/2 answered, ') and
            s.endswith('; waiting: us-west-2')]
    # Redrawn while it waits: the elapsed time moves.
    seconds = set(int(re.search(r', (\d+)s\b', s).group(1)) for s in states)
    assert len(seconds) > 1
    # The region given up on is never counted as answered (the fan-out may
    # return before its timeout is reported: then the line is just erased).
    assert not [s for s in states if s.startswith('2/2')]
    assert all(s.startswith('1/2 answered, 1 timed out, ')
               for s in states if 'timed out' in s)
    # The line is erased before the results are printed.
    assert re.search(r'\r +\rus-east-1: \d+ results', text)
    assert re.search(r'\d+ results in 1 of 2 regions \(1 timed out\)', text)
    assert re.search(r'us-west-2: FanOutTimeoutError: .*timeout', text)


def test_progress_line_fits_the_terminal_and_ends_with_stuck_regions(silent):
    with Terminal(['call', 'ec2', 'get_all_instances', '--timeout', '2',
                   '--endpoint-url', silent.url], env=CREDENTIALS,
                  columns=60) as term:
        status = term.wait()
        text = term.text

    # Every region of the partition is stuck in its call: the command
    # still ends at --timeout, without waiting for their threads.
    assert status == 1
    states = progress_lines(text)
    assert re.match(r'0/\d+ answered, 0s; waiting: [a-z]+-[a-z]+-\d, ',
                    states[0])
    for state in states:
        assert len(state) < 60
    assert re.search(r', \+\d+ more$', states[0])
    total = int(re.match(r'0/(\d+) ', states[0]).group(1))
    assert total > 20
    assert all(s.startswith('0/%d answered' % total) for s in states)
    assert '0 of %d regions answered (%d timed out)' % (total, total) in text


def test_no_progress_line_when_stderr_is_not_a_terminal(silent):
    result = mangrove('call', 'ec2', 'get_all_instances', '--timeout', '1',
                      '--regions', 'us-east-1', '--endpoint-url', silent.url,
                      env=CREDENTIALS)

    assert result.status == 1
    assert ' answered, ' not in result.err and '\r' not in result.err
    assert re.match(r'^0 of 1 regions answered \(1 timed out\), [\d.]+s\n$',
                    result.out)


# -- the shell --------------------------------------------------------------


def shell(endpoint, regions='us-east-1,eu-west-1'):
    return Terminal(['shell', '--plain', '--services', 'ec2', '--regions',
                     regions, '--endpoint-url', endpoint.url],
                    env=CREDENTIALS)


def test_shell_exit_does_not_wait_for_a_stuck_region_and_says_so(silent):
    with shell(silent) as term:
        assert term.wait_for(r'>>> $')
        # Each line is typed at its prompt, as a user would: readline
        # owns the terminal only while it reads.
        term.type('r = ec2.map(lambda r: r.get_all_instances(), '
                  'timeout=1)\n')
        assert term.wait_for(r'timeout=1\)\r\n>>> $')
        term.type('r\n')
        assert term.wait_for(r'<RegionResults 0 ok, 2 failed: us_east_1, '
                             r'eu_west_1>\r\n>>> $')
        term.type('\x04')   # Ctrl-D
        status = term.wait()
        text = term.text

    assert status == 0
    assert 'mangrove: 2 regions still running a call; leaving without ' \
           'waiting' in text
    assert 'Exception ignored' not in text and 'Traceback' not in text


def test_ctrl_c_in_a_shell_call_returns_to_the_prompt_and_exit_ends(silent):
    with shell(silent, 'us-east-1') as term:
        assert term.wait_for(r'>>> $')
        term.type("ec2.call('get_all_instances')\n")
        # The call is under way (its thread is stuck in the silent port)
        # before Ctrl-C is typed.
        assert term.wait_for(r"get_all_instances'\)\r\n")
        assert not term.wait_for(r'\n>>> $', timeout=1)
        term.type('\x03')   # Ctrl-C
        assert term.wait_for(r'KeyboardInterrupt\r\n')
        assert term.wait_for(r'>>> $')
        term.type('print(6 * 7)\n')
        assert term.wait_for(r'42\r\n>>> $')
        term.type('exit()\n')
        status = term.wait()
        text = term.text

    assert status == 0
    assert ('mangrove: 1 region still running a call in the background; '
            'its result will be dropped') in text
    assert 'mangrove: 1 region still running a call; leaving without ' \
           'waiting' in text
    assert 'Traceback' not in text and 'Exception ignored' not in text


def test_shell_shows_a_misspelt_method_as_one_line_with_a_suggestion():
    result = mangrove('shell', '--services', 'ec2', '--regions', 'us-east-1',
                      stdin="ec2.call('get_all_instance')\n")

    assert result.status == 1
    line, = [line for line in result.err.splitlines()
             if "'get_all_instance'" in line]
    assert line.startswith('UnknownMethodError: ')
    assert "did you mean 'get_all_instances'" in line
    assert 'its methods' not in line and 'Traceback' not in result.err


def test_shell_shows_a_mangrove_error_as_its_one_line_message():
    result = mangrove('shell', '--services', 'ec2', '--regions', 'us-east-1',
                      stdin="ec2.regions['nowhere']\nprint('after')\n")

    assert result.status == 1
    assert result.out == 'after\n'
    lines = [line for line in result.err.splitlines()
             if 'nowhere' in line]
    assert lines == [lines[0]] and lines[0].startswith(
        'RegionNotInPoolError: ')
    assert "'nowhere'" in lines[0] and 'us_east_1' in lines[0]
    assert 'Traceback' not in result.err


@pytest.mark.parametrize('script, status', [
    ('print(1)\n', 0),
    ('print(undefined_name)\nprint(2)\n', 1),
    ('def f(:\n', 1),
    ('exit(3)\nprint(4)\n', 3),
    ('import sys\nsys.exit()\n', 0),
])
def test_a_shell_script_exits_non_zero_when_a_statement_failed(
        script, status):
    result = mangrove('shell', '--services', 'ec2', '--regions', 'us-east-1',
                      stdin=script)

    assert result.status == status, result.err
    assert '4' not in result.out
