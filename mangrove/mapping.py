# -*- coding: utf-8 -*-
"""
The ``pool.regions`` mapping and the region proxies it hands out.

:class:`RegionMapping` is a read-only view of a pool's regions keyed by the
underscore form (``us_east_1``); it also answers attribute access
(``pool.regions.us_east_1``), either form of a name (``'us-east-1' in
pool.regions``) and ``pool.regions.default``.

:class:`RegionProxy` stands for one region's boto connection: every
attribute read and method call reaches boto unchanged, ``.connection`` is
the boto object itself. The proxy, not the caller, holds on to the
connection, so the pool can build it lazily and again in a forked child.
"""
from __future__ import absolute_import

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

# RegionAttributeError is imported from here by earlier code.
from mangrove.exceptions import (  # noqa: F401
    InvalidArgumentError, InvalidArgumentTypeError, NoDefaultRegionError,
    RegionAttributeError, RegionNotInPoolError, rephrase)
from mangrove.fork import process_token
from mangrove.regions import region_key, region_name, unknown_region


class RegionProxy(object):
    """One region of a pool: a thin stand-in for its boto connection.

    Attribute reads, writes and method calls go to the boto connection
    unchanged (``pool.regions['us_east_1'].get_all_instances()``).

    :ivar connection: the boto connection object itself; built on first use
        after the pool's ``connect()``, and again in a forked child process.
    """

    # Prefixed names: boto connections have attributes of their own (such
    # as ``_pool``) that the proxy must not hide.
    __slots__ = ('_mangrove_pool', '_mangrove_key', '_mangrove_state',
                 '_mangrove_pending')

    def __init__(self, pool, key):
        set_ = object.__setattr__
        set_(self, '_mangrove_pool', pool)
        set_(self, '_mangrove_key', key)
        # (pid, connection) in one attribute, so a reader sees both or neither.
        set_(self, '_mangrove_state', None)
        set_(self, '_mangrove_pending', None)

    @property
    def connection(self):
        """The boto connection of this region (built when first needed)."""
        state = self._mangrove_state
        if state is not None and state[0] == process_token():
            return state[1]
        return self._mangrove_pool._connection_for(self)

    @property
    def region_key(self):
        """This region's key in the pool, such as ``'us_east_1'``."""
        return self._mangrove_key

    @property
    def region_name(self):
        """This region's AWS name, such as ``'us-east-1'``."""
        return region_name(self._mangrove_key)

    @property
    def pool(self):
        """The pool this region belongs to."""
        return self._mangrove_pool

    def __getattr__(self, attr):
        # Only reached for names the proxy itself does not have: the hot
        # path of every boto call, so the connection property is inlined.
        if attr[:2] == '__':
            raise AttributeError(attr)
        state = self._mangrove_state
        if state is not None and state[0] == process_token():
            return getattr(state[1], attr)
        return getattr(self._mangrove_pool._connection_for(self), attr)

    def __setattr__(self, attr, value):
        setattr(self.connection, attr, value)

    def __dir__(self):
        names = set(['connection', 'region_key', 'region_name', 'pool'])
        state = self._mangrove_state
        if state is not None:
            names.update(dir(state[1]))
        return sorted(names)

    def __repr__(self):
        pool = self._mangrove_pool
        # A mixin pool's member is a plain ServicePool whose service is set
        # on the instance; its class name alone would not say which service.
        service = (' ' + pool._display) if 'service' in vars(pool) else ''
        return '<%s%s %s>' % (type(pool).__name__, service,
                              self._mangrove_key)

    def __reduce__(self):
        return (_lookup_region, (self._mangrove_pool, self._mangrove_key))


def _lookup_region(pool, key):
    """Unpickle a proxy as the same region of the unpickled pool."""
    return pool._entries[key]


class RegionMapping(Mapping):
    """The regions of a pool, by key (``us_east_1``).

    ``regions['us-east-1']``, ``regions['us_east_1']`` and
    ``regions.us_east_1`` are the same :class:`RegionProxy`;
    ``regions.default`` is the pool's default region.
    """

    # While the pool is connected its owner publishes every region, under
    # both spellings, in the instance __dict__: a lookup by item or by
    # attribute is then one dict access. Everything else (a pool not
    # connected, a name to normalize, a miss) takes the checked slow path.
    __slots__ = ('_pool', '__dict__') if hasattr(Mapping, '__slots__') \
        else ('_pool',)

    def __init__(self, pool):
        self._pool = pool

    def _publish(self, connected, entries):
        """Make the fast-path view match the pool (pool lock held)."""
        view = self.__dict__
        if not connected:
            view.clear()
            return
        fresh = {}
        for key, proxy in entries.items():
            fresh[key] = fresh[region_name(key)] = proxy
        view.update(fresh)
        for name in [n for n in view if n not in fresh]:
            del view[name]

    def _resolve(self, name):
        """The proxy for ``name`` (either form), connected pool or not."""
        entries = self._pool._entries
        proxy = entries.get(name)
        if proxy is not None:
            return proxy
        key = region_key(name)
        proxy = entries.get(key)
        if proxy is None:
            raise unknown_region(
                RegionNotInPoolError,
                '%s has no region %r' % (self._pool._label(), name), name,
                entries, 'its regions')
        return proxy

    def __getitem__(self, name):
        try:
            return self.__dict__[name]
        except (KeyError, TypeError):
            pass
        proxy = self._resolve(name)
        if not self._pool._connected:
            self._pool._raise_not_connected()
        return proxy

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

        :raises NoDefaultRegionError: the pool has no default region.
        """
        key = self._pool._default_key
        if key is None:
            raise NoDefaultRegionError(
                '%s has no default region; set one with '
                "default_region='us-east-1' or pool.default_region = ..."
                % self._pool._label())
        return self[key]

    def __contains__(self, name):
        try:
            if name in self.__dict__:
                return True
        except TypeError:
            return False
        try:
            self._resolve(name)
        except (RegionNotInPoolError, InvalidArgumentError,
                InvalidArgumentTypeError):
            return False
        return True

    def __iter__(self):
        return iter(list(self._pool._entries))

    def __len__(self):
        return len(self._pool._entries)

    def __dir__(self):
        return sorted(set(self._pool._entries) | set(
            ['default', 'get', 'items', 'keys', 'values']))

    def __repr__(self):
        pool = self._pool
        keys = list(pool._entries)
        shown = ', '.join(keys[:6]) + (', ...' if len(keys) > 6 else '')
        default = pool._default_key
        return '<RegionMapping %s: %d region%s (%s)%s>' % (
            pool._display, len(keys), '' if len(keys) == 1 else 's', shown,
            ', default %s' % default if default else '')
