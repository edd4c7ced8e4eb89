# -*- coding: utf-8 -*-
"""
A clock the test moves: for tests whose subject is a fan-out's deadline
arithmetic (what times out, what is kept, what is reported), so that they
neither wait the timeout out nor race it on a loaded machine.

mangrove reckons every deadline on :func:`mangrove.waits.now`;
:func:`manual_clock` puts a :class:`ManualClock` there for the length of a
``with`` block. Time then stands still until the test calls
:meth:`ManualClock.advance` (from a callback such as ``on_result``, or
another thread): a fan-out with ``timeout=5`` ends when the test has moved
the clock 5 seconds on, however long its tasks took in fact. Waits are
still made in real slices of :data:`mangrove.waits.SLICE`, so a deadline
passed by an advance is seen within one slice.
"""
from __future__ import absolute_import

import contextlib
import threading

import mangrove.waits


class ManualClock(object):
    """A clock that moves only when told to."""

    def __init__(self, start=1000.0):
        self._now = float(start)
        self._lock = threading.Lock()
        #: Set each time the clock moves.
        self.moved = threading.Event()

    def __call__(self):
        with self._lock:
            return self._now

    def advance(self, seconds):
        """Move the clock ``seconds`` on."""
        with self._lock:
            self._now += float(seconds)
        self.moved.set()


@contextlib.contextmanager
def manual_clock(start=1000.0):
    """Put a :class:`ManualClock` under :func:`mangrove.waits.now`."""
    clock = ManualClock(start)
    saved = mangrove.waits._clock
    mangrove.waits._clock = clock
    try:
        yield clock
    finally:
        mangrove.waits._clock = saved
