# -*- coding: utf-8 -*-
"""
The order in which a fan-out starts its tasks: the slowest first.

A fan-out's threads do not put their requests on the wire at one instant:
each request costs the client some CPU first, under the GIL, one thread
after another. Started slowest first (the longest-first rule of
scheduling), the long round trips are on the wire while the client works on
the short ones. A task that knows what it took lately says so in its
``expected_seconds`` (:class:`mangrove.pool.latency.RegionTask` does, from
its region's moving average); the engine reads nothing else of it, so this
module knows nothing of pools.
"""
from __future__ import absolute_import

__all__ = ['start_order']


def start_order(funcs):
    """The order in which to start tasks whose callables are ``funcs``:
    their indexes, those with no ``expected_seconds`` first (in their own
    order), then the others longest first (ties in their own order).

    :param funcs: the tasks' callables, in the fan-out's order.
    :rtype: list of int
    """
    expected = [getattr(func, 'expected_seconds', None) for func in funcs]
    return sorted(range(len(expected)), key=lambda index: (
        expected[index] is not None, -(expected[index] or 0.0), index))
