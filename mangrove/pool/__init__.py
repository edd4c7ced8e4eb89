# -*- coding: utf-8 -*-
"""
The pools: one connection per region for a service, and several services.

:class:`ServicePool` (:mod:`mangrove.pool.service`) holds one boto
connection per region of one service; :class:`ServiceMixinPool`
(:mod:`mangrove.pool.mixin`) holds a ``ServicePool`` per service of its
``services`` class attribute. Both are here, where the seed README imports
them from::

    >>> from mangrove.pool import ServicePool, ServiceMixinPool
"""
from __future__ import absolute_import

import importlib
import sys


__all__ = ['ServicePool', 'ServiceMixinPool', 'map_pools']


# The names below load on first use (PEP 562), so that importing mangrove.pool
# loads only what is used. Python 2.7 and 3.6 have no module __getattr__:
# there they load now.
_LAZY = {
    'ServicePool': 'mangrove.pool.service',
    'ServiceMixinPool': 'mangrove.pool.mixin',
    'map_pools': 'mangrove.pool.joint',
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
