# -*- coding: utf-8 -*-
"""
The region proxy: what ``pool.regions['us_east_1']`` hands out.

A :class:`RegionProxy` stands for one region's boto connection: every
attribute read and method call reaches boto unchanged, ``.connection`` is
the boto object itself. The proxy, not the caller, holds on to the
connection (through its :class:`~mangrove.pool.lifecycle.RegionConnection`), so
the pool can build it lazily, close it, and build it again in a forked
child.
"""
from __future__ import absolute_import

from mangrove.exceptions import NotConnectedError
from mangrove.fork import process_token


class RegionNotConnectedError(NotConnectedError, AttributeError):
    """An attribute of a region read while its pool is not connected.

    Also an :class:`AttributeError`, so that ``hasattr(region, name)`` and
    ``getattr(region, name, default)`` answer instead of raising.
    """


class RegionProxy(object):
    """One region of a pool: a thin stand-in for its boto connection.

    Attribute reads, writes and method calls go to the boto connection
    unchanged (``pool.regions['us_east_1'].get_all_instances()``).

    :ivar connection: the boto connection object itself; built on first use
        after the pool's ``connect()``, and again in a forked child process.
    """

    # One prefixed name: boto connections have attributes of their own
    # (such as ``_pool``) that the proxy must not hide.
    __slots__ = ('_mangrove_region', '_mangrove_repr')

    def __init__(self, region, repr_prefix):
        """
        :param region: the region's
            :class:`~mangrove.pool.lifecycle.RegionConnection`.
        :param repr_prefix: what the repr shows before the region key
            (the pool's class name, and its service for a plain
            ``ServicePool``).
        """
        set_ = object.__setattr__
        set_(self, '_mangrove_region', region)
        set_(self, '_mangrove_repr', '<%s %s>' % (repr_prefix, region.key))

    @property
    def connection(self):
        """The boto connection of this region (built when first needed)."""
        return self._mangrove_region.get()

    @property
    def region_key(self):
        """This region's key in the pool, such as ``'us_east_1'``."""
        return self._mangrove_region.key

    @property
    def region_name(self):
        """This region's AWS name, such as ``'us-east-1'``."""
        return self._mangrove_region.key.replace('_', '-')

    @property
    def pool(self):
        """The pool this region belongs to (None if the pool itself is no
        longer referenced anywhere and has been garbage-collected)."""
        return self._mangrove_region.pool

    @property
    def backend(self):
        """The :class:`~mangrove.backends.Backend` of this region's pool:
        what built its connection and follows its pages."""
        return self._mangrove_region.backend

    @property
    def state(self):
        """Where this region's connection is in its lifecycle:
        ``'closed'``, ``'pending'``, ``'built'``, ``'inherited'`` or
        ``'removed'`` (see :mod:`mangrove.pool.lifecycle`)."""
        return self._mangrove_region.state

    def __getattribute__(self, attr):
        # Every boto call goes through here: the proxy's own names and
        # special names are looked up as usual; anything else is the
        # connection's, asked for straight away (falling back from a failed
        # lookup to __getattr__ would cost an AttributeError per call).
        if attr in _OWN_NAMES or attr[:2] == '__':
            return object.__getattribute__(self, attr)
        region = _region_of(self)
        # RegionConnection.get()'s fast path, inlined: a function call less
        # on every boto call (a third of the cost on Python 2.7).
        built = region.built
        if built is not None and built.token == process_token():
            return getattr(built.connection, attr)
        try:
            return getattr(region.get(), attr)
        except NotConnectedError as exc:
            if isinstance(exc, AttributeError):
                raise
            raise RegionNotConnectedError(str(exc))

    def __setattr__(self, attr, value):
        setattr(self.connection, attr, value)

    def __dir__(self):
        names = set(['connection', 'region_key', 'region_name', 'pool',
                     'backend', 'state'])
        conn = self._mangrove_region.peek()
        if conn is not None:
            names.update(dir(conn))
        return sorted(names)

    def __repr__(self):
        return self._mangrove_repr

    def __reduce__(self):
        pool = self.pool
        if pool is None:
            raise NotConnectedError(
                '%r cannot be pickled: its pool was garbage-collected'
                % self)
        return (_lookup_region, (pool, self.region_key))


_OWN_NAMES = frozenset(name for name in vars(RegionProxy)
                       if not name.startswith('__'))
_region_of = RegionProxy._mangrove_region.__get__


def region_connection(proxy):
    """The :class:`~mangrove.pool.lifecycle.RegionConnection` behind ``proxy``
    (for the pool that made it)."""
    return _region_of(proxy)


def _lookup_region(pool, key):
    """Unpickle a proxy as the same region of the unpickled pool."""
    proxy = pool.region_proxy(key)
    region_connection(proxy).keep_owner(pool)
    return proxy
