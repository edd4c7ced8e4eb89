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

import six

from mangrove._compat import Mapping
# RegionAttributeError is imported from here by earlier code.
from mangrove.exceptions import (  # noqa: F401
    InvalidArgumentError, InvalidArgumentTypeError, NoDefaultRegionError,
    RegionAttributeError, RegionNotInPoolError, name_list, rephrase)
from mangrove.pool.lifecycle import InProgress
# RegionProxy lived here before it had a module of its own.
from mangrove.pool.proxy import RegionProxy, region_connection  # noqa: F401
from mangrove.regions import region_key, region_name, unknown_region


class RegionIndex(object):
    """A pool's regions: proxies by key, the default, the fast path.

    :param connections: the pool's
        :class:`~mangrove.pool.lifecycle.PoolConnections` (its lock, whether it
        is connected, its label).
    :param display: how reprs show the service (``'EC2'``).
    :ivar entries: key -> :class:`~mangrove.pool.proxy.RegionProxy`, in the
        pool's order; replaced, never changed in place, so a reader can
        iterate it without a lock.
    :ivar default_key: the default region's key, or None.
    """

    __slots__ = ('connections', 'display', 'entries', 'default_key', 'view',
                 'canonical', '_adding')

    def __init__(self, connections, display, proxies, default_key=None):
        self.connections = connections
        self.display = display
        self.entries = collections.OrderedDict(
            (proxy.region_key, proxy) for proxy in proxies)
        self.default_key = default_key
        #: The key another name of a region stands for (a global service's
        #: endpoint by its other names), or None: set by the pool.
        self.canonical = None
        # While the pool is connected every region is here under both
        # spellings, so a lookup is one dict access. It is its own dict,
        # apart from any object's attributes, and changed in place so
        # that every mapping keeps reading the current one.
        self.view = {}
        self._adding = {}

    def _replace(self, entries):
        # Copy on write, lock held: readers iterate the old dict unlocked.
        self.entries = entries
        self.publish()

    def _regions(self, adding=False):
        proxies = list(self.entries.values())
        if adding:
            proxies.extend(proxy for proxy, _ in list(self._adding.values()))
        return [region_connection(proxy) for proxy in proxies]

    def connect(self, lazily=False):
        """Connect every region (see
        :meth:`~mangrove.pool.lifecycle.PoolConnections.connect`); ``lazily``
        marks the pool connected and leaves each build to the region's
        first use (an unpickled pool)."""
        regions = self._regions()
        conns = self.connections
        try:
            if lazily:
                with conns.lock:
                    conns.connected = True
            else:
                conns.connect(regions)
        finally:
            with conns.lock:
                self.publish()

    def close(self):
        """Close every region, those being added included."""
        self.connections.close(self._regions(adding=True))
        with self.connections.lock:
            self.publish()

    def add(self, key, new_proxy):
        """Add region ``key``, with the proxy ``new_proxy(key)`` makes,
        connected when the pool is.

        However many threads add one region at once, one proxy is made
        and one connection built; the region is published once built. A
        failed build leaves the index as it was, and every adder gets
        the error.

        :return: ``(proxy, added)``; ``added`` is False when the region
            was there already, or added by another thread.
        """
        lock = self.connections.lock
        while True:
            with lock:
                existing = self.entries.get(key)
                if existing is not None:
                    return existing, False
                adding = self._adding.get(key)
                if adding is None:
                    proxy, work = self._adding[key] = (new_proxy(key),
                                                       InProgress())
                    break
            # Raises the adder's error; else the region is in (or its
            # adder was interrupted, and this thread adds it).
            adding[1].wait()
        region = region_connection(proxy)
        try:
            if self.connections.connected:
                region.get()
        except BaseException as exc:
            with lock:
                del self._adding[key]
            region.remove()
            work.finish(exc)
            raise
        with lock:
            entries = collections.OrderedDict(self.entries)
            entries[key] = proxy
            self._replace(entries)
            del self._adding[key]
        work.finish()
        return proxy, True

    def remove(self, name):
        """Remove a region (either form of its name) and close it.

        :raises RegionNotInPoolError: no such region.
        :raises InvalidArgumentError: it is the default region.
        """
        with self.connections.lock:
            proxy = self.resolve(name)
            key = proxy.region_key
            if key == self.default_key:
                raise InvalidArgumentError(
                    '%s: %r is the default region; set default_region to '
                    'another region (or None) before removing it'
                    % (self.connections.label, region_name(key)),
                    value=name)
            entries = collections.OrderedDict(self.entries)
            del entries[key]
            self._replace(entries)
        region_connection(proxy).remove()

    def set_default(self, name):
        """Make ``name`` (either form, or None) the default region."""
        # Resolved under the lock: remove must not drop the region between
        # the check and the assignment.
        with self.connections.lock:
            self.default_key = None if name is None else \
                self.resolve(name).region_key

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
        if proxy is None and self.canonical is not None:
            # A global service's endpoint by another of its names.
            proxy = entries.get(self.canonical(key))
        if proxy is None:
            raise unknown_region(
                RegionNotInPoolError,
                '%s has no region %r' % (self.connections.label, name), name,
                entries, 'its regions')
        return proxy

    def proxies(self, names=None):
        """The proxies of regions ``names`` (either form), each once and in
        their order, or of every region in the pool's order when ``names``
        is None.

        :raises RegionNotInPoolError: a name is not a region of the pool.
        """
        if names is None:
            return list(self.entries.values())
        proxies = []
        for name in names:
            proxy = self.resolve(name)
            if proxy not in proxies:   # one region, in either form
                proxies.append(proxy)
        return proxies

    def built_connections(self):
        """The connections built in this process (lock held)."""
        for proxy in self.entries.values():
            conn = region_connection(proxy).peek()
            if conn is not None:
                yield conn

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
    ``regions.us_east_1`` are the same
    :class:`~mangrove.pool.proxy.RegionProxy`; ``regions.default`` is the
    pool's default region. Looking a region up needs the pool connected;
    iterating, ``len`` and ``in`` do not.
    """

    __slots__ = ('_index', '_view')

    def __init__(self, index):
        self._index = index
        self._view = index.view

    def __getitem__(self, name):
        try:
            return _view_of(self)[name]
        except (KeyError, TypeError):
            pass
        # Outside the except clause, so that a missing region is one error
        # rather than the fast path's KeyError chained to it.
        return _index_of(self).lookup(name)

    def __getattribute__(self, attr):
        # ``regions.us_east_1``: the mapping's own names (methods, slots,
        # ``default``) win; any other name is a region, read from the fast
        # path first (falling back from a failed lookup to __getattr__
        # would cost an AttributeError per lookup).
        if attr in _OWN_NAMES or attr[:1] == '_':
            return object.__getattribute__(self, attr)
        try:
            return _view_of(self)[attr]
        except KeyError:
            pass
        try:
            return _index_of(self).lookup(attr)
        except (RegionNotInPoolError, InvalidArgumentError,
                InvalidArgumentTypeError) as exc:
            six.raise_from(rephrase(exc, None, RegionAttributeError), None)

    @property
    def default(self):
        """The default region's proxy.

        A region literally named ``default`` is ``regions['default']``.

        :raises NoDefaultRegionError: the pool has no default region.
        """
        key = _index_of(self).default_key
        if key is None:
            raise NoDefaultRegionError(
                '%s has no default region; set one with '
                "default_region='us-east-1' or pool.default_region = ..."
                % _index_of(self).connections.label)
        return self[key]

    def __contains__(self, name):
        try:
            if name in _view_of(self):
                return True
        except TypeError:
            return False
        try:
            _index_of(self).resolve(name)
        except (RegionNotInPoolError, InvalidArgumentError,
                InvalidArgumentTypeError):
            return False
        return True

    def __iter__(self):
        return iter(list(_index_of(self).entries))

    def __len__(self):
        return len(_index_of(self).entries)

    def __dir__(self):
        return sorted(set(_index_of(self).entries) | set(
            ['default', 'get', 'items', 'keys', 'values']))

    def __repr__(self):
        index = _index_of(self)
        keys = list(index.entries)
        state = '' if index.connections.connected else ', not connected'
        return '<RegionMapping %s: %d region%s (%s)%s%s>' % (
            index.display, len(keys),
            '' if len(keys) == 1 else 's', name_list(keys, 6),
            ', default %s' % index.default_key if index.default_key else '',
            state)


_OWN_NAMES = frozenset(name for cls in RegionMapping.__mro__
                       for name in vars(cls) if not name.startswith('_'))
_view_of = RegionMapping._view.__get__
_index_of = RegionMapping._index.__get__
