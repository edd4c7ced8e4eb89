# -*- coding: utf-8 -*-
"""
A clock the test moves: for tests whose subject is a fan-out's deadline
arithmetic (what times out, what is kept, what is reported), so that they
neither wait the timeout out nor race it on a loaded machine.

mangrove reckons every deadline on :func:`mangrove._compat.now`;
:func:`manual_clock` puts a :class:`ManualClock` there for the length of a
``with`` block. Time then stands still until the test calls
:meth:`ManualClock.advance` (from a callback such as ``on_result``, or
another thread): a fan-out with ``timeout=5`` ends when the test has moved
the clock 5 seconds on, however long its tasks took in fact. Waits are
still made in real slices of :data:`mangrove._compat.SLICE`, so a deadline
passed by an advance is seen within one slice.

Credential expiries are reckoned on the wall clock instead
(:func:`mangrove._compat.wall_time`: STS says when they expire as a date);
:func:`manual_wall_clock` puts a :class:`ManualClock` there, started at the
real time, so that a test moves it on past an expiry (STS gives at least
900 seconds) rather than wait for credentials to expire.
"""
from __future__ import absolute_import

import calendar
import contextlib
import re
import threading
import time

import mangrove._compat


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
def _clock_in(name, clock):
    """``clock`` in place of ``mangrove._compat.<name>`` for the block."""
    saved = getattr(mangrove._compat, name)
    setattr(mangrove._compat, name, clock)
    try:
        yield clock
    finally:
        setattr(mangrove._compat, name, saved)


def manual_clock(start=1000.0):
    """Put a :class:`ManualClock` under :func:`mangrove._compat.now`."""
    return _clock_in('_clock', ManualClock(start))


def manual_wall_clock():
    """Put a :class:`ManualClock` under :func:`mangrove._compat.wall_time`,
    started at the real time: credentials the moto server gives (expiring
    ``DurationSeconds`` from its real time) are as fresh by it as they are
    in fact, until the test moves it on."""
    return _clock_in('_wall_clock', ManualClock(time.time()))


_EXPIRATION = re.compile(
    br'<Expiration>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z</Expiration>')


def expiring_on(clock):
    """A rewrite for the loopback proxy's STS answers
    (``proxy.rewrite['AssumeRole'] = expiring_on(clock)``): their
    ``Expiration`` moved on as far as ``clock`` (a
    :func:`manual_wall_clock`) is ahead of the real time, as if the moto
    server's clock had moved with it. Credentials then expire ``duration``
    seconds after the moment the test's clock says they were given, not
    when the real clock did: without it, those given after an advance
    would be as near their expiry as the ones they replace."""
    def rewrite(payload):
        shift = clock() - time.time()

        def moved(match):
            given = calendar.timegm(time.strptime(
                match.group(1).decode('ascii'), '%Y-%m-%dT%H:%M:%S'))
            given += float(match.group(2) or 0) + shift
            whole = int(given)
            return ('<Expiration>%s.%03dZ</Expiration>' % (
                time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(whole)),
                int((given - whole) * 1000))).encode('ascii')
        return _EXPIRATION.sub(moved, payload)
    return rewrite


@contextlib.contextmanager
def credentials_clock(proxy):
    """:func:`manual_wall_clock`, with the AssumeRole answers that pass
    ``proxy`` (a :class:`bed.proxy.LoopbackProxy`) put on it (see
    :func:`expiring_on`): a test moves it on past the margin or the expiry
    of an account pool's credentials."""
    with manual_wall_clock() as clock:
        proxy.rewrite['AssumeRole'] = expiring_on(clock)
        try:
            yield clock
        finally:
            proxy.rewrite.pop('AssumeRole', None)
