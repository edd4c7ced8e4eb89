# -*- coding: utf-8 -*-
"""
Running many calls at once: the fan-out engine and what it hands back.

This wing holds the threads (:mod:`mangrove.fanout.threads`), the start
order (:mod:`mangrove.fanout.order`), the stats, the results and their keys,
and the executors that run a fan-out's tasks in other processes or on a
cluster (:mod:`mangrove.fanout.executors`, :mod:`mangrove.fanout.worker`).
The names a user reaches for are here::

    >>> from mangrove.fanout import fan_out, iter_fan_out, RegionResults
"""
from __future__ import absolute_import

from mangrove.fanout.engine import (  # noqa: F401
    DEFAULT_MAX_WORKERS, Outcome, RegionResults, carry, fan_out, format_key,
    iter_fan_out)

__all__ = ['fan_out', 'iter_fan_out', 'Outcome', 'RegionResults',
           'format_key', 'DEFAULT_MAX_WORKERS', 'carry']
