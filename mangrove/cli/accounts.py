# -*- coding: utf-8 -*-
"""
``mangrove call ... --accounts``: one method in every region of several
accounts, each reached by assuming a role.

::

    mangrove call ec2 get_all_volumes --accounts 111111111111,222222222222 \\
        --role-name Audit
    mangrove call ec2 get_all_volumes --accounts organization \\
        --role-name OrganizationAccountAccessRole --skip-accounts 333333333333

The table is grouped by account; ``--json`` prints one object keyed by
account, then region name (account, service, region name for several
services: ``mangrove call ec2,autoscale get_all_tags --accounts ...``,
see :mod:`mangrove.cli.servicelist`). An account whose role could not be
assumed is under ``"errors"`` as one error (``{"error": "AssumeRoleError",
"message": ..., "role": ...}``); a region that failed in an account that
answered is under ``"errors"`` too, as ``{account: {region: error}}`` (or
``{account: {service: {region: error}}}``). ``--jsonl`` writes a line as
each account's region answers, ``"account"`` first, and one line for an
account whose role failed. Exit status 1 when an account or a region
failed. The roles' temporary credentials are never printed.
"""
from __future__ import absolute_import

import collections
import json
import sys
import time

from mangrove import backends
from mangrove.accounts.assumerole import MAX_DURATION, MIN_DURATION
from mangrove.accounts.pool import ORGANIZATION, AccountPool
from mangrove.cli.arguments import (
    check_endpoint_url, region_names, seconds, split_names)
from mangrove.cli.connect import DEFAULT_PARTITION, NO_CREDENTIALS, \
    connected_pool
from mangrove.cli.errors import CommandError, UsageError
from mangrove.cli.plaindata import to_data
from mangrove.cli.progress import Progress
from mangrove.cli.servicelist import (
    check_method, fan_out_keys, grouped_layout, nest, pool_class,
    service_list, write_jsonl_line)
from mangrove.cli.tables import (
    error_data, error_text, format_errors, key_text, summary_line)
from mangrove.cli.terminal import (
    more_pages_note, print_lines, terminal_width, write)
from mangrove.exceptions import (
    AssumeRoleError, FanOutTimeoutError, MangroveError, OrganizationsError)
from mangrove.fanout.results import RegionResults
from mangrove.pool import declaration
from mangrove.pool.pagination import Pages
from mangrove.registry import get_service

__all__ = ['add_account_options', 'call_in_accounts']

_now = getattr(time, 'monotonic', time.time)


def add_account_options(parser):
    """The options of ``call`` that name accounts and how to reach them."""
    group = parser.add_argument_group(
        'accounts', 'call the method in every region of several accounts, '
        'each reached by assuming a role with the credentials boto finds')
    group.add_argument(
        '--accounts', metavar='A1,A2',
        help="account ids, or 'organization' for every active account of "
             'your AWS Organization')
    group.add_argument('--role-name', metavar='NAME',
                       help='the role to assume, the same in every account')
    group.add_argument('--role-arn', metavar='ARN',
                       help='or a role ARN with {account} for the account '
                            'id')
    group.add_argument('--external-id', metavar='ID',
                       help="the external id the roles' trust asks for")
    group.add_argument('--session-name', metavar='NAME',
                       help='the role session name (default mangrove)')
    group.add_argument('--duration', metavar='S', type=seconds,
                       help='seconds the credentials last, %d to %d '
                            '(default 3600)' % (MIN_DURATION, MAX_DURATION))
    group.add_argument('--skip-accounts', metavar='A1,A2',
                       help='leave these accounts out')
    group.add_argument('--organizational-units', metavar='OU1,OU2',
                       help='with --accounts organization: only the accounts '
                            'inside these units')
    group.add_argument('--include-caller', action='store_true',
                       help='with --accounts organization: include your own '
                            'account, with your own credentials')


def _role_options(args):
    if not args.role_name and not args.role_arn:
        raise UsageError('--accounts needs --role-name NAME or --role-arn '
                         'ARN (the role to assume in each account)')
    options = dict(role_name=args.role_name, role_arn=args.role_arn,
                   external_id=args.external_id,
                   organizational_units=split_names(
                       args.organizational_units),
                   skip_accounts=split_names(args.skip_accounts),
                   include_caller=args.include_caller)
    if args.session_name:
        options['session_name'] = args.session_name
    if args.duration is not None:
        if args.duration != int(args.duration) or not \
                MIN_DURATION <= args.duration <= MAX_DURATION:
            raise UsageError('--duration takes whole seconds from %d to %d '
                             '(what STS allows), not %s' % (
                                 MIN_DURATION, MAX_DURATION,
                                 _number(args.duration)))
        options['duration'] = int(args.duration)
    return options


def _number(value):
    return '%d' % value if value == int(value) else '%s' % value


def account_pool(args, names=None):
    """The :class:`~mangrove.accounts.AccountPool` the arguments name (of
    the services ``names``, default ``args.service``'s).

    :raises UsageError: the role is missing.
    :raises MangroveError: a name or value given is wrong.
    :raises CommandError: the caller's organization or identity could not
        be read, or boto found no credentials.
    """
    from mangrove import services
    names = names or service_list(args.service)
    if len(names) > 1:
        kind = pool_class(names)
    else:
        kind = getattr(services, get_service(names[0]).class_name)
    text = args.accounts.strip()
    accounts = ORGANIZATION if text == ORGANIZATION else split_names(text)
    regions = region_names(args.regions)
    partition = declaration.parse_partition(args.partition)
    if regions is None and partition is None:
        partition = DEFAULT_PARTITION
    try:
        return AccountPool(
            kind, accounts,
            regions=regions, partition=partition,
            endpoint_url=check_endpoint_url(args.endpoint_url),
            **_role_options(args))
    except (AssumeRoleError, OrganizationsError) as exc:
        raise CommandError('cannot list the accounts: %s' % exc)
    except MangroveError:
        raise
    except Exception as exc:
        if type(exc).__name__ == 'NoAuthHandlerFound':
            raise CommandError('cannot reach STS: %s' % NO_CREDENTIALS)
        raise CommandError('cannot list the accounts: %s' % error_text(exc))


class _Progress(object):
    """The progress line, told of an account whose role failed as of each
    of its regions."""

    def __init__(self, keys, stream):
        self.keys = list(keys)
        self.line = Progress(self.keys, stream)

    def __call__(self, key, result, error):
        if isinstance(key, tuple):
            return self.line(key, result, error)
        for each in self.keys:
            if each[0] == key:
                self.line(each, None, error)
        return None


def call_in_accounts(args, names, call_args, call_kwargs):
    """``mangrove call SERVICE[,SERVICE...] METHOD ARG... --accounts ...``
    (``names``: the services)."""
    _role_options(args)  # usage first, before any request
    backend = backends.resolve(getattr(args, 'backend', None))
    if backend.name != 'boto':
        raise UsageError('--accounts calls classic boto pools; leave out '
                         '--backend %s' % backend.name)
    probe = connected_pool(names if len(names) > 1 else names[0],
                           region_names(args.regions), args.partition,
                           args.endpoint_url)
    try:
        check_method(probe, args.method, call_args, call_kwargs)
    finally:
        probe.close()
    fleet = account_pool(args, names)
    keys = [(account,) + (key if isinstance(key, tuple) else (key,))
            for account in fleet.accounts for key in fan_out_keys(probe)]
    pages = Pages(args.method, call_args, call_kwargs, args.max_pages)
    if getattr(args, 'jsonl', False):
        return _call_jsonl(args, fleet, keys, pages)
    started = _now()
    progress = _Progress(keys, sys.stderr)
    progress.line.start()
    try:
        results = fleet.map(pages, timeout=args.timeout, on_result=progress)
    finally:
        progress.line.stop()
        fleet.close()
    seconds_taken = _now() - started
    if args.json:
        _print_json(results)
    else:
        _print_tables(fleet, results, args.hide_empty, seconds_taken,
                      len(names))
    more_pages_note(results, args.max_pages, key_text)
    _print_failures(fleet, results)
    args.abandoned = any(isinstance(e, FanOutTimeoutError)
                         for e in results.errors.values())
    return 0 if results.ok else 1


def _call_jsonl(args, fleet, keys, pages):
    """``--jsonl``: one JSON object per line, written and flushed as each
    region of each account answers: ``{"account": ..., "region": ...,
    "result": ...}`` (``"service"`` before ``"region"`` when several are
    asked), ``"error"`` instead of ``"result"`` for a region that failed,
    and one ``{"account": ..., "error": {...}}`` line for an account whose
    role could not be assumed. Only the failures are kept, for the summary
    on stderr: a fan-out of any size needs memory for the regions in
    flight."""
    errors, more = [], []
    progress = _Progress(keys, sys.stderr)
    progress.line.start()
    try:
        for outcome in fleet.iter_map(pages, timeout=args.timeout):
            progress(outcome.key, outcome.result, outcome.error)
            key = outcome.key
            if not isinstance(key, tuple):   # an account whose role failed
                write_jsonl_line(('account',), key, None, outcome.error,
                                 _account_error)
            else:
                write_jsonl_line(
                    ('account', 'service', 'region') if len(key) == 3
                    else ('account', 'region'), key, outcome.result,
                    outcome.error)
            if outcome.error is not None:
                errors.append((key, outcome.error))
            elif args.max_pages is not None:
                more.append((key, outcome.result))
    finally:
        progress.line.stop()
        fleet.close()
    more_pages_note(RegionResults(more), args.max_pages, key_text)
    failures = RegionResults((), errors)
    refused = set(key for key in failures.errors
                  if not isinstance(key, tuple))
    _print_failures(fleet, failures, regions_asked=len(
        [key for key in keys if key[0] not in refused]))
    args.abandoned = any(isinstance(e, FanOutTimeoutError)
                         for e in failures.errors.values())
    return 0 if failures.ok else 1


def _by_account(accounts, results):
    """account -> RegionResults keyed by region (or service and region),
    or the account's error, in the pool's order of accounts."""
    parts = collections.OrderedDict((a, ([], [])) for a in accounts)
    for key, value in results.items():
        parts[key[0]][0].append((_within(key), value))
    failed = {}
    for key, error in results.errors.items():
        if isinstance(key, tuple):
            parts[key[0]][1].append((_within(key), error))
        else:
            failed[key] = error
    return collections.OrderedDict(
        (account, failed.get(account) or RegionResults(*part))
        for account, part in parts.items())


def _within(key):
    """The key of a result within its account's."""
    return key[1] if len(key) == 2 else key[1:]


def _print_tables(fleet, results, hide_empty, seconds_taken, services=1):
    width = terminal_width(sys.stdout)
    lines, secrets = [], []
    for account, part in _by_account(fleet.accounts, results).items():
        head = 'account %s' % account
        name = fleet.accounts.slot(account).name
        if name:
            # As the organization lists it, not as an attribute spells it.
            head += ' (%s)' % name
        if isinstance(part, BaseException):
            lines.append('%s: %s (see below)' % (head, type(part).__name__))
            continue
        lines.append(head + ':')
        shown, hidden = grouped_layout(part, width - 2 if width else None,
                                       hide_empty)
        lines.extend('  ' + line for line in shown)
        secrets.extend(((account,) + (k if isinstance(k, tuple) else (k,)),
                        field) for k, field in hidden)
    regions = RegionResults(
        results.items(), [(k, e) for k, e in results.errors.items()
                          if isinstance(k, tuple)])
    failed = len([k for k in results.errors if not isinstance(k, tuple)])
    lines.append('%d account%s%s%s: %s' % (
        len(fleet.accounts), '' if len(fleet.accounts) == 1 else 's',
        ' (%d failed)' % failed if failed else '',
        ', %d services' % services if services > 1 else '',
        summary_line(regions, seconds_taken, hide_empty)))
    print_lines(lines)
    if secrets:
        sys.stdout.flush()
        print_lines(['mangrove: note: printed whole, as AWS may not show '
                     'them again: %s; keep them now' % ', '.join(
                         '%s in %s' % (field, key_text(key))
                         for key, field in secrets)], sys.stderr)


def _account_error(error):
    data = error_data(error)
    data['message'] = '%s' % (error,)
    data['role'] = getattr(error, 'role_arn', None)
    return data


def _print_json(results):
    data = collections.OrderedDict()
    for key, value in results.items():
        nest(data, key, to_data(value))
    if results.errors:
        errors = data['errors'] = collections.OrderedDict()
        for key, error in results.errors.items():
            if isinstance(key, tuple):
                nest(errors, key, error_data(error))
            else:
                errors[key] = _account_error(error)
    write(sys.stdout, json.dumps(data, indent=2,
                                 separators=(',', ': ')) + '\n')


def _print_failures(fleet, results, regions_asked=None):
    """Say on stderr which accounts and regions failed; ``regions_asked``
    is how many regions of the accounts that answered were asked (default:
    those of ``results``, failed or not)."""
    accounts = [(k, e) for k, e in results.errors.items()
                if not isinstance(k, tuple)]
    regions = RegionResults((), [(k, e) for k, e in results.errors.items()
                                 if isinstance(k, tuple)])
    lines = []
    if accounts:
        lines.append('mangrove: %d of %d accounts failed:' % (
            len(accounts), len(fleet.accounts)))
        lines.extend('  %s: %s' % (key, error) for key, error in accounts)
    if regions.errors:
        total = regions_asked
        if total is None:
            total = len(results) + len(regions.errors)
        lines.append('mangrove: %d of %d regions failed:' % (
            len(regions.errors), total))
        lines.extend('  ' + line for line in format_errors(regions))
    if lines:
        sys.stdout.flush()
        print_lines(lines, sys.stderr)
