# -*- coding: utf-8 -*-
"""The commands ``services``, ``regions``, ``call`` and ``demo``; each takes
the parsed arguments and returns the exit status."""
from __future__ import absolute_import

import collections
import errno
import json
import sys
import time

from mangrove import backends
from mangrove.cli.accounts import call_in_accounts
from mangrove.cli.arguments import (
    check_client_call, parse_arguments, region_names)
from mangrove.cli.connect import address_of, connected_pool
from mangrove.cli.errors import CommandError, UsageError
from mangrove.cli.plaindata import to_data
from mangrove.cli.progress import Progress
from mangrove.cli.servicelist import (
    check_method, fan_out_keys, grouped_layout, nest, service_list,
    write_jsonl_line)
from mangrove.cli.tables import (
    error_data, error_text, format_errors, key_text, summary_line)
from mangrove.cli.terminal import (
    more_pages_note, print_lines, terminal_width, write)
from mangrove.exceptions import FanOutTimeoutError
from mangrove.fanout.results import RegionResults
from mangrove.pool import declaration
from mangrove.pool.pagination import Pages

__all__ = ['services', 'regions', 'call', 'demo']

_now = getattr(time, 'monotonic', time.time)


def services(args):
    """``mangrove services``: the service names, one per line."""
    print_lines(backends.named(args.backend).service_names())
    return 0


def regions(args):
    """``mangrove regions SERVICE``: its regions, one per line."""
    backend = backends.named(args.backend)
    spec = backend.service(args.service)
    partition = declaration.parse_partition(args.partition)
    print_lines(backend.regions(spec, partition))
    return 0


def call(args):
    """``mangrove call SERVICE[,SERVICE...] METHOD ARG...``: one method in
    every region (of every service named)."""
    call_args, call_kwargs = parse_arguments(args.args)
    backend = backends.named(args.backend)
    if backend.name == 'boto3':
        # Said in the command line's words, before any request.
        check_client_call(call_args, args.max_pages)
    names = service_list(args.service, backend)
    if getattr(args, 'accounts', None) is not None:
        return call_in_accounts(args, names, call_args, call_kwargs)
    pool = connected_pool(names if len(names) > 1 else names[0],
                          region_names(args.regions), args.partition,
                          args.endpoint_url, backend)
    check_method(pool, args.method, call_args, call_kwargs)

    # Every page of each region's listing: never a first page alone.
    pages = Pages(args.method, call_args, call_kwargs, args.max_pages)
    if args.jsonl:
        return _call_jsonl(args, pool, pages)
    started = _now()
    progress = Progress(fan_out_keys(pool), sys.stderr).start()
    try:
        results = pool.map(pages, timeout=args.timeout, on_result=progress)
    finally:
        progress.stop()
    seconds = _now() - started
    if args.json:
        _print_json(results)
    else:
        lines, secrets = grouped_layout(
            results, terminal_width(sys.stdout), args.hide_empty)
        summary = summary_line(results, seconds, args.hide_empty)
        if len(names) > 1:
            summary = '%d services: %s' % (len(names), summary)
        print_lines(lines + [summary])
        if secrets:
            sys.stdout.flush()
            print_lines([_secrets_note(secrets)], sys.stderr)
    more_pages_note(results, args.max_pages, key_text)
    return _failures(args, pool, results, len(results) + len(results.errors))


def _call_jsonl(args, pool, pages):
    """``--jsonl``: one JSON object per line, ``{"region": ..., "result":
    ...}`` or ``{"region": ..., "error": {...}}`` (after ``"service"``
    when several are asked), written and flushed as each region answers;
    only the regions that failed are kept."""
    errors, more, count = [], [], 0
    progress = Progress(fan_out_keys(pool), sys.stderr).start()
    try:
        for outcome in pool.iter_map(pages, timeout=args.timeout):
            count += 1
            progress(outcome.key, outcome.result, outcome.error)
            write_jsonl_line(
                ('service', 'region') if isinstance(outcome.key, tuple)
                else ('region',), outcome.key, outcome.result, outcome.error)
            if outcome.error is not None:
                errors.append((outcome.key, outcome.error))
            elif args.max_pages is not None:
                more.append((outcome.key, outcome.result))
    finally:
        progress.stop()
    more_pages_note(RegionResults(more), args.max_pages, key_text)
    return _failures(args, pool, RegionResults((), errors), count)


def _failures(args, pool, results, count):
    """Say on stderr which regions failed; the exit status."""
    if results.errors:
        sys.stdout.flush()
        where = dict((key, address_of(pool, key)) for key in results.errors)
        print_lines(['mangrove: %d of %d regions failed:' % (
            len(results.errors), count)] +
            ['  ' + line for line in format_errors(results, where)],
            sys.stderr)
    # A region still running after --timeout keeps its thread, which the
    # interpreter would wait for at exit.
    args.abandoned = any(isinstance(e, FanOutTimeoutError)
                         for e in results.errors.values())
    return 0 if results.ok else 1


def _print_json(results):
    """Keyed by region, or service then region; the failures likewise
    under ``"errors"``."""
    data = collections.OrderedDict()
    for key, value in results.items():
        nest(data, key, to_data(value))
    if results.errors:
        errors = data['errors'] = collections.OrderedDict()
        for key, error in results.errors.items():
            nest(errors, key, error_data(error))
    # Python 2's default item separator ends lines with a space.
    write(sys.stdout, json.dumps(data, indent=2,
                                 separators=(',', ': ')) + '\n')


def _secrets_note(secrets):
    where = ', '.join('%s in %s' % (field, key_text(key))
                      for key, field in secrets)
    return ('mangrove: note: printed whole, as AWS may not show them again: '
            '%s; keep them now (--json gives them to a program as data)'
            % where)


def demo(args):
    """``mangrove demo``: the demo against a local moto server."""
    from mangrove.cli import demo as the_demo
    hint = the_demo.unavailable()
    if hint:
        raise UsageError(hint)
    try:
        return the_demo.run(sys.stdout)
    except IOError as exc:
        if exc.errno == errno.EPIPE:
            raise  # the reader went away: main() ends quietly
        raise CommandError('the demo failed: %s' % error_text(exc))
    except Exception as exc:
        raise CommandError('the demo failed: %s' % error_text(exc))
