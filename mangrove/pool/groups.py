# -*- coding: utf-8 -*-
"""
A multi-service pool seen region by region.

``mixin_pool.regions`` maps each region any of its services has to a
:class:`RegionGroup`: one object per region whose attributes are that
region's connection of each service (``group.elb``, ``group.cloudwatch``),
so code that pairs services by region (each load balancer with the
CloudWatch of its own region) reads as such::

    for key, group in pool.regions.items():
        for balancer in group.elb.get_all_load_balancers():
            group.cloudwatch.get_metric_statistics(...)

``pool.regions.map(func)`` (also ``pool.map_regions(func)``) runs
``func(group)`` once per region, all regions at once, with results keyed
by region.
"""
from __future__ import absolute_import

import collections
import functools

from mangrove._compat import Mapping
from mangrove.exceptions import (
    NotConnectedError, RegionAttributeError, RegionNotInPoolError,
    ServiceAttributeError, not_one_of, rephrase, wrong_type)
from mangrove.fanout import engine as fanout
from mangrove.regions import region_key, region_name, unknown_region

__all__ = ['RegionGroup', 'RegionGroups']


class RegionGroup(object):
    """One region of a multi-service pool: each service's connection there.

    ``group.<service>`` is that service's
    :class:`~mangrove.pool.proxy.RegionProxy` for this region (``group.ec2``,
    ``group.cognito_identity``). A service of the pool that lacks this
    region raises a :class:`~mangrove.exceptions.RegionAttributeError`
    saying so; :attr:`services` holds only the services that have it.
    """

    __slots__ = ('_mixin', '_key')

    def __init__(self, mixin, key):
        self._mixin = mixin
        self._key = key

    @property
    def region_key(self):
        """This region's key, such as ``'us_east_1'``."""
        return self._key

    @property
    def region_name(self):
        """This region's AWS name, such as ``'us-east-1'``."""
        return region_name(self._key)

    @property
    def services(self):
        """Service attribute name -> this region's proxy, for each service
        of the pool that has this region, in the pool's order.

        :rtype: :class:`collections.OrderedDict`
        """
        return collections.OrderedDict(
            (attr, pool.regions[self._key])
            for attr, pool in self._mixin.services.items()
            if self._key in pool.regions)

    def __getattr__(self, attr):
        if attr.startswith('_'):
            raise AttributeError(attr)
        pools = self._mixin.services
        pool = pools.get(attr)
        if pool is None:
            raise not_one_of(
                ServiceAttributeError, '%s has no service %r'
                % (type(self._mixin).__name__, attr), attr, list(pools),
                'its services')
        try:
            return pool.regions[self._key]
        except RegionNotInPoolError as exc:
            raise rephrase(exc, 'service %s of %s lacks region %s' % (
                attr, type(self._mixin).__name__, self._key),
                RegionAttributeError)

    def __contains__(self, service):
        return service in self.services

    def __dir__(self):
        return sorted(set(self.services) | set(
            ['region_key', 'region_name', 'services']))

    def __repr__(self):
        return '<RegionGroup %s: %s>' % (
            self._key, ', '.join(self.services) or 'no service')

    def __eq__(self, other):
        return isinstance(other, RegionGroup) and \
            (other._mixin, other._key) == (self._mixin, self._key)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((id(self._mixin), self._key))


class RegionGroups(Mapping):
    """A multi-service pool's regions: region key -> :class:`RegionGroup`.

    Its keys are every region any service of the pool has, in the order
    the services list them; a name is accepted in either form
    (``groups['us-east-1']``, ``groups.us_east_1``).
    """

    __slots__ = ('_mixin',)

    def __init__(self, mixin):
        self._mixin = mixin

    def _keys(self):
        keys = collections.OrderedDict()
        for pool in self._mixin.services.values():
            for key in pool.regions:
                keys[key] = None
        return list(keys)

    def resolve(self, name):
        """The key of region ``name`` (either form) if a service has it.

        :raises RegionNotInPoolError: no service of the pool has it (with a
            did-you-mean).
        :raises InvalidArgumentTypeError: ``name`` is not a string.
        """
        keys = self._keys()
        key = region_key(name)
        if key not in keys:
            raise unknown_region(
                RegionNotInPoolError, '%s: no service has region %r'
                % (type(self._mixin).__name__, name), name, keys,
                'its regions')
        return key

    def __getitem__(self, name):
        return RegionGroup(self._mixin, self.resolve(name))

    def __getattr__(self, attr):
        if attr.startswith('_'):
            raise AttributeError(attr)
        try:
            return self[attr]
        except (RegionNotInPoolError, ValueError, TypeError) as exc:
            raise rephrase(exc, None, RegionAttributeError)

    def __contains__(self, name):
        try:
            self.resolve(name)
        except (RegionNotInPoolError, ValueError, TypeError):
            return False
        return True

    def __iter__(self):
        return iter(self._keys())

    def __len__(self):
        return len(self._keys())

    def __dir__(self):
        return sorted(set(self._keys()) | set(
            ['get', 'items', 'keys', 'values', 'map']))

    def __repr__(self):
        keys = self._keys()
        shown = ', '.join(keys[:6]) + (', ...' if len(keys) > 6 else '')
        return '<RegionGroups %s: %d region%s (%s)>' % (
            type(self._mixin).__name__, len(keys),
            '' if len(keys) == 1 else 's', shown)

    def map(self, func, regions=None, max_workers=None, timeout=None,
            on_result=None):
        """Run ``func(group)`` once per region, every region at once.

        :param func: called with each region's :class:`RegionGroup`.
        :param regions: only these regions (either form); each must be a
            region of at least one service.
        :param max_workers: at most this many threads (default
            ``min(32, regions)``).
        :param timeout: seconds after which the call returns.
        :param on_result: called as ``on_result(region_key, result, error)``
            as each region finishes.
        :rtype: :class:`~mangrove.fanout.results.RegionResults` keyed by
            region.
        """
        if not callable(func):
            raise wrong_type('func', 'callable, such as lambda group: '
                             'group.elb.get_all_load_balancers()', func)
        if regions is None:
            keys = self._keys()
        else:
            keys = []
            for name in _names(regions):
                key = self.resolve(name)
                if key not in keys:
                    keys.append(key)
        if not self._mixin.connected:
            raise NotConnectedError(
                '%s is not connected: call .connect() first (or build it '
                'with connect=True)' % type(self._mixin).__name__)
        return fanout.fan_out(
            [(key, functools.partial(func, RegionGroup(self._mixin, key)))
             for key in keys],
            max_workers=max_workers, timeout=timeout, on_result=on_result)


def _names(regions):
    if isinstance(regions, (list, tuple, set, frozenset)):
        return list(regions)
    raise wrong_type('regions', 'a list of region names or None', regions)
