# -*- coding: utf-8 -*-
"""
The words of a command line made into Python values, checked before any
region is asked: lists of names, seconds, ``call``'s arguments, and the
boto method they are for.
"""
from __future__ import absolute_import

import argparse
import json
import re

from mangrove._compat import binds, native_strings, signature_text
from mangrove.cli.errors import UsageError
from mangrove.exceptions import close_matches, did_you_mean
from mangrove.optin import ENABLED

__all__ = ['seconds', 'split_names', 'parse_value', 'parse_arguments',
           'check_endpoint_url', 'check_call', 'check_client_call',
           'method_of']

_KEYWORD_ARG = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(.*)$', re.S)
_PLACEHOLDER = re.compile(r'{([^{}]*)}')


def pages(text):
    """argparse type of ``--max-pages``: a positive whole number."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            'expected a positive whole number of pages, not %r' % text)
    return int(text)


def seconds(text):
    """argparse type of ``--timeout``: a positive, finite number."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < float('inf'):
        raise argparse.ArgumentTypeError(
            'expected a positive number of seconds, not %r' % text)
    return value


def region_names(value):
    """``--regions``: :func:`split_names`, except the one word
    ``enabled`` (the regions enabled for the credentials)."""
    if value is not None and value.strip() == ENABLED:
        return ENABLED
    return split_names(value)


def split_names(value):
    """``a,b`` -> ``['a', 'b']``; None stays None."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(',') if v.strip()]
    if not names:
        raise UsageError('expected a comma-separated list, got %r' % value)
    return names


def parse_value(text):
    """A command-line value: JSON when it parses as JSON (``42``,
    ``true``, ``null``, ``["a", "b"]``, ``{"k": "v"}``, ``"42"``), else the
    text itself.

    :type text: str
    :raises UsageError: the text starts like JSON (``[``, ``{`` or ``"``)
        but does not parse: sent as text, it would reach AWS as a
        mangled list or mapping.
    """
    try:
        return native_strings(json.loads(text))
    except ValueError as exc:
        if text.lstrip()[:1] in ('[', '{', '"'):
            raise UsageError(
                'argument %r looks like JSON but does not parse (%s); fix '
                'it, or quote it as a JSON string (%s) to send it as text'
                % (text, exc, json.dumps(text)))
        return text


def check_endpoint_url(url):
    """``--endpoint-url`` with no placeholder but ``{region}``.

    :raises UsageError: another ``{name}`` (a typo such as ``{regoin}``
        would be sent as it is).
    """
    if url is None:
        return None
    for name in _PLACEHOLDER.findall(url):
        if name != 'region':
            raise UsageError(
                'unknown placeholder {%s} in --endpoint-url %r; the one '
                'placeholder is {region}, the region name' % (name, url))
    return url


def parse_arguments(words):
    """Split ``call``'s ARG words into positional and keyword arguments.

    ``name=value`` (``name`` an identifier) is a keyword argument, every
    other word a positional one; values go through :func:`parse_value`.

    :type words: list of str
    :returns: ``(args, kwargs)``
    :rtype: tuple
    """
    args, kwargs = [], {}
    for word in words:
        match = _KEYWORD_ARG.match(word)
        if match:
            if match.group(1) in kwargs:
                raise UsageError('argument %s= given twice' % match.group(1))
            kwargs[str(match.group(1))] = parse_value(match.group(2))
        elif kwargs:
            raise UsageError('positional argument %r after keyword arguments'
                             % word)
        else:
            args.append(parse_value(word))
    return args, kwargs


def check_call(method, name, args, kwargs):
    try:
        binds(method, args, kwargs)
    except TypeError as exc:
        raise UsageError('bad arguments for %s: %s; it takes %s'
                         % (name, exc, signature_text(name, method)))


def check_client_call(args, max_pages):
    """Refuse what a boto3 client cannot take: positional arguments and
    ``--max-pages`` (boto3 counts items:
    ``PaginationConfig='{"MaxItems": N}'``)."""
    if args:
        raise UsageError('boto3 operations take name=value arguments only, '
                         'not %s' % ' '.join(repr(a) for a in args))
    if max_pages is not None:
        raise UsageError(
            '--max-pages counts classic boto\'s pages; with --backend boto3 '
            'pass PaginationConfig=\'{"MaxItems": N}\' (the result then '
            'keeps its NextToken)')


def method_of(pool, method_name):
    """The bound method ``method_name`` of the pool's first connection."""
    first = next(iter(pool.regions.values()))
    conn = first.connection
    service = pool.service_name
    cls = type(conn).__name__
    method = None
    if not method_name.startswith('_'):
        method = getattr(conn, method_name, None)
    if method is None:
        names = [n for n in dir(conn)
                 if not n.startswith('_') and callable(getattr(conn, n, None))]
        raise UsageError('unknown method %r of %s (%s)%s' % (
            method_name, service, cls,
            did_you_mean(close_matches(method_name, names))))
    if not callable(method):
        raise UsageError('%s.%s is not a method of %s'
                         % (cls, method_name, service))
    return method
