# -*- coding: utf-8 -*-
"""
A fan-out's results as readable text: a table per region, one line per error.

:func:`format_results` and :func:`format_errors` give the lines ``mangrove
call`` prints and the demo shows; :func:`format_value` lays out one
region's result; :func:`error_text` and :func:`error_data` describe an
error in a line or as plain data. Values go through
:func:`mangrove.plaindata.to_data` first. Nothing here writes anywhere.
"""
from __future__ import absolute_import

import collections

import six

from mangrove.exceptions import shorten
from mangrove.plaindata import to_data
from mangrove.regions import region_name

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

__all__ = ['format_value', 'format_results', 'format_errors', 'error_text',
           'error_data']

# Attributes worth a column, in the order they are shown, when a result is
# a list of boto objects. Anything else is in ``--json``.
_COLUMNS = ('id', 'name', 'state', 'instance_type', 'placement',
            'ip_address', 'private_ip_address', 'image_id', 'vpc_id',
            'description', 'instances', 'owner_id', 'endpoint', 'url',
            'creation_date', 'launch_time', 'status')
_MAX_COLUMNS = 5
_MAX_CELL = 60


def _label(data):
    """A short name for a nested object: its id or name."""
    if isinstance(data, dict):
        for key in ('id', 'name', 'url', 'arn'):
            if data.get(key) not in (None, ''):
                return six.text_type(data[key])
        return ','.join('%s=%s' % (k, _cell(v)) for k, v in data.items())
    if isinstance(data, list):
        return ','.join(_label(v) for v in data)
    if data is None:
        return '-'
    return six.text_type(data)


def _cell(data):
    text = _label(data)
    text = ' '.join(text.split())
    if len(text) > _MAX_CELL:
        text = text[:_MAX_CELL - 3] + '...'
    return text or '-'


def _is_shown(value):
    return value not in (None, '', [], {})


def _columns(rows):
    """The columns of a table of objects: the preferred attributes that
    some row has, else its first few plain ones."""
    present = set()
    for row in rows:
        present.update(k for k, v in row.items() if _is_shown(v))
    present.discard('region')
    columns = [c for c in _COLUMNS if c in present][:_MAX_COLUMNS]
    if len(columns) < 2:
        scalar = sorted(k for k in present if k not in columns and all(
            not isinstance(row.get(k), (dict, list)) for row in rows))
        columns.extend(scalar[:_MAX_COLUMNS - len(columns)])
    return columns


def _table(rows, columns, indent):
    widths = [max([len(c)] + [len(r[i]) for r in rows])
              for i, c in enumerate(columns)]
    lines = []
    for cells in [columns] + rows:
        lines.append(indent + '  '.join(
            cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
    return lines


def format_value(value, indent='  '):
    """Lines showing one region's result readably.

    A list of boto objects (or one object) is a table, one line per object
    with its id or name and a few telling attributes, headed by the
    attribute names; a mapping is ``key  value`` lines; a list of plain
    values one line each; anything else its text.

    :param value: a boto method's result.
    :param indent: put in front of every line.
    :rtype: list of str
    """
    if isinstance(value, Mapping):
        data = to_data(value)
        if not data:
            return [indent + '(empty)']
        width = max(len(k) for k in data)
        return [indent + '%s  %s' % (k.ljust(width), _cell(v))
                for k, v in data.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if not items:
            return [indent + '(none)']
    else:
        data = to_data(value)
        if not isinstance(data, dict):
            return [indent + line for line in
                    six.text_type(data).splitlines() or ['']]
        items = [value]
    datas = [to_data(item) for item in items]
    objects = [d for d in datas if isinstance(d, dict)]
    columns = _columns(objects) if objects else []
    lines = []
    if columns:
        rows = [[_cell(d.get(c)) for c in columns] for d in objects]
        lines.extend(_table(rows, columns, indent))
    for item, data in zip(items, datas):
        if not isinstance(data, dict):
            lines.append(indent + _cell(data))
        elif not columns:
            lines.append(indent + six.text_type(item))
    return lines


def _is_scalar(value):
    return value is None or isinstance(
        value, (bool, float, bytes) + six.integer_types + six.string_types)


def _count_text(value):
    if isinstance(value, (list, tuple)):
        return ': %d result%s' % (len(value), '' if len(value) == 1 else 's')
    return ''


def format_results(results, indent='  '):
    """Lines showing a fan-out's results, region by region.

    Each region that answered has a header line (its name, and how many
    results when it returned a list) followed by :func:`format_value`'s
    lines; a one-line plain result shares its region's line
    (``us-east-1: True``). Failed regions are left to
    :func:`format_errors`.

    :param results: a :class:`~mangrove.fanout.RegionResults` keyed by
        region key (``us_east_1``) or by ``(service, region key)``.
    :rtype: list of str
    """
    lines = []
    for key, value in results.items():
        if _is_scalar(value):
            text = six.text_type(to_data(value))
            if '\n' not in text:
                lines.append('%s: %s' % (_key_text(key), text))
                continue
        lines.append(_key_text(key) + _count_text(value))
        if not (isinstance(value, (list, tuple)) and not value):
            lines.extend(format_value(value, indent))
    return lines


def _key_text(key):
    if isinstance(key, tuple):
        return '%s %s' % (key[0], region_name(key[1]))
    return region_name(key)


def error_text(error):
    """A one-line description of a region's error: its class, then for
    boto's server errors the HTTP status, AWS error code and message, for
    others their message, cut to a readable length.

    :param error: an exception.
    :rtype: str
    """
    text = _error_message(error)
    name = type(error).__name__
    return '%s: %s' % (name, text) if text else name


def _error_message(error):
    status = getattr(error, 'status', None)
    code_ = getattr(error, 'error_code', None)
    message = getattr(error, 'error_message', None) or getattr(
        error, 'reason', None)
    if status is not None and (code_ or message):
        text = '%s %s' % (status, code_ or '')
        if message:
            text = '%s: %s' % (text.strip(), message)
    else:
        text = six.text_type(error)
    return shorten(text)


def error_data(error):
    """An error as plain data: ``error`` (its class), ``message``, and for
    AWS's answers ``status`` and ``code``.

    :param error: an exception.
    :rtype: dict
    """
    data = collections.OrderedDict([('error', type(error).__name__),
                                    ('message', _error_message(error))])
    for attr, key in (('status', 'status'), ('error_code', 'code')):
        value = getattr(error, attr, None)
        if value is not None:
            data[key] = value
    return data


def format_errors(results):
    """One line per failed region of a fan-out: its name, then its error.

    :param results: a :class:`~mangrove.fanout.RegionResults`.
    :rtype: list of str
    """
    return ['%s: %s' % (_key_text(key), error_text(error))
            for key, error in results.errors.items()]
