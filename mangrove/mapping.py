# -*- coding: utf-8 -*-
"""
The ``pool.regions`` mapping, and the index of regions behind it.

:class:`RegionIndex` is a pool's bookkeeping of its regions: their proxies
by key, the default region, and the lookup table of the fast path. The pool
changes it under its lock; readers never lock.

:class:`RegionMapping` is the read-only view users hold: keyed by the
underscore form (``us_east_1``), it also answers either form of a name
(``'us-east-1' in pool.regions``), attribute access
(``pool.regions.us_east_1``) and ``pool.regions.default``.

Every ``Mapping`` method keeps working whatever the regions are called: a
region named ``keys``, ``get`` or ``default`` (as an S3-compatible store may
name its zone group) is ``regions['keys']``, while ``regions.keys()`` stays
the method and ``regions.default`` the pool's default region.
"""
from __future__ import absolute_import

import collections

from mangrove._interpreters import Mapping
# RegionAttributeError is imported from here by earlier code.
from mangrove.exceptions import (  # noqa: F401
    InvalidArgumentError, InvalidArgumentTypeError, NoDefaultRegionError,
    RegionAttributeError, RegionNotInPoolError, name_list, rephrase)
from mangrove.regions import region_key, region_name, unknown_region


class RegionIndex(object):
    """A pool's regions: proxies by key, the default, the fast path.

    :param connections: the pool's
        :class:`~mangrove.lifecycle.PoolConnections` (its lock, whether it
        is connected, its label).
    :param display: how reprs show the service (``'EC2'``).
    :ivar entries: key -> :class:`~mangrove.proxy.RegionProxy`, in the
        pool's order; replaced, never changed in place, so a reader can
        iterate it without a lock.
    :ivar default_key: the default region's key, or None.
    """

    __slots__ = ('connections', 'display', 'entries', 'default_key', 'view')

    def __init__(self, connections, display, proxies, default_key=None):
        self.connections = connections
        self.display = display
        self.entries = collections.OrderedDict(
            (proxy.region_key, proxy) for proxy in proxies)
        self.default_key = default_key
        # While the pool is connected every region is here under both
        # spellings, so a lookup is one dict access. It is its own dict,
        # apart from any object's attributes, and changed in place so
        # that every mapping keeps reading the current one.
        self.view = {}

    def replace(self, entries):
        """Install a new ``entries`` dict (lock held)."""
        self.entries = entries
        self.publish()

    def publish(self):
        """Bring the fast path up to date (lock held)."""
        view = self.view
        if not self.connections.connected:
            view.clear()
            return
        fresh = {}
        for key, proxy in self.entries.items():
            fresh[key] = fresh[region_name(key)] = proxy
        view.update(fresh)
        for name in [n for n in view if n not in fresh]:
            del view[name]

    def resolve(self, name):
        """The proxy for ``name`` (either form), connected pool or not.

        :raises RegionNotInPoolError: no such region in the pool.
        :raises InvalidArgumentTypeError: ``name`` is not a string.
        """
        entries = self.entries
        try:
            proxy = entries.get(name)
        except TypeError:   # unhashable: region_key names the mistake
            proxy = None
        if proxy is not None:
            return proxy
        key = region_key(name)
        proxy = entries.get(key)
        if proxy is None:
            raise unknown_region(
                RegionNotInPoolError,
                '%s has no region %r' % (self.connections.label, name), name,
                entries, 'its regions')
        return proxy

    def lookup(self, name):
        """``regions[name]`` off the fast path: checked, and only while
        the pool is connected."""
        proxy = self.resolve(name)
        if not self.connections.connected:
            raise self.connections.not_connected()
        return proxy


class RegionMapping(Mapping):
    """The regions of a pool, by key (``us_east_1``).

    ``regions['us-east-1']``, ``regions['us_east_1']`` and
    ``regions.us_east_1`` are the same :class:`~mangrove.proxy.RegionProxy`;
    ``regions.default`` is the pool's default region. Looking a region up
    needs the pool connected; iterating, ``len`` and ``in`` do not.
    """

    __slots__ = ('_index', '_view')

    def __init__(self, index):
        self._index = index
        self._view = index.view

    def __getitem__(self, name):
        try:
            return self._view[name]
        except (KeyError, TypeError):
            return self._index.lookup(name)

    def __getattr__(self, attr):
        if attr.startswith('_'):
            raise AttributeError(attr)
        try:
            return self[attr]
        except (RegionNotInPoolError, InvalidArgumentError,
                InvalidArgumentTypeError) as exc:
            raise rephrase(exc, None, RegionAttributeError)

    @property
    def default(self):
        """The default region's proxy.

        A region literally named ``default`` is ``regions['default']``.

        :raises NoDefaultRegionError: the pool has no default region.
        """
        key = self._index.default_key
        if key is None:
            raise NoDefaultRegionError(
                '%s has no default region; set one with '
                "default_region='us-east-1' or pool.default_region = ..."
                % self._index.connections.label)
        return self[key]

    def __contains__(self, name):
        try:
            if name in self._view:
                return True
        except TypeError:
            return False
        try:
            self._index.resolve(name)
        except (RegionNotInPoolError, InvalidArgumentError,
                InvalidArgumentTypeError):
            return False
        return True

    def __iter__(self):
        return iter(list(self._index.entries))

    def __len__(self):
        return len(self._index.entries)

    def __dir__(self):
        return sorted(set(self._index.entries) | set(
            ['default', 'get', 'items', 'keys', 'values']))

    def __repr__(self):
        index = self._index
        keys = list(index.entries)
        state = '' if index.connections.connected else ', not connected'
        return '<RegionMapping %s: %d region%s (%s)%s%s>' % (
            index.display, len(keys),
            '' if len(keys) == 1 else 's', name_list(keys, 6),
            ', default %s' % index.default_key if index.default_key else '',
            state)
