# -*- coding: utf-8 -*-
"""The commands ``services``, ``regions``, ``call`` and ``demo``; each takes
the parsed arguments and returns the exit status."""
from __future__ import absolute_import

import collections
import errno
import json
import sys
import time

from mangrove import declaration
from mangrove.backend import boto_backend
from mangrove.boto3backend import boto3_backend
from mangrove.cli.accounts import call_in_accounts
from mangrove.cli.arguments import (
    check_call, check_client_call, method_of, parse_arguments, region_names)
from mangrove.clientpool import service_spec
from mangrove.cli.connect import address_of, connected_pool
from mangrove.cli.errors import CommandError, UsageError
from mangrove.cli.progress import Progress
from mangrove.cli.terminal import (
    more_pages_note, print_lines, terminal_width, write)
from mangrove.exceptions import FanOutTimeoutError
from mangrove.results import RegionResults
from mangrove.pagination import Pages
from mangrove.plaindata import to_data
from mangrove.regions import region_name
from mangrove.registry import service_names
from mangrove.tables import (
    error_data, error_text, format_errors, layout_results, summary_line)

__all__ = ['services', 'regions', 'call', 'demo']

_now = getattr(time, 'monotonic', time.time)


def services(args):
    """``mangrove services``: the service names, one per line."""
    if args.backend == 'boto3':
        print_lines(boto3_backend.service_names())
    else:
        print_lines(service_names())
    return 0


def regions(args):
    """``mangrove regions SERVICE``: its regions, one per line."""
    spec = service_spec(args.backend, args.service)
    partition = declaration.parse_partition(args.partition)
    backend = boto3_backend if args.backend == 'boto3' else boto_backend
    print_lines(backend.regions(spec, partition))
    return 0


def call(args):
    """``mangrove call SERVICE METHOD ARG...``: one method in every region."""
    call_args, call_kwargs = parse_arguments(args.args)
    if args.backend == 'boto3':
        check_client_call(call_args, args.max_pages)
    if getattr(args, 'accounts', None) is not None:
        return call_in_accounts(args, call_args, call_kwargs)
    pool = connected_pool(args.service, region_names(args.regions),
                          args.partition, args.endpoint_url, args.backend)
    method = method_of(pool, args.method)
    check_call(method, args.method, call_args, call_kwargs)

    # Every page of each region's listing: never a first page alone.
    pages = Pages(args.method, call_args, call_kwargs, args.max_pages)
    if args.jsonl:
        return _call_jsonl(args, pool, pages)
    started = _now()
    progress = Progress(pool.regions, sys.stderr).start()
    try:
        results = pool.map(pages, timeout=args.timeout, on_result=progress)
    finally:
        progress.stop()
    seconds = _now() - started
    if args.json:
        _print_json(results)
    else:
        layout = layout_results(results, terminal_width(sys.stdout),
                                args.hide_empty)
        print_lines(layout.lines + [summary_line(results, seconds,
                                                 args.hide_empty)])
        if layout.secrets:
            sys.stdout.flush()
            print_lines([_secrets_note(layout.secrets)], sys.stderr)
    more_pages_note(results, args.max_pages)
    return _failures(args, pool, results, len(results) + len(results.errors))


def _call_jsonl(args, pool, pages):
    """``--jsonl``: one JSON object per line, ``{"region": ..., "result":
    ...}`` or ``{"region": ..., "error": {...}}``, written and flushed as
    each region answers; only the regions that failed are kept."""
    errors, more, count = [], [], 0
    progress = Progress(pool.regions, sys.stderr).start()
    try:
        for outcome in pool.iter_map(pages, timeout=args.timeout):
            count += 1
            progress(outcome.key, outcome.result, outcome.error)
            line = collections.OrderedDict(
                [('region', region_name(outcome.key))])
            if outcome.error is None:
                line['result'] = to_data(outcome.result)
                if args.max_pages is not None:
                    more.append((outcome.key, outcome.result))
            else:
                line['error'] = error_data(outcome.error)
                errors.append((outcome.key, outcome.error))
            write(sys.stdout, json.dumps(line, separators=(',', ':')) + '\n')
            sys.stdout.flush()
    finally:
        progress.stop()
    more_pages_note(RegionResults(more), args.max_pages)
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
    data = collections.OrderedDict(
        (region_name(key), to_data(value)) for key, value in results.items())
    if results.errors:
        data['errors'] = collections.OrderedDict(
            (region_name(key), error_data(error))
            for key, error in results.errors.items())
    # Python 2's default item separator ends lines with a space.
    write(sys.stdout, json.dumps(data, indent=2,
                                 separators=(',', ': ')) + '\n')


def _secrets_note(secrets):
    where = ', '.join('%s in %s' % (field, region_name(key))
                      for key, field in secrets)
    return ('mangrove: note: printed whole, as AWS may not show them again: '
            '%s; keep them now (--json gives them to a program as data)'
            % where)


def demo(args):
    """``mangrove demo``: the demo against a local moto server."""
    from mangrove import demo as the_demo
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
