# -*- coding: utf-8 -*-
"""
The pools: one connection per region for a service, and several services.

:class:`ServicePool` (:mod:`mangrove.servicepool`) holds one boto
connection per region of one service; :class:`ServiceMixinPool`
(:mod:`mangrove.mixinpool`) holds a ``ServicePool`` per service of its
``services`` class attribute. Both are here, where the seed README imports
them from::

    >>> from mangrove.pool import ServicePool, ServiceMixinPool
"""
from __future__ import absolute_import

from mangrove.mixinpool import ServiceMixinPool
from mangrove.servicepool import ServicePool

__all__ = ['ServicePool', 'ServiceMixinPool']
