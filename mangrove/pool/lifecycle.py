# -*- coding: utf-8 -*-
"""
The lifecycle of a region's connection, in one place.

Each region of a pool has a :class:`RegionConnection`, in one of five
states (:attr:`RegionConnection.state`):

``closed``
    no connection: the pool is not connected yet, or was closed;
``pending``
    one thread of this process is building it; others that need it wait;
``built``
    built in this process, and used until the pool closes;
``inherited``
    built in another process (this one is a forked child): the next use
    here builds this process's own connection (while the boto object the
    parent built keeps working too, on sockets of its own: its backend's
    :meth:`~mangrove.backends.Backend.prepare` sees to that);
``removed``
    the region was removed from its pool.

The regions of one pool share a :class:`PoolConnections`: the pool's lock,
whether it is connected, and the one function that builds a connection.

Why a connection is built outside the pool's lock (urllib3 builds its pools
under its lock): building one calls the pool's ``_connect_module_to_region``
hook, which may be slow (boto reads its config and credentials, a user's
hook may ask a server) or fail. A region being built must not block the
lookups and calls of the pool's other regions, so the lock only guards the
bookkeeping: a region is claimed under the lock (``pending``), built
without it, and installed under it again, unless the pool was closed or the
region removed meanwhile, in which case the new connection is thrown away
and its caller gets :class:`~mangrove.exceptions.NotConnectedError`.
"""
from __future__ import absolute_import

import threading
import weakref

from mangrove.exceptions import NotConnectedError, RegionNotInPoolError
from mangrove.fork import ForkSafeLock, process_token
from mangrove.regions import region_name

__all__ = ['PoolConnections', 'RegionConnection', 'InProgress', 'CLOSED',
           'PENDING', 'BUILT', 'INHERITED', 'REMOVED']

CLOSED, PENDING, BUILT, INHERITED, REMOVED = (
    'closed', 'pending', 'built', 'inherited', 'removed')


class Built(object):
    """A connection and the process it was built in, read as one value."""

    __slots__ = ('token', 'connection')

    def __init__(self, token, connection):
        self.token, self.connection = token, connection


class InProgress(object):
    """Work one thread is doing that other threads wait for: a connection
    being built (``token`` says in which process), a region being added to
    its pool.

    :ivar error: what the work raised (an :class:`Exception`), once
        finished; None if it succeeded.
    """

    __slots__ = ('token', 'error', '_done')

    def __init__(self, token=None):
        self.token = token
        self.error = None
        self._done = threading.Event()

    def finish(self, error=None):
        # Only an Exception is shared with the waiters: a KeyboardInterrupt
        # belongs to the thread it interrupted, and they simply try again.
        if isinstance(error, Exception):
            self.error = error
        self._done.set()

    def wait(self):
        """Wait for the work to finish; raise its error, if it failed."""
        self._done.wait()
        if self.error is not None:
            raise self.error


class PoolConnections(object):
    """What the regions of one pool share.

    :param owner: the pool; held weakly, so that regions and mappings a
        user keeps do not keep the pool (and its sockets) in a cycle.
    :param build: ``build(owner, region_name)`` returns a new connection,
        prepared by its backend; the one code path that creates one.
    :param label: how messages name the pool (``'Ec2Pool EC2'``).
    :param backend: the pool's :class:`~mangrove.backends.Backend`, which
        closes its connections.
    :ivar lock: the pool's lock; it guards bookkeeping only.
    :ivar connected: whether the pool is connected (written under ``lock``).
    """

    __slots__ = ('lock', 'connected', 'label', 'on_built', 'backend',
                 '_owner', '_build', '__weakref__')

    def __init__(self, owner, build, label, backend):
        self.lock = ForkSafeLock()
        self.connected = False
        self.label = label
        self.backend = backend
        #: Called as ``on_built(owner, connection)`` under the lock as each
        #: connection is installed (the pool's managed credentials), or None.
        self.on_built = None
        self._owner = weakref.ref(owner)
        self._build = build

    @property
    def owner(self):
        """The pool, or None once it has been garbage-collected."""
        return self._owner()

    def region(self, key):
        """A new :class:`RegionConnection` for region ``key``, closed."""
        return RegionConnection(self, key)

    def not_connected(self):
        """The error for a use of the pool while it is not connected."""
        return NotConnectedError(
            '%s is not connected: call .connect() first (or build it with '
            'connect=True)' % self.label)

    def connect(self, regions):
        """Mark the pool connected and build every region of ``regions``
        not built in this process; all or nothing.

        A region another thread is building is waited for. If a build
        fails, the pool goes back to not connected (when this call
        connected it) and the error is raised.

        :param regions: :class:`RegionConnection` objects of this pool.
        """
        token = process_token()
        with self.lock:
            was_connected, self.connected = self.connected, True
            mine, theirs = [], []
            for region in regions:
                build, claimed = region._claim(token)
                if build is not None:
                    (mine if claimed else theirs).append((region, build))
        try:
            for index, (region, build) in enumerate(mine):
                try:
                    region._run(build)
                except BaseException as exc:
                    # Wake whoever waits for the builds not started.
                    for other, rest in mine[index + 1:]:
                        other._abandon(rest, exc)
                    raise
            for region, build in theirs:
                build.wait()
        except BaseException:
            if not was_connected:
                self.close(regions)
            raise

    def close(self, regions):
        """Mark the pool not connected and close ``regions``."""
        with self.lock:
            self.connected = False
            dropped = [region._drop(CLOSED) for region in regions]
        _close_all(self.backend, dropped)


def _close_all(backend, connections):
    token = process_token()
    for built in connections:
        # Only this process's sockets are its to close.
        if built is not None and built.token == token:
            backend.close(built.connection)


class RegionConnection(object):
    """One region's connection through its lifecycle.

    :ivar key: the region's key (``'us_east_1'``).
    :ivar built: the connection built last and the process it was built in
        (a :class:`Built`), or None; read-only outside this class. A region
        proxy reads it on every call (see :meth:`get`).
    :ivar seconds: what this region's fan-out tasks took lately, or None
        (kept by :mod:`mangrove.pool.latency`).
    """

    __slots__ = ('key', 'built', 'seconds', '_pool', '_build', '_removed',
                 '_keep')

    def __init__(self, pool, key):
        self.key = key
        self._pool = pool
        self.built = None
        self.seconds = None
        self._build = None      # the InProgress build, or None
        self._removed = False
        self._keep = None       # the pool, while keep_owner asks for it

    # -- reading ---------------------------------------------------------

    def get(self):
        """The connection in this process, built now if it must be.

        :raises NotConnectedError: the pool is not connected (or was closed
            while this connection was being built).
        :raises RegionNotInPoolError: the region was removed from its pool.
        """
        built = self.built
        if built is not None and built.token == process_token():
            return built.connection
        return self._get_slow()

    def peek(self):
        """The connection built in this process, or None; never builds."""
        built = self.built
        if built is not None and built.token == process_token():
            return built.connection
        return None

    @property
    def state(self):
        """``'closed'``, ``'pending'``, ``'built'``, ``'inherited'`` or
        ``'removed'`` (see :mod:`mangrove.pool.lifecycle`)."""
        token = process_token()
        built, build = self.built, self._build
        if self._removed:
            return REMOVED
        if built is not None and built.token == token:
            return BUILT
        if build is not None and build.token == token:
            return PENDING
        return CLOSED if built is None else INHERITED

    @property
    def pool(self):
        """The pool this region belongs to, or None once it is gone."""
        return self._pool.owner

    @property
    def label(self):
        """How messages name the pool of this region."""
        return self._pool.label

    @property
    def backend(self):
        """The pool's :class:`~mangrove.backends.Backend`."""
        return self._pool.backend

    # -- changing (the pool's lock serializes these) ----------------------

    def _get_slow(self):
        pool = self._pool
        while True:
            token = process_token()
            with pool.lock:
                built = self.built
                if built is not None and built.token == token:
                    return built.connection
                if self._removed:
                    raise self._removed_error()
                if not pool.connected:
                    raise pool.not_connected()
                if built is not None and pool.owner is None and \
                        self._keep is None:
                    # Inherited, and the pool is gone: nothing can build a
                    # new one, and the inherited object is safe to use here
                    # (its pool of sockets drops the parent's).
                    self.built = Built(token, built.connection)
                    return built.connection
                build, claimed = self._claim(token)
            if claimed:
                return self._run(build)
            build.wait()

    def keep_owner(self, owner):
        """Hold ``owner``, the pool, until this region's first build.

        For a region unpickled on its own: its proxy holds the new pool
        weakly, so nothing else would keep the pool alive to build it.
        A whole unpickled pool needs no such hold (its user holds it), and
        must not have one: the hold is a cycle that would keep a dropped
        pool's sockets open until the cyclic collector runs.
        """
        with self._pool.lock:
            if self.built is None:
                self._keep = owner

    def _claim(self, token):
        """Under the lock: (build, True) when this thread must build the
        connection, (build, False) when another one is, (None, False) when
        it is built in this process."""
        built = self.built
        if built is not None and built.token == token:
            return None, False
        build = self._build
        if build is not None and build.token == token:
            return build, False
        build = self._build = InProgress(token)
        return build, True

    def _run(self, build):
        """Build the connection claimed as ``build``, outside the lock, and
        install it unless the region was closed or removed meanwhile."""
        pool = self._pool
        try:
            owner = self._keep if self._keep is not None else pool.owner
            if owner is None:
                raise NotConnectedError(
                    '%s was garbage-collected; region %s cannot connect '
                    'without it (keep a reference to the pool)'
                    % (pool.label, self.key))
            conn = pool._build(owner, region_name(self.key))
            del owner
        except BaseException as exc:
            self._abandon(build, exc)
            raise
        with pool.lock:
            current = self._build is build
            if current:
                self.built = Built(build.token, conn)
                self._build = self._keep = None
                if pool.on_built is not None:
                    pool.on_built(pool.owner, conn)
            error = None if current else (
                self._removed_error() if self._removed
                else pool.not_connected())
        if error is not None:
            pool.backend.close(conn)
            build.finish(error)
            raise error
        build.finish()
        return conn

    def _abandon(self, build, error):
        with self._pool.lock:
            if self._build is build:
                self._build = None
        build.finish(error)

    def _drop(self, state):
        """Under the lock: forget the connection (``state`` is CLOSED or
        REMOVED); return what was built, for closing outside the lock."""
        built = self.built
        self.built = self._build = self._keep = None
        if state == REMOVED:
            self._removed = True
        return built

    def remove(self):
        """The region left its pool: close it for good."""
        with self._pool.lock:
            dropped = self._drop(REMOVED)
        _close_all(self._pool.backend, [dropped])

    def _removed_error(self):
        return RegionNotInPoolError(
            'region %s was removed from %s' % (self.key, self._pool.label))

    def __repr__(self):
        return '<RegionConnection %s %s: %s>' % (
            self._pool.label, self.key, self.state)
