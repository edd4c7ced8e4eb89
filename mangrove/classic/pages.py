# -*- coding: utf-8 -*-
"""
Follow boto's pages to the end: a listing's whole list, not its first page.

boto 2 returns one page per call and leaves the rest to the caller, in one
of three shapes:

* a ``ResultSet`` (EC2, Auto Scaling, ELB, RDS, CloudFormation, ...): a
  list whose ``next_token``, or ``next_marker``/``marker`` with
  ``is_truncated``, says where the next page starts; the method takes it
  back as ``next_token=`` or ``marker=``;
* the parsed XML of IAM (a ``jsonresponse.Element``): a result holding
  ``is_truncated`` and ``marker``, taken back as ``marker=``;
* the dict of a JSON service: ``NextToken``/``nextToken``
  (``next_token=``), ``NextMarker``/``Marker`` (``marker=``),
  ``LastEvaluatedTableName`` (DynamoDB, ``exclusive_start_table_name=``) or
  ``HasMoreStreams`` (Kinesis, ``exclusive_start_stream_name=``).

:func:`all_pages` calls a method again with the token of each page until
the service says there is no more, and returns the first page's object
holding every page's items, so code written for one page reads the whole
list unchanged. With ``max_pages``, it stops early but never silently: the
result keeps the token of the next page where boto put it (see
:func:`next_page`), and a warning is logged.
"""
from __future__ import absolute_import

import logging
import numbers

from mangrove._compat import keyword_names
from mangrove.exceptions import InvalidArgumentError, wrong_type, wrong_value

__all__ = ['all_pages', 'next_page', 'check_max_pages']

log = logging.getLogger(__name__)

# JSON services: response key -> the keyword that takes it back.
_JSON_TOKENS = (
    ('NextToken', 'next_token'),
    ('nextToken', 'next_token'),
    ('NextMarker', 'marker'),
    ('Marker', 'marker'),
    ('LastEvaluatedTableName', 'exclusive_start_table_name'),
)

# Attributes of a page object that say where the next page starts; copied
# from each page to the merged result, so that they describe the last one.
_PAGE_ATTRIBUTES = ('next_token', 'next_marker', 'marker', 'is_truncated')


def _accepts(method, keyword):
    """Whether ``method`` takes ``keyword`` (or any keyword)."""
    try:
        names = keyword_names(getattr(method, '__func__', method))
    except (TypeError, ValueError):
        return False
    return names is None or keyword in names


def _truthy(value):
    return value not in (None, '', False, 'false', 'False')


def _iam_result(page):
    """The inner result of an IAM-style ``Element`` that pages, or None."""
    if not isinstance(page, dict):
        return None
    for outer in page.values():
        if not isinstance(outer, dict):
            continue
        for inner in outer.values():
            if isinstance(inner, dict) and 'is_truncated' in inner:
                return inner
    return None


def next_page(page):
    """Where the page after ``page`` starts, or None if it is the last.

    :param page: what a boto method returned.
    :returns: ``(keyword, token)``: call the method again with
        ``keyword=token`` for the next page.
    :rtype: tuple or None
    """
    if isinstance(page, list):
        if _truthy(getattr(page, 'next_token', None)):
            return 'next_token', page.next_token
        if _truthy(getattr(page, 'next_marker', None)):
            return 'marker', page.next_marker
        # RDS and Redshift answer a Marker and no IsTruncated.
        if _truthy(getattr(page, 'marker', None)):
            return 'marker', page.marker
        return None
    result = _iam_result(page)
    if result is not None:
        if _truthy(result.get('is_truncated')) and \
                _truthy(result.get('marker')):
            return 'marker', result['marker']
        return None
    if isinstance(page, dict):
        for key, keyword in _JSON_TOKENS:
            if _truthy(page.get(key)):
                return keyword, page[key]
        if page.get('HasMoreStreams') and page.get('StreamNames'):
            return 'exclusive_start_stream_name', page['StreamNames'][-1]
    return None


def _merge_lists(into, page):
    for key, value in page.items():
        if isinstance(value, list) and isinstance(into.get(key), list):
            into[key].extend(value)
        else:
            into[key] = value


def _merge(whole, page):
    """Add ``page``'s items to ``whole`` (the first page), and its tokens."""
    if isinstance(whole, list):
        whole.extend(page)
        for name in _PAGE_ATTRIBUTES:
            if hasattr(page, name) or hasattr(whole, name):
                setattr(whole, name, getattr(page, name, None))
        return
    result = _iam_result(whole)
    if result is not None:
        fresh = _iam_result(page) or {}
        result.pop('marker', None)
        _merge_lists(result, fresh)
        return
    for key, _ in _JSON_TOKENS:
        whole.pop(key, None)
    whole.pop('HasMoreStreams', None)
    _merge_lists(whole, page)


def check_max_pages(max_pages):
    """``max_pages`` checked: a positive int or None.

    :raises InvalidArgumentTypeError: not an int or None.
    :raises InvalidArgumentError: less than 1.
    """
    if max_pages is None:
        return None
    if isinstance(max_pages, bool) or not isinstance(
            max_pages, numbers.Integral):
        raise wrong_type('max_pages', 'a positive int or None (every page)',
                         max_pages)
    if max_pages < 1:
        raise wrong_value('max_pages', '1 or more (or None for every page)',
                          max_pages)
    return int(max_pages)


def all_pages(method, args=(), kwargs=None, max_pages=None, label=None):
    """Call a boto listing method and follow its pages to the end.

    :param method: a bound boto method, such as
        ``conn.get_all_reservations``.
    :param args: its positional arguments.
    :param kwargs: its keyword arguments (``max_results=`` sets the page
        size where the method has one).
    :param max_pages: stop after this many pages (None: every page). The
        result then keeps the next page's token (:func:`next_page` reads
        it) and a warning is logged: nothing is dropped silently.
    :param label: how the warning names the call (``'ec2 us-east-1'``).
    :returns: the first page's object with every page's items.
    :raises InvalidArgumentError: the method does not take the keyword its
        pages need to be followed, or the service sent the same token
        twice (a listing that would never end).
    """
    kwargs = dict(kwargs or {})
    max_pages = check_max_pages(max_pages)
    whole = method(*args, **kwargs)
    pages = 1
    sent = set()
    while True:
        step = next_page(whole)
        if step is None:
            return whole
        keyword, token = step
        if max_pages is not None and pages >= max_pages:
            log.warning('%s: stopped after %d page%s as asked; more remain '
                        '(%s=%r)', label or _name(method), pages,
                        '' if pages == 1 else 's', keyword, token)
            return whole
        if not _accepts(method, keyword):
            raise InvalidArgumentError(
                '%s answered a page with %s %r but takes no %r keyword to '
                'ask for the next one' % (_name(method), keyword, token,
                                          keyword))
        if kwargs.get(keyword) == token:
            # The marker of the page asked for, echoed back: no more pages.
            return whole
        if (keyword, token) in sent:
            raise InvalidArgumentError(
                '%s answered the page token %r twice; stopped after %d pages'
                % (_name(method), token, pages))
        sent.add((keyword, token))
        kwargs[keyword] = token
        _merge(whole, method(*args, **kwargs))
        pages += 1


def _name(method):
    return getattr(method, '__name__', repr(method))
