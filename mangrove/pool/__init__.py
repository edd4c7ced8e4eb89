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

from mangrove._compat import lazy_names

__all__ = ['ServicePool', 'ServiceMixinPool', 'map_pools']


# The names below load on first use (PEP 562), so that importing mangrove.pool
# loads only what is used. Python 2.7 and 3.6 have no module __getattr__:
# there they load now.
_LAZY = {
    'ServicePool': 'mangrove.pool.service',
    'ServiceMixinPool': 'mangrove.pool.mixin',
    'map_pools': 'mangrove.pool.joint',
}

__getattr__, __dir__ = lazy_names(globals(), _LAZY)
