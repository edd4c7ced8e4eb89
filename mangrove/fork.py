# -*- coding: utf-8 -*-
"""
Locks that survive ``fork()``.

A process forked while another thread held a lock inherits it held, with no
thread left to release it. Pools are long-lived and shared (gunicorn,
celery prefork, multiprocessing), so their locks are re-made in the child:
right after the fork where the interpreter can tell us
(:func:`os.register_at_fork`, Python 3.7+), and otherwise on first use,
noticed by the change of process id.
"""
from __future__ import absolute_import

import functools
import os
import threading
import weakref

_live_locks = weakref.WeakSet()


class ForkSafeLock(object):
    """A re-entrant lock that is fresh and released in a forked child."""

    __slots__ = ('_lock', '_pid', '__weakref__')

    def __init__(self):
        self._reset()
        _live_locks.add(self)

    def _reset(self):
        self._lock = threading.RLock()
        self._pid = process_token()

    def __enter__(self):
        if self._pid != process_token():
            self._reset()
        self._lock.acquire()
        return self

    def __exit__(self, *exc_info):
        self._lock.release()

    def acquire(self, blocking=True):
        """Take the lock (``blocking=False``: only if free); True if taken."""
        if self._pid != process_token():
            self._reset()
        return self._lock.acquire(blocking)

    def release(self):
        """Release the lock taken by :meth:`acquire`."""
        self._lock.release()


if hasattr(os, 'register_at_fork'):
    # Counted by the interpreter at each fork: reading it costs a third of
    # the getpid() system call, and every boto call through a proxy reads it.
    _generation = [0]

    def _reset_all_in_child():
        _generation[0] += 1
        for lock in list(_live_locks):
            lock._reset()

    process_token = functools.partial(_generation.__getitem__, 0)
    process_token.__doc__ = 'A value that changes in a forked child.'
    os.register_at_fork(after_in_child=_reset_all_in_child)
else:
    # The process id, read by the system call itself: a Python function
    # around it would double what every boto call through a proxy pays
    # for it on Python 2.7 and 3.6.
    process_token = os.getpid
