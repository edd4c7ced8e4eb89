# -*- coding: utf-8 -*-
"""The commands ``services``, ``regions``, ``call`` and ``demo``; each takes
the parsed arguments and returns the exit status."""
from __future__ import absolute_import

import collections
import json
import sys

from mangrove import declaration
from mangrove.backend import boto_backend
from mangrove.cli.arguments import (
    check_call, method_of, parse_arguments, split_names)
from mangrove.cli.connect import connected_pool
from mangrove.cli.errors import CommandError, UsageError
from mangrove.cli.progress import Progress
from mangrove.cli.terminal import print_lines, write
from mangrove.exceptions import FanOutTimeoutError
from mangrove.plaindata import to_data
from mangrove.regions import region_name
from mangrove.registry import get_service, service_names
from mangrove.tables import (
    error_data, error_text, format_errors, format_results)

__all__ = ['services', 'regions', 'call', 'demo']


def services(args):
    """``mangrove services``: the service names, one per line."""
    print_lines(service_names())
    return 0


def regions(args):
    """``mangrove regions SERVICE``: its regions, one per line."""
    spec = get_service(args.service)
    partition = declaration.parse_partition(args.partition)
    print_lines(boto_backend.regions(spec, partition))
    return 0


def call(args):
    """``mangrove call SERVICE METHOD ARG...``: one method in every region."""
    call_args, call_kwargs = parse_arguments(args.args)
    pool = connected_pool(args.service, split_names(args.regions),
                          args.partition, args.endpoint_url)
    method = method_of(pool, args.method)
    check_call(method, args.method, call_args, call_kwargs)

    def one_region(region):
        return getattr(region, args.method)(*call_args, **call_kwargs)

    progress = Progress(len(pool.regions), sys.stderr)
    try:
        results = pool.map(one_region, timeout=args.timeout,
                           on_result=progress)
    finally:
        progress.clear()
    if args.json:
        data = collections.OrderedDict(
            (region_name(key), to_data(value))
            for key, value in results.items())
        if results.errors:
            data['errors'] = collections.OrderedDict(
                (region_name(key), error_data(error))
                for key, error in results.errors.items())
        # Python 2's default item separator ends lines with a space.
        write(sys.stdout, json.dumps(data, indent=2,
                                     separators=(',', ': ')) + '\n')
    else:
        print_lines(format_results(results))
    if results.errors:
        sys.stdout.flush()
        print_lines(['mangrove: %d of %d regions failed:' % (
            len(results.errors), len(results) + len(results.errors))] +
            ['  ' + line for line in format_errors(results)], sys.stderr)
    # A region still running after --timeout keeps its thread, which the
    # interpreter would wait for at exit.
    args.abandoned = any(isinstance(e, FanOutTimeoutError)
                         for e in results.errors.values())
    return 0 if results.ok else 1


def demo(args):
    """``mangrove demo``: the demo against a local moto server."""
    from mangrove import demo as the_demo
    hint = the_demo.unavailable()
    if hint:
        raise UsageError(hint)
    try:
        return the_demo.run(sys.stdout)
    except Exception as exc:
        raise CommandError('the demo failed: %s' % error_text(exc))
