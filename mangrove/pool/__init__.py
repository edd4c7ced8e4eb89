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

from mangrove.pool.joint import map_pools
from mangrove.pool.mixin import ServiceMixinPool
from mangrove.pool.service import ServicePool

__all__ = ['ServicePool', 'ServiceMixinPool', 'map_pools']
