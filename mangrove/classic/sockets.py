# -*- coding: utf-8 -*-
"""
The keep-alive sockets inside a boto connection: owned by one process, and
closed when mangrove is done with them.

A boto connection keeps its idle HTTP connections (and so their sockets) in
a ``boto.connection.ConnectionPool``. Two things about it matter to a pool
of connections that lives for the whole life of a process:

* **fork.** A forked child inherits the pool with the parent's sockets in
  it. Objects boto returns (an ``Instance``, a ``Queue``, a ``Zone``) hold
  the connection itself, not mangrove's proxy, so a child that uses one
  would send on a socket the parent is using too: requests and answers of
  both processes interleave on one TCP stream. :func:`adopt` gives every
  connection mangrove builds a pool that notices, on its first use in
  another process, that its sockets are not its own, and forgets them
  without closing them (closing is the parent's business; the child's copies
  of the descriptors go when the objects do, which does not touch the
  parent's stream).
* **close.** boto's own ``close()`` closes nothing. :func:`close` closes
  every idle socket (a request in flight keeps its own until it is done).

Everything here works on the boto objects that send a connection's
requests (:func:`mangrove.classic.transport.senders`), each of which holds a
boto HTTP pool; an object that is not a boto connection (a
``_connect_module_to_region`` hook may return any object) is left alone.
Pools reach these through their backend
(:meth:`mangrove.classic.backend.BotoBackend.prepare` and ``close``); a boto3
client's sockets are botocore's
(:meth:`mangrove.clients.backend.Boto3Backend.close`).
"""
from __future__ import absolute_import

import logging
import threading

from mangrove.classic.transport import senders
from mangrove.fork import process_token

log = logging.getLogger(__name__)

_POOL_CLASS = None
_class_lock = threading.Lock()


class _ProcessLocal(object):
    """What a boto ``ConnectionPool`` gains: an owning process, whose
    sockets alone it hands out, and :meth:`close`.

    Mixed into boto's class on first use (:func:`_process_local_pool_class`)
    so that importing mangrove does not import boto.
    """

    def _own(self):
        if self._owner != process_token():
            # Forked: these sockets are the parent's. Dropping the
            # references closes only this process's descriptors.
            self.host_to_pool = {}
            self.mutex = threading.Lock()
            self._owner = process_token()

    def get_http_connection(self, host, port, is_secure):
        self._own()
        return super(_ProcessLocal, self).get_http_connection(
            host, port, is_secure)

    def put_http_connection(self, host, port, is_secure, conn):
        self._own()
        super(_ProcessLocal, self).put_http_connection(host, port,
                                                       is_secure, conn)

    def clean(self):
        self._own()
        super(_ProcessLocal, self).clean()

    def close(self):
        """Close every idle socket; return how many were closed.

        A connection whose response is still being read (boto hands it
        back before the body is read) is left to its reader, and so is one
        out for a request.
        """
        self._own()
        closed = 0
        with self.mutex:
            for key, host_pool in list(self.host_to_pool.items()):
                busy = []
                for pair in host_pool.queue:
                    if host_pool._conn_ready(pair[0]):
                        pair[0].close()
                        closed += 1
                    else:
                        busy.append(pair)
                host_pool.queue[:] = busy
                if not busy:
                    del self.host_to_pool[key]
        return closed

    def __reduce__(self):
        # Another process gets a fresh pool of boto's own kind (this class
        # is made at run time and has no importable name).
        from boto.connection import ConnectionPool
        return (ConnectionPool, ())


def _process_local_pool_class():
    """boto's ``ConnectionPool`` with :class:`_ProcessLocal` mixed in."""
    global _POOL_CLASS
    with _class_lock:
        if _POOL_CLASS is None:
            from boto.connection import ConnectionPool
            _POOL_CLASS = type('ProcessLocalConnectionPool',
                               (_ProcessLocal, ConnectionPool), {})
        return _POOL_CLASS


def adopt(conn):
    """Give a freshly built boto connection a pool of sockets that belongs
    to this process and can be closed. Returns ``conn``."""
    # Each sender (mangrove.classic.transport) holds a boto HTTP pool: a
    # Layer2's is its layer1's.
    transports = senders(conn)
    if transports:
        cls = _process_local_pool_class()
        for transport in transports:
            pool = transport._pool
            if not isinstance(pool, cls):
                # The pool boto just made, still empty, becomes one that
                # knows its process (cheaper than making another).
                pool.__class__ = cls
                pool._owner = process_token()
    return conn


def close(conn):
    """Close the sockets of a connection mangrove built in this process.

    The connection stays usable: boto opens a new socket on its next
    request (a boto object that still holds it keeps working).

    :return: the number of sockets closed now.
    """
    closed = 0
    cls = _POOL_CLASS
    for transport in senders(conn):
        pool = transport._pool
        if cls is not None and isinstance(pool, cls):
            closed += pool.close()
    if closed:
        log.debug('closed %d idle socket%s', closed,
                  '' if closed == 1 else 's')
    return closed
