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

from mangrove._compat import lazy_names

__all__ = ['fan_out', 'iter_fan_out', 'Outcome', 'RegionResults',
           'format_key', 'DEFAULT_MAX_WORKERS', 'carry']


# The names below load on first use (PEP 562), so that importing
# mangrove.fanout loads only what is used. Python 2.7 and 3.6 have no module
# __getattr__: there they load now.
_LAZY = {
    'fan_out': 'mangrove.fanout.engine',
    'iter_fan_out': 'mangrove.fanout.engine',
    'Outcome': 'mangrove.fanout.engine',
    'RegionResults': 'mangrove.fanout.engine',
    'format_key': 'mangrove.fanout.engine',
    'DEFAULT_MAX_WORKERS': 'mangrove.fanout.engine',
    'carry': 'mangrove.fanout.engine',
}

__getattr__, __dir__ = lazy_names(globals(), _LAZY)
