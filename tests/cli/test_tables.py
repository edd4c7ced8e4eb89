# -*- coding: utf-8 -*-
"""
mangrove.cli.tables and mangrove.cli.plaindata on results built by hand:
cutting in the middle, fitting columns, nested dict lines, secrets, the summary
line and one line per distinct failure. (The same, end to end against the moto
server, is in test_cli_output.py.)
"""
from __future__ import absolute_import

import collections
import socket

import pytest

from mangrove.cli.plaindata import is_secret, to_data
from mangrove.cli.tables import (
    error_text, format_errors, layout_results, shorten, summary_line)
from mangrove.exceptions import FanOutTimeoutError
from mangrove.fanout import RegionResults

# Nothing here talks to AWS: no moto server (see conftest.py).
pytestmark = pytest.mark.no_server


@pytest.mark.parametrize('text, width, expected', [
    ('i-0123456789abcdef0', 30, 'i-0123456789abcdef0'),
    ('https://queue.amazonaws.com/123456789012/demo-orders', 30,
     'https://queue....2/demo-orders'),
    ('abcdefghij', 7, 'ab...ij'),
    ('abcdefghij', 3, 'abc'),
    ('abcdefghij', None, 'abcdefghij'),
])
def test_shorten_cuts_in_the_middle(text, width, expected):
    assert shorten(text, width) == expected
    assert width is None or len(shorten(text, width)) <= width


class Thing(object):
    """A stand-in for a boto object of a type with no columns of its own."""

    def __init__(self, **attrs):
        vars(self).update(attrs)


def test_a_wide_table_drops_its_last_columns_before_cutting_ids():
    rows = [Thing(id='i-%017d' % n, name='n%d' % n, state='running',
                  description='x' * 70, owner_id='123456789012')
            for n in range(3)]
    results = RegionResults([('us_east_1', rows)])

    lines = layout_results(results, width=60).lines

    assert all(len(line) <= 60 for line in lines)
    assert lines[1].split() == ['id', 'name', 'state', 'description']
    assert lines[2].split()[0] == 'i-%017d' % 0     # ids are never cut
    assert '...' in lines[2].split()[3]


def test_a_dict_result_is_nested_lines_and_its_secret_is_whole():
    response = collections.OrderedDict([
        ('credentials', collections.OrderedDict([
            ('access_key_id', 'AKIAEXAMPLE'),
            ('secret_access_key', 's' * 80),
            ('expiration', '2026-12-01T00:00:00Z')])),
        ('tags', [{'key': 'team', 'value': 'web'}]),
        ('request_id', 'r-1')])
    layout = layout_results(RegionResults([('us_east_1', response)]),
                            width=40)

    assert layout.lines == [
        'us-east-1',
        '  credentials:',
        '    access_key_id: AKIAEXAMPLE',
        '    expiration: 2026-12-01T00:00:00Z',
        '    secret_access_key: ' + 's' * 80,
        '  request_id: r-1',
        '  tags:',
        '    - key=team,value=web',
        '      key: team',
        '      value: web',
    ]
    assert layout.secrets == [('us_east_1',
                               'credentials.secret_access_key')]


@pytest.mark.parametrize('name, secret', [
    ('material', True), ('secret_access_key', True), ('SecretAccessKey', True),
    ('session_token', True), ('password', True), ('master_password', True),
    ('next_token', False), ('fingerprint', False), ('key_name', False),
])
def test_secret_field_names(name, secret):
    assert is_secret(name) is secret


def test_plain_data_drops_xml_leftovers_and_renames_camel_case():
    thing = Thing(item='', requestId='r-1', ownerId='1', owner_id='1',
                  creationDate='2026', attachmentSet='', name='web')

    assert to_data(thing) == {'creation_date': '2026', 'name': 'web',
                              'owner_id': '1'}


def test_summary_line_counts_results_empty_failed_and_timed_out():
    results = RegionResults(
        [('us_east_1', [1, 2]), ('eu_west_1', []), ('us_west_2', [3])],
        [('sa_east_1', ValueError('x')),
         ('ap_south_1', FanOutTimeoutError('late'))])

    assert summary_line(results, 1.25) == (
        '3 results in 2 of 5 regions (1 empty, 1 failed, 1 timed out), 1.2s')
    assert summary_line(results, hide_empty=True).startswith(
        '3 results in 2 of 5 regions (1 empty, not shown, ')
    assert summary_line(RegionResults([('us_east_1', True)])) == \
        '1 of 1 regions answered'


def test_identical_failures_are_one_line_naming_host_and_port():
    refused = socket.error(111, 'Connection refused')
    results = RegionResults([], [('us_east_1', refused),
                                 ('eu_west_1', socket.error(
                                     111, 'Connection refused')),
                                 ('us_west_2', ValueError('bad'))])
    where = {'us_east_1': '127.0.0.1:1', 'eu_west_1': '127.0.0.1:1',
             'us_west_2': '127.0.0.1:1'}

    lines = format_errors(results, where)

    assert lines == [
        'us-east-1, eu-west-1: %s: [Errno 111] Connection refused '
        '(127.0.0.1:1)' % type(refused).__name__,
        'us-west-2: ValueError: bad',
    ]
    assert error_text(FanOutTimeoutError('us_east_1 did not finish'),
                      'ec2.us-east-1.amazonaws.com:443') == (
        'FanOutTimeoutError: us_east_1 did not finish '
        '(ec2.us-east-1.amazonaws.com:443)')


def test_a_plain_result_is_never_cut():
    password_data = 'A' * 300
    results = RegionResults([('us_east_1', password_data),
                             ('eu_west_1', 'line one\n' + 'B' * 100)])

    lines = layout_results(results, width=40).lines

    assert lines == ['us-east-1: ' + password_data, 'eu-west-1',
                     '  line one', '  ' + 'B' * 100]
