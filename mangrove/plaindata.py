# -*- coding: utf-8 -*-
"""
boto results as plain data: dicts, lists, strings and numbers.

:func:`to_data` turns whatever a boto method returned (result sets, boto
objects, datetimes) into data that :mod:`json` can write and that
:mod:`mangrove.tables` lays out as text. It never imports boto.
"""
from __future__ import absolute_import

import collections
import datetime
import sys

import six

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

__all__ = ['to_data']

# Deeper than any boto result; a cycle not caught by identity stops here.
_MAX_DEPTH = 8


def _is_connection(value):
    connection = sys.modules.get('boto.connection')
    return connection is not None and isinstance(
        value, connection.AWSAuthConnection)


def _public_attributes(value):
    """Names of the public data attributes of an object: its own, plus the
    properties of its class (boto computes ``Instance.state`` that way)."""
    names = set()
    try:
        names.update(vars(value))
    except TypeError:
        pass
    cls = type(value)
    for name in dir(cls):
        if isinstance(getattr(cls, name, None), property):
            names.add(name)
    # boto's XML parser also sets an attribute for every element it does not
    # know (``RunInstancesResponse``, ``ResponseMetadata``); those start
    # with a capital letter, boto's own attributes never do. ``connection``
    # is the owning connection (or None) on every boto object.
    return sorted(n for n in names if not n.startswith('_') and
                  not n[:1].isupper() and n != 'connection')


def to_data(value, _path=None, _depth=0):
    """Convert a boto result to plain data that :mod:`json` can write.

    boto objects become dicts of their public, non-callable attributes,
    recursively; connection objects and references back up to an object
    already being converted are left out (in a list, such a reference
    becomes its ``str()``). Lists,
    tuples and boto result sets become lists, sets sorted lists, mappings
    dicts with string keys, datetimes ISO 8601 strings, and anything else
    its ``str()``.

    :param value: what a boto method returned.
    :rtype: dict, list, str, int, float, bool or None
    """
    if value is None or isinstance(value, (bool, float) + six.integer_types):
        return value
    if isinstance(value, six.string_types):
        return value
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if _is_connection(value):
        return str(value)
    path = _path if _path is not None else set()
    if id(value) in path or _depth >= _MAX_DEPTH:
        return str(value)
    path.add(id(value))
    try:
        if isinstance(value, Mapping):
            return collections.OrderedDict(
                (six.text_type(k), to_data(v, path, _depth + 1))
                for k, v in sorted(value.items(), key=lambda i: str(i[0])))
        if isinstance(value, (list, tuple)):
            return [to_data(v, path, _depth + 1) for v in value]
        if isinstance(value, (set, frozenset)):
            return [to_data(v, path, _depth + 1)
                    for v in sorted(value, key=str)]
        names = _public_attributes(value)
        if not names:
            return str(value)
        data = collections.OrderedDict()
        for name in names:
            try:
                item = getattr(value, name)
            except Exception:
                # A property that cannot be computed for this object is
                # simply not part of its data.
                continue
            # A reference back up the tree (boto's BlockDeviceType keeps its
            # mapping as ``connection``) would only repeat what is shown.
            if callable(item) or _is_connection(item) or id(item) in path:
                continue
            data[name] = to_data(item, path, _depth + 1)
        return data
    finally:
        path.discard(id(value))
