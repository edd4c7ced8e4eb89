# -*- coding: utf-8 -*-
"""
A pool's ``paginate``: one listing method's every page in every region.

:class:`Paginating` gives every pool kind its ``paginate``, a fan-out of
:class:`Pages`, which asks the region's backend to follow the pages
(:meth:`mangrove.backends.Backend.pages`): classic boto's pages are walked
by :func:`mangrove.classic.pages.all_pages` (whose docstring tells the
three shapes boto 2 answers in), boto3's by its own paginators
(:mod:`mangrove.clients.pages`). :func:`all_pages` and :func:`next_page`
are here too, where 1.1 had them.
"""
from __future__ import absolute_import

import logging

import six

from mangrove import backends
from mangrove.classic.pages import (  # noqa: F401 (1.1's names, here)
    all_pages, check_max_pages, next_page)
from mangrove.clients.pages import check_search, client_pages  # noqa: F401
from mangrove.exceptions import wrong_type
from mangrove.pool.calls import split_options
from mangrove.pool.proxy import RegionProxy

log = logging.getLogger(__name__)


class Paginating(object):
    """What a pool does to follow pages: :meth:`paginate`, a fan-out of
    :class:`Pages` through the pool's ``map`` (whose keywords the pool
    names in ``_fanout_options``; see :class:`mangrove.pool.base.BasePool`).
    """

    def paginate(self, method_name, *args, **kwargs):
        """Call one boto listing method in every region at once, following
        each region's pages to the end (see :mod:`mangrove.pool.pagination`).

        ``pool.paginate('get_all_reservations', max_results=100)`` gives
        each region's every reservation, asked 100 at a time.

        :param method_name: the boto method's name; the other arguments go
            to it, except those that follow.
        :param max_pages: at most this many pages per region; a region with
            more keeps its next page's token on its result, and a warning is
            logged: nothing is dropped silently.
        :param search: for boto3 clients, a JMESPath expression: each
            region's result is the list of its matches across the pages,
            as boto3's ``PageIterator.search`` yields them (see
            :mod:`mangrove.clients.pages`; boto3 clients follow their pages
            with boto3's paginator).
        :param regions: only these regions; ``max_workers``, ``timeout``,
            ``on_result``, ``retry``, ``executor`` (and a multi-service
            pool's ``services``) as for
            ``map``; a boto keyword of one of these names goes in
            ``call_kwargs={...}``, as for ``call``.
        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        options, kwargs = split_options(
            kwargs, ('max_pages', 'search') + self._fanout_options)
        pages = Pages(method_name, args, kwargs,
                      options.pop('max_pages', None),
                      options.pop('search', None))
        return self.map(pages, **options)


class Pages(object):
    """``func(region_proxy)`` for a fan-out: one boto method's every page in
    each region (picklable, like the method name it holds).

    :param method_name: the boto method's name.
    :param args: its positional arguments.
    :param kwargs: its keyword arguments.
    :param max_pages: at most this many pages per region.
    :param search: a JMESPath expression, for boto3 clients.
    """

    __slots__ = ('name', 'args', 'kwargs', 'max_pages', 'search')

    def __init__(self, method_name, args=(), kwargs=None, max_pages=None,
                 search=None):
        if not isinstance(method_name, six.string_types):
            raise wrong_type('method_name',
                             "a string such as 'get_all_reservations'",
                             method_name)
        self.name = method_name
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        self.max_pages = check_max_pages(max_pages)
        self.search = check_search(search)

    def __call__(self, proxy):
        """Every page in one region: ``proxy`` is a pool's
        :class:`~mangrove.pool.proxy.RegionProxy`, whose pool's backend follows
        the pages, or a bare connection, whose kind says which backend
        does (:func:`mangrove.backends.of`)."""
        if isinstance(proxy, RegionProxy):
            backend, conn = proxy.backend, proxy.connection
            label = '%s %s' % (proxy.region_name, self.name)
        else:
            backend, conn, label = backends.of(proxy), proxy, self.name
        return backend.pages(conn, self.name, self.args, self.kwargs,
                             self.max_pages, self.search, label=label)

    def __getstate__(self):
        return (self.name, self.args, self.kwargs, self.max_pages,
                self.search)

    def __setstate__(self, state):
        (self.name, self.args, self.kwargs, self.max_pages,
         self.search) = state

    def __repr__(self):
        return '<Pages %s%s>' % (self.name, '' if self.max_pages is None
                                 else ' (at most %d)' % self.max_pages)
