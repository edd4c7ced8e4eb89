# -*- coding: utf-8 -*-
"""
Each key's outcome, heard from a worker as it finishes, with nothing that
can hang.

A fan-out that runs in chunks on an executor (:mod:`mangrove.fanout.chunks`)
would otherwise hear of a key only when its whole chunk returns. Where the
workers can report sooner, they do, through one of:

- :class:`ThreadReports`, for a thread executor: outcomes are handed over
  in memory, results as they are, never pickled;
- :class:`ReportDirectory`, for worker processes on this machine (process
  pools, loky): each outcome is one file in a private directory the caller
  made (mode 0700, so only this user's processes can write there), written
  under a temporary name and renamed into place, read and removed by the
  caller as it waits for its chunks.

Neither listens on a socket: there is no accept to hold up, no backlog to
overflow, no descriptor a worker inherits, and nothing anyone else on the
machine can connect to. A report made after the caller stopped waiting
fails at once (its directory is gone) and the worker stops reporting.
Reports are an extra: an outcome that cannot be pickled, or a directory
that cannot be written, leaves its key to be reported when its chunk
returns. Executors whose workers may be on other machines (dask) report
each chunk as it returns (see :func:`mangrove.fanout.chunks.map_in_chunks`).
"""
from __future__ import absolute_import

import binascii
import collections
import logging
import os
import pickle
import shutil
import tempfile
import threading

from mangrove.fanout.results import RegionResults

__all__ = ['ThreadReports', 'ReportDirectory', 'ReportWriter', 'reporter']

logger = logging.getLogger(__name__)

_SUFFIX = '.report'
_PARTIAL = '.partial'


def one_key(key, result, error):
    """One key's outcome as the caller gathers it: a one-key
    :class:`~mangrove.fanout.results.RegionResults`."""
    if error is None:
        return RegionResults([(key, result)])
    return RegionResults([], [(key, error)], [(key, getattr(
        error, '__traceback__', None))])


class ThreadReports(object):
    """Outcomes handed from the chunks' threads to the calling thread, in
    this process: :meth:`send` has ``on_result``'s signature and never
    pickles."""

    def __init__(self):
        self._lock = threading.Lock()
        self._arrived = collections.deque()

    def destination(self):
        """What a chunk is given to report with: this object itself."""
        return self

    def send(self, key, result, error):
        part = one_key(key, result, error)
        with self._lock:
            self._arrived.append((key, part))

    def take(self):
        """The ``(key, one-key results)`` that arrived since the last call.

        :rtype: list
        """
        with self._lock:
            arrived = list(self._arrived)
            self._arrived.clear()
        return arrived

    def close(self):
        pass


class ReportDirectory(object):
    """Where the calling process hears of keys finished in worker processes
    on this machine: a private directory they drop one file in per key.
    """

    def __init__(self):
        # mkdtemp makes it readable and writable by this user alone: the
        # pickles read from it come from this user's processes.
        self.path = tempfile.mkdtemp(prefix='mangrove-reports-')

    def destination(self):
        """What a chunk is given to report with: the directory's path."""
        return self.path

    def take(self):
        """The ``(key, one-key results)`` that arrived since the last call,
        each worker's in the order it sent them.

        :rtype: list
        """
        try:
            names = sorted(name for name in os.listdir(self.path)
                           if name.endswith(_SUFFIX))
        except OSError:
            return []
        arrived = []
        for name in names:
            path = os.path.join(self.path, name)
            try:
                with open(path, 'rb') as handle:
                    data = handle.read()
                os.remove(path)
                key, part = pickle.loads(data)
            except Exception as exc:
                # Its key is reported when its chunk returns.
                logger.debug('worker report %s not read: %s', name, exc)
                continue
            arrived.append((key, part))
        return arrived

    def close(self):
        """Remove the directory; a report made later fails at once."""
        shutil.rmtree(self.path, ignore_errors=True)
        if os.path.isdir(self.path):
            # A report renamed into place while the tree was removed.
            shutil.rmtree(self.path, ignore_errors=True)


class ReportWriter(object):
    """A worker's end of a :class:`ReportDirectory`; :meth:`send` has
    ``on_result``'s signature and never raises.

    :param path: the directory's path.
    """

    def __init__(self, path):
        self._path = path
        # Names sort by writer, then by the order of its reports; the
        # random part keeps two writers of one process (or a reused pid)
        # apart.
        self._prefix = '%d-%s' % (os.getpid(), _token())
        self._lock = threading.Lock()
        self._count = 0
        self._broken = False

    def send(self, key, result, error):
        """Write one key's outcome (never raises: reports are an extra)."""
        if self._broken:
            return
        try:
            data = pickle.dumps((key, one_key(key, result, error)),
                                pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            # This value alone: its key is reported with its chunk.
            logger.debug('report of %r not written: %s', key, exc)
            return
        with self._lock:
            self._count += 1
            name = '%s-%08d' % (self._prefix, self._count)
        partial = os.path.join(self._path, name + _PARTIAL)
        try:
            with open(partial, 'wb') as handle:
                handle.write(data)
            # The caller sees whole reports only: a rename is atomic.
            os.rename(partial, os.path.join(self._path, name + _SUFFIX))
        except (IOError, OSError) as exc:
            # The caller stopped waiting and removed its directory: every
            # later report would fail alike.
            logger.debug('report of %r not written: %s', key, exc)
            self._broken = True
            try:
                os.remove(partial)
            except OSError:
                pass


def _token():
    return binascii.hexlify(os.urandom(4)).decode('ascii')


def reporter(destination):
    """A chunk's way to report its keys, from what the caller gave it
    (:meth:`ThreadReports.destination` or
    :meth:`ReportDirectory.destination`), or None for none."""
    if destination is None:
        return None
    if isinstance(destination, ThreadReports):
        return destination
    return ReportWriter(destination)
