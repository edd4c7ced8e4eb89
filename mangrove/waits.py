# -*- coding: utf-8 -*-
"""
Waits on a condition that Ctrl-C can end on every Python and that no
deadline, however far, overflows.

Python 2.7's untimed lock waits ignore Ctrl-C, and a timed wait longer than
the platform's lock timeout overflows it. Every wait of mangrove's threads
and of its callers is therefore made here, in short slices.
"""
from __future__ import absolute_import

import time

__all__ = ['now', 'wall_time', 'wait_until', 'SLICE']

# A monotonic clock (Python 2.7 has none: its wall clock then). Every
# deadline of mangrove's is reckoned on it, through now(), so that a test
# whose subject is the deadline arithmetic can put a clock of its own here
# and move time on when it chooses, rather than wait it out.
_clock = getattr(time, 'monotonic', time.time)


def now():
    """The time every deadline of mangrove's is reckoned in, in seconds
    (monotonic where the interpreter has such a clock).

    :rtype: float
    """
    return _clock()


# The wall clock credential expiries are compared with: they arrive as
# dates (STS's Expiration), so no monotonic clock will do. Kept here, apart
# from _clock, so that a test can move it on past an expiry rather than
# wait for credentials to expire (STS gives at least 15 minutes).
_wall_clock = time.time


def wall_time():
    """Seconds since the epoch, what credential expiries are reckoned in.

    :rtype: float
    """
    return _wall_clock()


#: The longest single wait: short, so that Ctrl-C is seen at once on Python
#: 2.7; long enough to cost nothing while it waits.
SLICE = 0.25


def wait_until(cond, ready, deadline=None):
    """Wait on ``cond`` (held by the caller) until ``ready()`` is true or
    ``deadline`` (a :func:`now` value; None: for ever) passes.

    :returns: whether ``ready()`` was true at the end.
    :rtype: bool
    """
    while not ready():
        wait = SLICE
        if deadline is not None:
            wait = min(wait, deadline - now())
            if wait <= 0:
                return False
        cond.wait(wait)
    return True
