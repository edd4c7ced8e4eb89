# -*- coding: utf-8 -*-
"""
A fan-out's results as readable text: a table per region, one line per error.

:func:`layout_results` gives the lines ``mangrove call`` prints (and the
demo shows) with what they hold: a list of boto objects is a table with the
columns telling for its type (an instance's ``Name`` tag, a volume's size
and attachment), a dict nested ``key: value`` lines; :func:`summary_line`
counts the outcomes. :func:`error_text` and :func:`error_data`
describe an error in a line or as plain data, :func:`format_errors` gives
one line per distinct failure.

Given a width, every line fits it: long cells are cut in the middle, where
an id or URL is least telling. A value AWS shows only once (a new key
pair's private key, a new access key's secret) is never cut: it is printed
whole, below its table. Values go through
:func:`mangrove.cli.plaindata.to_data` first. Nothing here writes anywhere.
"""
from __future__ import absolute_import

import collections

import six

from mangrove import exceptions
from mangrove._compat import Mapping
from mangrove.cli.columns import columns_for, rows_of
from mangrove.cli.plaindata import is_secret, to_data
from mangrove.regions import region_name


__all__ = ['Layout', 'layout_results', 'format_results', 'summary_line',
           'key_text', 'format_errors', 'error_text', 'error_data',
           'shorten']

_INDENT = '  '
_GAP = '  '
# A column is cut no shorter than this (or its header): ids stay whole.
_MIN_CELL = 20
_ELLIPSIS = '...'


def shorten(text, width):
    """``text`` cut in the middle to at most ``width`` characters.

    The middle of an id, ARN or URL is its least telling part: the start
    says what it is, the end which one.

    :rtype: str
    """
    if width is None or len(text) <= width:
        return text
    if width <= len(_ELLIPSIS) + 1:
        return text[:width]
    keep = width - len(_ELLIPSIS)
    return text[:keep - keep // 2] + _ELLIPSIS + text[len(text) - keep // 2:]


class Layout(object):
    """Lines showing results, and what they hold.

    :ivar lines: the lines, without newlines.
    :ivar secrets: ``(key, field)`` of each value printed whole because AWS
        shows it only once.
    """

    def __init__(self, width=None):
        self.width = width
        self.lines = []
        self.secrets = []

    def add(self, line):
        self.lines.append(shorten(line, self.width))

    def value(self, key, value, indent=_INDENT):
        """Add the lines of one region's result: a list of boto objects (or
        one object) is a table headed by the attribute names, one line per
        object with the columns telling for its type; a mapping is nested
        ``key: value`` lines; a list of plain values one line each;
        anything else its text."""
        if isinstance(value, Mapping) or not isinstance(
                value, (list, tuple, set, frozenset)):
            data = to_data(value)
            if isinstance(data, dict) and not isinstance(value, Mapping):
                self._objects(key, [value], indent)
            elif isinstance(data, dict):
                if not data:
                    self.add(indent + '(empty)')
                self._nested(key, data, indent, ())
            else:
                self.lines.extend(indent + line for line in
                                  six.text_type(data).splitlines() or [''])
            return
        items = list(value)
        if not items:
            self.add(indent + '(none)')
            return
        datas = [to_data(item) for item in items]
        objects = [i for i, d in zip(items, datas) if isinstance(d, dict)]
        if objects:
            self._objects(key, objects, indent)
        for data in datas:
            if not isinstance(data, dict):
                self.add(indent + _cell(data))

    def _objects(self, key, objects, indent):
        rows = rows_of(objects)
        columns = columns_for(rows)
        cells = [[_cell(row.get(name)) for name in columns] for row in rows]
        widths = _fit(columns, [max([len(c)] + [len(r[i]) for r in cells])
                                for i, c in enumerate(columns)],
                      self.width, len(indent))
        for line in [list(columns)] + cells:
            self.add(indent + _GAP.join(
                shorten(cell, w).ljust(w) for cell, w in zip(line, widths)
            ).rstrip())
        for row in rows:
            for path, secret in _secrets(row.data):
                self._secret(key, '%s of %s' % (path, row.label), secret,
                             indent)

    def _nested(self, key, data, indent, path):
        for name, value in data.items():
            here = path + (name,)
            if is_secret(name) and value not in (None, ''):
                self._secret(key, name, value, indent, here)
            elif isinstance(value, dict) and value:
                self.add('%s%s:' % (indent, name))
                self._nested(key, value, indent + _INDENT, here)
            elif isinstance(value, list) and any(
                    isinstance(v, dict) for v in value):
                self.add('%s%s:' % (indent, name))
                for item in value:
                    if isinstance(item, dict):
                        self.add('%s- %s' % (indent + _INDENT, _label(item)))
                        self._nested(key, item, indent + _INDENT * 2, here)
                    else:
                        self.add('%s- %s' % (indent + _INDENT, _cell(item)))
            else:
                self.add('%s%s: %s' % (indent, name, _cell(value)))

    def _secret(self, key, name, value, indent, path=None):
        """A value shown once by AWS: whole, never cut to the width."""
        self.secrets.append((key, '.'.join(path) if path else name))
        text = six.text_type(value)
        lines = text.strip('\n').split('\n')
        if len(lines) == 1:
            self.lines.append('%s%s: %s' % (indent, name, lines[0]))
            return
        self.lines.append('%s%s:' % (indent, name))
        self.lines.extend(indent + _INDENT + line for line in lines)


def _secrets(data, path=()):
    """``(dotted path, value)`` of every secret field inside ``data``."""
    if isinstance(data, dict):
        for name, value in data.items():
            if is_secret(name) and value not in (None, ''):
                yield '.'.join(path + (name,)), value
            else:
                for found in _secrets(value, path + (name,)):
                    yield found
    elif isinstance(data, list):
        for item in data:
            for found in _secrets(item, path):
                yield found


def _fit(headers, widths, width, indent):
    """Column widths that fit ``width``: long cells cut (the widest first,
    none below its header or 20 characters, so ids stay whole), and when
    that is not enough, the last columns (the least telling) left out.

    :returns: the widths of the columns kept, first to last.
    """
    widths = list(widths)
    if width is None:
        return widths
    floors = [min(w, max(len(h), _MIN_CELL)) for h, w in zip(headers, widths)]
    while True:
        excess = indent + sum(widths) + len(_GAP) * (len(widths) - 1) - width
        spare = sum(w - f for w, f in zip(widths, floors))
        if excess <= spare or len(widths) == 1:
            break
        widths.pop()
        floors.pop()
    while excess > 0:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
        excess -= 1
    return widths


def _label(data):
    """A short name for a nested object: its id or name."""
    if isinstance(data, dict):
        for key in ('id', 'name', 'url', 'arn'):
            if data.get(key) not in (None, ''):
                return six.text_type(data[key])
        return ','.join('%s=%s' % (k, _cell(v)) for k, v in data.items()
                        if v not in (None, '', [], {}))
    if isinstance(data, list):
        return ','.join(_label(v) for v in data)
    if data is None:
        return '-'
    return six.text_type(data)


def _cell(data):
    return ' '.join(_label(data).split()) or '-'


def _is_scalar(value):
    return value is None or isinstance(
        value, (bool, float, bytes) + six.integer_types + six.string_types)


def _count_text(value):
    if isinstance(value, (list, tuple)):
        return ': %d result%s' % (len(value), '' if len(value) == 1 else 's')
    return ''


def _is_empty(value):
    """Whether a region's result is nothing to show: None or an empty
    list, mapping or string.

    :rtype: bool
    """
    return value is None or (
        isinstance(value, (list, tuple, set, frozenset, Mapping) +
                   six.string_types) and not value)


def layout_results(results, width=None, hide_empty=False):
    """The lines showing a fan-out's results, region by region.

    Each region that answered has a header line (its name, and how many
    results when it returned a list) followed by :meth:`Layout.value`'s
    lines; a one-line plain result shares its region's line
    (``us-east-1: True``). Failed regions are left to
    :func:`format_errors`.

    :param results: a :class:`~mangrove.fanout.RegionResults` keyed by
        region key (``us_east_1``) or by ``(service, region key)``.
    :param width: cut lines to this many characters (secrets excepted).
    :param hide_empty: leave out the regions whose result is empty.
    :rtype: Layout
    """
    layout = Layout(width)
    for key, value in results.items():
        if hide_empty and _is_empty(value):
            continue
        if _is_scalar(value):
            text = six.text_type(to_data(value))
            if '\n' not in text:
                # The whole answer, never cut: a plain value (an encrypted
                # password, a token) may not be asked for twice.
                layout.lines.append('%s: %s' % (key_text(key), text))
                continue
        layout.add(key_text(key) + _count_text(value))
        if not (isinstance(value, (list, tuple)) and not value):
            layout.value(key, value)
    return layout


def format_results(results, width=None):
    """:func:`layout_results`' lines (see there).

    :rtype: list of str
    """
    return layout_results(results, width).lines


def key_text(key):
    """How a line names a result key: ``us-east-1``, ``ec2 us-east-1``,
    ``111111111111 ec2 us-east-1`` (the last part is the region).

    :rtype: str
    """
    parts = key if isinstance(key, tuple) else (key,)
    return ' '.join(list(parts[:-1]) + [region_name(parts[-1])])


def summary_line(results, seconds=None, hide_empty=False):
    """One line counting a fan-out's outcomes: ``3 results in 2 of 34
    regions (31 empty, 1 failed), 1.2s``.

    :rtype: str
    """
    total = len(results) + len(results.errors)
    lists = [v for v in results.values() if isinstance(v, (list, tuple))]
    empty = sum(1 for v in results.values() if _is_empty(v))
    timed_out = sum(1 for e in results.errors.values()
                    if isinstance(e, exceptions.FanOutTimeoutError))
    failed = len(results.errors) - timed_out
    if lists:
        items = sum(len(v) for v in lists)
        text = '%d result%s in %d of %d regions' % (
            items, '' if items == 1 else 's', len(results) - empty, total)
    else:
        text = '%d of %d regions answered' % (len(results), total)
    notes = []
    if lists and empty:
        notes.append('%d empty%s' % (empty, ', not shown' if hide_empty
                                     else ''))
    if failed:
        notes.append('%d failed' % failed)
    if timed_out:
        notes.append('%d timed out' % timed_out)
    if notes:
        text += ' (%s)' % ', '.join(notes)
    if seconds is not None:
        text += ', %.1fs' % seconds
    return text


def error_text(error, where=None):
    """A one-line description of a region's error: its class, then for
    boto's server errors the HTTP status, AWS error code and message, for
    others their message, cut to a readable length.

    :param error: an exception.
    :param where: ``host:port`` the region's requests go to, named after a
        network error that does not say it itself.
    :rtype: str
    """
    text = _error_message(error)
    if where and _is_network_error(error) and where not in text:
        text = '%s (%s)' % (text, where) if text else where
    name = type(error).__name__
    return '%s: %s' % (name, text) if text else name


def _is_network_error(error):
    # A fan-out's timeout is one too: the host that did not answer in time
    # is worth naming (and FanOutTimeoutError is an OSError only on 3.11+).
    return isinstance(error, (EnvironmentError,
                              exceptions.FanOutTimeoutError)) and getattr(
        error, 'status', None) is None


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
    return exceptions.shorten(text)


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


def format_errors(results, where=None):
    """One line per distinct failure of a fan-out: the regions that failed
    with it (``us-east-1, eu-west-1: ...``), then the error.

    :param results: a :class:`~mangrove.fanout.RegionResults`.
    :param where: key -> ``host:port`` its requests go to, for network
        errors (see :func:`error_text`).
    :rtype: list of str
    """
    where = where or {}
    grouped = collections.OrderedDict()
    for key, error in results.errors.items():
        text = error_text(error, where.get(key))
        grouped.setdefault(text, []).append(key_text(key))
    return ['%s: %s' % (', '.join(keys), text)
            for text, keys in grouped.items()]
