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
        self._pid = os.getpid()

    def __enter__(self):
        if self._pid != os.getpid():
            self._reset()
        self._lock.acquire()
        return self

    def __exit__(self, *exc_info):
        self._lock.release()


def _reset_all_in_child():
    for lock in list(_live_locks):
        lock._reset()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_reset_all_in_child)
