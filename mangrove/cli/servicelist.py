# -*- coding: utf-8 -*-
"""
``mangrove call ec2,autoscale METHOD``: one method in every region of
several services at once, as a multi-service pool's ``call`` asks it.

::

    mangrove call ec2,autoscale get_all_tags --regions us-east-1
    mangrove call ec2,autoscale get_all_tags --json --accounts \\
        111111111111,222222222222 --role-name Audit

SERVICE may be a comma list. One service prints as it always has (keyed by
region); several are a :class:`~mangrove.pool.mixin.ServiceMixinPool` of
those services, and what ``call`` prints is grouped by service, then
region: the table has a ``service:`` head per service, ``--json`` is keyed
service -> region (account -> service -> region with ``--accounts``), with
the failures under ``"errors"`` in the same nesting, and ``--jsonl`` lines
name their ``"service"``. Each service named must have the method (as with
a multi-service pool's ``call(..., services=[...])``): one that lacks it
is a usage error naming that service, with a did-you-mean, before any
request.
"""
from __future__ import absolute_import

import collections
import json
import sys

from mangrove import backends
from mangrove.cli.arguments import check_call, method_of, split_names
from mangrove.cli.errors import UsageError
from mangrove.cli.plaindata import to_data
from mangrove.cli.tables import error_data, layout_results
from mangrove.cli.terminal import write
from mangrove.fanout.results import RegionResults
from mangrove.regions import region_name

__all__ = ['service_list', 'pool_class', 'check_method', 'fan_out_keys',
           'nest', 'grouped_layout', 'write_jsonl_line']


def service_list(text, backend=None):
    """``SERVICE`` -> the services' names as the backend knows them, in the
    order given.

    :raises InvalidServiceError: one is unknown (with a did-you-mean).
    :raises UsageError: the list is empty or names a service twice.
    """
    backend = backends.resolve(backend)
    words = split_names(text) or []
    if not words:
        raise UsageError('SERVICE names a service, such as ec2, or several '
                         'with commas: ec2,autoscale')
    names = []
    for word in words:
        name = backend.service(word).name
        if name in names:
            raise UsageError('service %s is named twice in %r' % (name,
                                                                  text))
        names.append(name)
    return names


def pool_class(names):
    """A :class:`~mangrove.pool.mixin.ServiceMixinPool` subclass of the
    services ``names``, in that order, each in every region."""
    from mangrove.pool.mixin import ServiceMixinPool
    return type(str('ServicesPool'), (ServiceMixinPool,), {
        'services': collections.OrderedDict((n, {}) for n in names),
        '__doc__': 'The services %s.' % ', '.join(names)})


def check_method(pool, method_name, args, kwargs):
    """The method exists in every service of ``pool`` (a service pool or a
    multi-service pool) and takes the arguments.

    :raises UsageError: a service lacks it (the message names the service
        and the closest names it has), or the arguments do not fit.
    """
    members = getattr(pool, 'services', None)
    for member in (members.values() if isinstance(members, dict)
                   else [pool]):
        if len(member.regions):
            check_call(method_of(member, method_name), method_name, args,
                       kwargs)


def fan_out_keys(pool):
    """The keys a ``map`` over the whole pool gives, in order: region keys,
    or ``(service, region key)`` for a multi-service pool."""
    members = getattr(pool, 'services', None)
    if not isinstance(members, dict):
        return list(pool.regions)
    return [(attr, key) for attr, member in members.items()
            for key in member.regions]


def write_jsonl_line(names, key, result, error, error_fields=error_data):
    """One ``--jsonl`` line on stdout, written and flushed at once: each
    part of ``key`` under its name in ``names`` (``('service', 'region')``;
    a ``'region'`` part, a region key, is written as the region's name),
    then ``"result"``, or ``"error"`` (``error_fields(error)``) when
    ``error`` is not None.
    """
    parts = key if isinstance(key, tuple) else (key,)
    line = collections.OrderedDict(zip(names, parts))
    if 'region' in line:
        line['region'] = region_name(line['region'])
    if error is None:
        line['result'] = to_data(result)
    else:
        line['error'] = error_fields(error)
    write(sys.stdout, json.dumps(line, separators=(',', ':')) + '\n')
    sys.stdout.flush()


def nest(data, key, value):
    """Put ``value`` in nested ``data`` under ``key``'s parts, the last one
    a region (``data[account][service]['us-east-1'] = value``)."""
    parts = key if isinstance(key, tuple) else (key,)
    for part in parts[:-1]:
        data = data.setdefault(part, collections.OrderedDict())
    data[region_name(parts[-1])] = value


def grouped_layout(results, width=None, hide_empty=False):
    """The table of results keyed by region, or by ``(service, region)``
    under a ``service:`` head per service (indented two spaces).

    :returns: ``(lines, secrets)``: secrets as ``(key, field)`` pairs of
        the whole keys.
    :rtype: tuple
    """
    if not any(isinstance(k, tuple) for k in list(results) +
               list(results.errors)):
        layout = layout_results(results, width, hide_empty)
        return layout.lines, list(layout.secrets)
    groups = collections.OrderedDict()
    for key, value in results.items():
        groups.setdefault(key[0], ([], []))[0].append((key[1], value))
    for key, error in results.errors.items():
        groups.setdefault(key[0], ([], []))[1].append((key[1], error))
    lines, secrets = [], []
    for service, (answered, failed) in groups.items():
        if not answered:
            lines.append('%s: %d region%s failed (see below)' % (
                service, len(failed), '' if len(failed) == 1 else 's'))
            continue
        layout = layout_results(RegionResults(answered, failed),
                                width - 2 if width else None, hide_empty)
        if not layout.lines and not failed:
            continue  # every region empty, and hidden
        lines.append(service + ':')
        lines.extend('  ' + line for line in layout.lines)
        secrets.extend(((service, key), field)
                       for key, field in layout.secrets)
    return lines, secrets
