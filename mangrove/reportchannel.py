# -*- coding: utf-8 -*-
"""
Each key's outcome, sent back from a worker process as it finishes.

A fan-out that runs in chunks on other processes (:mod:`mangrove.executors`)
would otherwise learn of a key only when its whole chunk returns. The
caller listens on a :class:`ReportChannel`; each chunk's worker opens a
:class:`ReportSender` to it and sends every key's outcome (a one-key
:class:`~mangrove.results.RegionResults`, which pickles errors safely) as
its thread fan-out reports it. The connection is authenticated with a
random key that travels with the chunk (:mod:`multiprocessing.connection`'s
HMAC challenge), so nothing else can feed the caller pickles.

Reports are an extra: a worker that cannot reach the caller, or a result
that cannot be pickled, leaves its keys to be reported when the chunk
returns.
"""
from __future__ import absolute_import

import collections
import logging
import os
import pickle
import socket
import threading
from multiprocessing.connection import Client, Listener

from mangrove.results import RegionResults

__all__ = ['ReportChannel', 'ReportSender']

logger = logging.getLogger(__name__)

# How long a worker tries to reach the caller before it gives up on
# reporting (its chunk's keys are then reported when the chunk returns).
CONNECT_TIMEOUT = 5.0

# What pickling an odd value raises; the connection still works after one
# (a message is pickled whole before any of it is sent).
_PICKLING_ERRORS = (pickle.PicklingError, TypeError, AttributeError,
                    ValueError)


class ReportChannel(object):
    """Where the calling process hears of keys finished in workers.

    :param host: the address to listen on, one the workers can reach
        (``'127.0.0.1'`` for workers on this machine).
    """

    def __init__(self, host):
        self._authkey = os.urandom(32)
        self._listener = Listener((host, 0), authkey=self._authkey)
        self.address = self._listener.address
        self._lock = threading.Lock()
        self._arrived = collections.deque()
        self._closed = False
        self._thread = threading.Thread(target=self._accept,
                                        name='mangrove-report-channel')
        self._thread.daemon = True
        self._thread.start()

    def address_and_key(self):
        """What a :class:`ReportSender` needs: ``(address, authkey)``."""
        return self.address, self._authkey

    def take(self):
        """The ``(key, one-key results)`` that arrived since the last call.

        :rtype: list
        """
        with self._lock:
            arrived = list(self._arrived)
            self._arrived.clear()
        return arrived

    def close(self):
        """Stop listening; reports still on their way are dropped."""
        if self._closed:
            return
        self._closed = True
        try:
            # accept() waits in a system call that closing the listener
            # does not end everywhere; a connection of our own does. A
            # plain socket, not Client(): Client() would wait for the
            # greeting of an accepting thread that may be held up by
            # another peer's, and the fan-out would never return.
            socket.create_connection(self.address, CONNECT_TIMEOUT).close()
        except Exception:
            pass
        self._listener.close()
        self._thread.join(CONNECT_TIMEOUT)

    def _accept(self):
        while not self._closed:
            try:
                conn = self._listener.accept()
            except Exception as exc:
                if self._closed:
                    return
                # A peer without the key, or one that hung up mid-greeting.
                logger.debug('report channel: refused a connection: %s', exc)
                continue
            if self._closed:
                conn.close()
                return
            reader = threading.Thread(target=self._read, args=(conn,),
                                      name='mangrove-report-reader')
            reader.daemon = True
            reader.start()

    def _read(self, conn):
        try:
            while not self._closed:
                try:
                    key, part = conn.recv()
                except (EOFError, IOError, OSError):
                    return
                with self._lock:
                    self._arrived.append((key, part))
        except Exception:
            logger.debug('report channel: a bad report', exc_info=True)
        finally:
            conn.close()


class ReportSender(object):
    """A worker's end of a :class:`ReportChannel`; :meth:`send` has
    ``on_result``'s signature.

    :param address: the channel's ``address``.
    :param authkey: its key.
    """

    def __init__(self, address, authkey):
        self._address = address
        self._authkey = authkey
        # The pieces of a chunk report from threads of their own.
        self._lock = threading.Lock()
        self._conn = None
        self._broken = False

    def send(self, key, result, error):
        """Send one key's outcome (never raises: reports are an extra)."""
        if error is None:
            part = RegionResults([(key, result)])
        else:
            part = RegionResults([], [(key, error)], [(key, getattr(
                error, '__traceback__', None))])
        with self._lock:
            if self._broken:
                return
            try:
                if self._conn is None:
                    self._conn = self._connect()
                self._conn.send((key, part))
            except Exception as exc:
                # A value that does not pickle fails here alone; a lost
                # connection fails every later report: stop trying.
                logger.debug('report of %r not sent: %s', key, exc)
                if self._conn is None or not isinstance(
                        exc, _PICKLING_ERRORS):
                    self._broken = True

    def _connect(self):
        # Client() has no timeout of its own: a caller unreachable from
        # here (a firewall between cluster and client) must cost seconds,
        # not the chunk.
        probe = socket.create_connection(self._address, CONNECT_TIMEOUT)
        probe.close()
        return Client(self._address, authkey=self._authkey)

    def close(self):
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
