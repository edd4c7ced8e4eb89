# -*- coding: utf-8 -*-
"""
What a region's fan-out tasks take, so that the next fan-out starts the
slowest first.

A fan-out's threads do not put their requests on the wire at one instant:
each request costs the client some CPU first (about half a millisecond for
boto 2 to sign and send a small one), under the GIL, one thread after
another. Over every EC2 region that is 20 ms or more between the first
request and the last; if the last one started is the region with the
longest round trip, the whole fan-out waits that much longer than its
slowest region needs. Started slowest first (the longest-first rule of
scheduling), the long round trips are on the wire while the client works
on the short ones: ``benchmarks/fanout.py`` measured 1.08x the slowest
region in pool order and 1.00x slowest first, over 38 regions.

Each region remembers a moving average of what its tasks took (round trip,
connection building, the user's own function, throttling backoff: all of
it delays the fan-out alike) in its
:class:`~mangrove.pool.lifecycle.RegionConnection`. A fan-out task that knows
its region carries :attr:`RegionTask.expected_seconds`;
:func:`~mangrove.fanout.order.start_order` puts the regions never measured
first (they may be the slowest, and have a connection to build), then the
others longest first. Results keep the pool's order whatever the order of
starting.
"""
from __future__ import absolute_import

from mangrove._compat import now
from mangrove.fanout.order import start_order
from mangrove.pool.proxy import region_connection

__all__ = ['RegionTask', 'observe', 'start_order']

#: Weight of the newest task's time in a region's moving average: recent
#: enough to follow a region that became slow, steady enough that one slow
#: answer does not reorder every fan-out.
WEIGHT = 0.5


class RegionTask(object):
    """``task()`` calls ``func(proxy)`` and records, in the proxy's region,
    how long it took.

    :ivar expected_seconds: what this region's tasks took lately (a moving
        average), or None when it has not run one in this pool yet.
    """

    __slots__ = ('func', 'proxy')

    def __init__(self, func, proxy):
        self.func, self.proxy = func, proxy

    def __call__(self):
        return timed(self.func, self.proxy)

    @property
    def expected_seconds(self):
        return region_connection(self.proxy).seconds


def timed(func, proxy):
    """``func(proxy)``, its time recorded in the proxy's region whether it
    returns or raises (a region that fails slowly is slow all the same)."""
    started = now()
    try:
        return func(proxy)
    finally:
        observe(region_connection(proxy), now() - started)


def observe(region, seconds):
    """Add one task's ``seconds`` to ``region``'s moving average.

    Threads of two fan-outs may record at once; either value is a fair
    estimate, and an attribute write cannot tear, so there is no lock.
    """
    last = region.seconds
    region.seconds = seconds if last is None else \
        last + WEIGHT * (seconds - last)
