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

import importlib
import sys


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


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError('module %r has no attribute %r'
                             % (__name__, name))
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


if sys.version_info < (3, 7):
    for _name in sorted(_LAZY):
        __getattr__(_name)
