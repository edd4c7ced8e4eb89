# -*- coding: utf-8 -*-
"""The ``mangrove`` command's argument parser: commands, options, help."""
from __future__ import absolute_import

import argparse
import sys
import textwrap

import mangrove
from mangrove.catalog import PARTITIONS
from mangrove.cli.accounts import add_account_options
from mangrove.cli.arguments import pages, seconds
from mangrove.cli.commands import call, demo, regions, services
from mangrove.cli.connect import DEFAULT_PARTITION
from mangrove.cli.errors import UsageError
from mangrove.cli.shell import DEFAULT_SERVICES, shell
from mangrove.cli.terminal import write
from mangrove.pool.declaration import BACKENDS

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
        help=regions_help + "; 'enabled' for the regions enabled for these "
                            'credentials')
    parser.add_argument(
        '--partition', metavar='P',
        help='the partition whose regions are meant when --regions is not '
             "given: %s, or 'all' for every one (default %s)"
             % (', '.join(PARTITIONS), DEFAULT_PARTITION))
    parser.add_argument(
        '--endpoint-url', metavar='URL',
        help='send every region\'s requests to this URL instead of AWS; '
             '{region} in it stands for the region name')


def _backend_option(parser):
    parser.add_argument(
        '--backend', metavar='B', choices=BACKENDS, default='boto',
        help="'boto' for classic boto (the default) or 'boto3' for boto3 "
             "clients and every service boto3 knows (Python 3.9+, pip "
             "install 'boto-mangrove[boto3]')")


def _text(paragraph=None, examples=()):
    """Help text: a paragraph filled to 79 columns, then ``examples``
    (command lines) as they are."""
    lines = [textwrap.fill(' '.join(paragraph.split()), 79)] if paragraph \
        else []
    if examples:
        lines += ['', 'examples:'] + ['  ' + line for line in examples]
    return '\n'.join(lines).strip('\n')


def _add(subparsers, name, summary, description, examples, func):
    sub = subparsers.add_parser(
        name, help=summary, description=_text(description),
        epilog=_text(examples=examples),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.set_defaults(func=func)
    return sub


def build_parser():
    """The ``mangrove`` command's argument parser.

    :rtype: :class:`argparse.ArgumentParser`
    """
    parser = _Parser(
        prog='mangrove',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_text('Connection pools for classic boto: one '
                          'connection per AWS region, every region in one '
                          'call.'),
        epilog=_text(
            'Exit status: 0 on success, 1 when a region failed, 2 for bad '
            'usage. Credentials and settings come from boto (environment, '
            '~/.boto, BOTO_CONFIG). "mangrove COMMAND --help" shows more '
            'examples.',
            examples=[
                '$ mangrove regions ec2 --partition aws',
                '$ mangrove call ec2 get_only_instances --hide-empty',
                '$ mangrove shell --services ec2,sqs --regions us-east-1',
            ]))
    parser.add_argument('--version', action=_VersionAction,
                        help='show the version and exit')
    subparsers = parser.add_subparsers(dest='command', metavar='COMMAND')

    sub = _add(subparsers, 'services', 'list the services mangrove knows',
               'List the services mangrove knows, one per line: the names '
               '"call", "regions" and "shell --services" take (with '
               '--backend boto3, every service boto3 knows).',
               ['$ mangrove services',
                '$ mangrove services | grep -i queue',
                '$ mangrove services --backend boto3'], services)
    _backend_option(sub)

    sub = _add(subparsers, 'regions', "list a service's regions",
               "List a service's regions, one per line: every partition "
               'unless --partition narrows them.',
               ['$ mangrove regions ec2',
                '$ mangrove regions s3 --partition aws-cn',
                '$ mangrove regions lambda | wc -l'], regions)
    sub.add_argument('service', metavar='SERVICE', help='a service name')
    sub.add_argument('--partition', metavar='P',
                     help='only this partition: %s' % ', '.join(PARTITIONS))
    _backend_option(sub)

    sub = _add(
        subparsers, 'call', 'call one boto method in every region at once',
        'Call one method of the service\'s boto connection in every region '
        'at once and print each region\'s result, then a summary line. '
        'ARG words of the form name=value are keyword arguments, the '
        'others positional; values are read as JSON when they parse (42, '
        'true, null, ["a","b"], {"k":"v"}, \'"42"\' for the string 42), '
        'else as text; a word that starts like JSON ([, {, ") must parse. '
        'On a terminal, a progress line says which regions are still '
        'awaited, and tables fit its width (cut in the middle; --json has '
        'every value whole). A value AWS shows only once, such as a new '
        'key pair\'s private key, is never cut. Exit status: 0 when every '
        'region answered, 1 when one failed (failures are listed on '
        'stderr, the others still printed), 2 for bad usage.',
        ['$ mangrove call ec2 get_only_instances --hide-empty',
         '$ mangrove call ec2 get_all_volumes --regions us-east-1,eu-west-1',
         "$ mangrove call ec2 get_all_instances "
         "filters='{\"instance-state-name\": \"running\"}'",
         '$ mangrove call sqs create_queue orders visibility_timeout=60 '
         '--regions us-east-1',
         '$ mangrove call ec2 create_key_pair deploy --regions us-east-1 '
         '--json > deploy-key.json',
         '$ mangrove call s3 get_all_buckets --regions us-east-1 --json | '
         'jq .',
         '$ mangrove call ec2 get_all_zones --timeout 10',
         '$ mangrove call ec2,autoscale get_all_tags --json',
         '$ mangrove call ec2 describe_instances --backend boto3 --json',
         '$ mangrove call ec2 get_all_instances --jsonl | jq -c .region',
         '$ mangrove call ec2 get_all_volumes --accounts '
         '111111111111,222222222222 --role-name Audit',
         '$ mangrove call s3 get_all_buckets --accounts organization '
         '--role-name OrganizationAccountAccessRole --json'], call)
    sub.add_argument('service', metavar='SERVICE',
                     help='a service name, or several with commas '
                          '(ec2,autoscale): each must have the method, and '
                          'the output is grouped by service, then region')
    sub.add_argument('method', metavar='METHOD',
                     help='a method of its boto connection, such as '
                          'get_all_instances')
    sub.add_argument('args', metavar='ARG', nargs='*', default=[],
                     help='value or name=value')
    _connection_options(sub, 'only these regions (either form: us-east-1, '
                             'us_east_1); default every region of the '
                             'partition')
    output = sub.add_mutually_exclusive_group()
    output.add_argument('--json', action='store_true',
                        help='print one JSON object keyed by region, failed '
                             'regions under "errors"')
    output.add_argument('--jsonl', action='store_true',
                        help='print one JSON object per line as each region '
                             'answers: {"region": ..., "result": ...} or '
                             '{"region": ..., "error": {...}} ("account" '
                             'first with --accounts); memory for the regions '
                             'in flight only')
    sub.add_argument('--hide-empty', action='store_true',
                     help='leave out the regions that returned nothing '
                          '(the summary line still counts them)')
    sub.add_argument('--timeout', metavar='S', type=seconds,
                     help='give up on regions that have not answered after '
                          'S seconds (they count as failed)')
    sub.add_argument('--max-pages', metavar='N', type=pages,
                     help="follow at most N pages of each region's listing "
                          '(default every page); a region with more says so '
                          'on stderr')
    _backend_option(sub)
    add_account_options(sub)

    sub = _add(
        subparsers, 'shell', 'a Python console with connected pools',
        'A Python console (IPython when installed) with one connected pool '
        'per service under its name (ec2, s3, ...). With stdin not a '
        'terminal, it runs the lines it reads, stops at their end, and '
        'exits 1 when one of them failed. Leaving it never waits for '
        'regions still stuck in a call.',
        ['$ mangrove shell',
         '$ mangrove shell --services ec2,sqs --regions us-east-1,eu-west-1',
         '$ mangrove shell --endpoint-url http://127.0.0.1:5000 --plain',
         "$ echo \"print(ec2.call('get_all_instances'))\" | mangrove shell"],
        shell)
    sub.add_argument('--services', metavar='S1,S2',
                     help='the services to build pools for (default %s)'
                          % ','.join(DEFAULT_SERVICES))
    _connection_options(sub, 'the regions of every pool (default every '
                             'region of the partition)')
    _backend_option(sub)
    sub.add_argument('--plain', action='store_true',
                     help='the standard Python console even when IPython '
                          'is installed')

    _add(subparsers, 'demo', 'run the demo against a local AWS emulator',
         'Start a local AWS emulator (a moto server on a free 127.0.0.1 '
         'port), create a little state in several regions, show pools and '
         'a fan-out at work, and stop it. Needs no credentials and no '
         "network: pip install 'boto-mangrove[demo]'.",
         ['$ mangrove demo', '$ mangrove demo | less'], demo)
    return parser
