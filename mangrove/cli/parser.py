# -*- coding: utf-8 -*-
"""The ``mangrove`` command's argument parser: commands, options, help."""
from __future__ import absolute_import

import argparse
import sys

import mangrove
from mangrove.catalog import PARTITIONS
from mangrove.cli import commands, shell
from mangrove.cli.arguments import seconds
from mangrove.cli.connect import DEFAULT_PARTITION
from mangrove.cli.errors import UsageError
from mangrove.cli.terminal import write

__all__ = ['NO_COMMAND', 'build_parser']

NO_COMMAND = ('a command is required: services, regions, call, shell or '
              'demo')


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not usage plus line."""

    def error(self, message):
        if message == 'too few arguments':
            # Python 2's argparse does not say which ones.
            if self.prog == 'mangrove':
                message = NO_COMMAND
            else:
                message += ': %s' % ' '.join(self.format_usage().split()[1:])
        raise UsageError('%s (see %s --help)' % (message, self.prog))


class _VersionAction(argparse.Action):
    # argparse's own version action prints to stderr on Python 2.7.
    def __init__(self, option_strings, dest=argparse.SUPPRESS,
                 default=argparse.SUPPRESS, help=None):
        super(_VersionAction, self).__init__(
            option_strings=option_strings, dest=dest, default=default,
            nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        write(sys.stdout, 'mangrove %s\n' % mangrove.__version__)
        parser.exit(0)


def _connection_options(parser, regions_help):
    parser.add_argument(
        '--regions', metavar='R1,R2',
        help=regions_help)
    parser.add_argument(
        '--partition', metavar='P',
        help='the partition whose regions are meant when --regions is not '
             'given: %s (default %s)' % (', '.join(PARTITIONS),
                                         DEFAULT_PARTITION))
    parser.add_argument(
        '--endpoint-url', metavar='URL',
        help='send every region\'s requests to this URL instead of AWS; '
             '{region} in it stands for the region name')


def build_parser():
    """The ``mangrove`` command's argument parser.

    :rtype: :class:`argparse.ArgumentParser`
    """
    parser = _Parser(
        prog='mangrove',
        description='Connection pools for classic boto: one connection per '
                    'AWS region, every region in one call.',
        epilog='Exit status: 0 on success, 1 when a region failed, 2 for '
               'bad usage. Credentials and settings come from boto '
               '(environment, ~/.boto, BOTO_CONFIG).')
    parser.add_argument('--version', action=_VersionAction,
                        help='show the version and exit')
    subparsers = parser.add_subparsers(dest='command', metavar='COMMAND')

    sub = subparsers.add_parser(
        'services', help='list the services mangrove knows',
        description='List the services mangrove knows, one per line.')
    sub.set_defaults(func=commands.services)

    sub = subparsers.add_parser(
        'regions', help="list a service's regions",
        description="List a service's regions, one per line: every "
                    'partition unless --partition narrows them.')
    sub.add_argument('service', metavar='SERVICE', help='a service name')
    sub.add_argument('--partition', metavar='P',
                     help='only this partition: %s' % ', '.join(PARTITIONS))
    sub.set_defaults(func=commands.regions)

    sub = subparsers.add_parser(
        'call', help='call one boto method in every region at once',
        description='Call one method of the service\'s boto connection in '
                    'every region at once and print each region\'s result. '
                    'ARG words of the form name=value are keyword '
                    'arguments, the others positional; values are read as '
                    'JSON when they parse (42, true, null, ["a","b"], '
                    '{"k":"v"}, \'"42"\' for the string 42), else as text.',
        epilog='Exit status: 0 when every region answered, 1 when one '
               'failed (failures are listed on stderr, the other regions '
               'still printed), 2 for bad usage. With --json, failed '
               'regions are under an "errors" key beside the region names.')
    sub.add_argument('service', metavar='SERVICE', help='a service name')
    sub.add_argument('method', metavar='METHOD',
                     help='a method of its boto connection, such as '
                          'get_all_instances')
    sub.add_argument('args', metavar='ARG', nargs='*', default=[],
                     help='value or name=value')
    _connection_options(sub, 'only these regions (either form: us-east-1, '
                             'us_east_1); default every region of the '
                             'partition')
    sub.add_argument('--json', action='store_true',
                     help='print one JSON object keyed by region')
    sub.add_argument('--timeout', metavar='S', type=seconds,
                     help='give up on regions that have not answered after '
                          'S seconds (they count as failed)')
    sub.set_defaults(func=commands.call)

    sub = subparsers.add_parser(
        'shell', help='a Python console with connected pools',
        description='A Python console (IPython when installed) with one '
                    'connected pool per service under its name (ec2, s3, '
                    '...). With stdin not a terminal, it runs the lines it '
                    'reads and stops at their end.')
    sub.add_argument('--services', metavar='S1,S2',
                     help='the services to build pools for (default %s)'
                          % ','.join(shell.DEFAULT_SERVICES))
    _connection_options(sub, 'the regions of every pool (default every '
                             'region of the partition)')
    sub.add_argument('--plain', action='store_true',
                     help='the standard Python console even when IPython '
                          'is installed')
    sub.set_defaults(func=shell.shell)

    sub = subparsers.add_parser(
        'demo', help='run the demo against a local AWS emulator',
        description='Start a local AWS emulator (a moto server on a free '
                    '127.0.0.1 port), create a little state in several '
                    'regions, show pools and a fan-out at work, and stop '
                    'it. Needs no credentials and no network: '
                    "pip install 'boto-mangrove[demo]'.")
    sub.set_defaults(func=commands.demo)
    return parser
