# -*- coding: utf-8 -*-
"""
The regions a pool's service offers, and the seed's two hooks behind them.

A :class:`~mangrove.pool.service.ServicePool` asks its service two things,
through methods a subclass may override (the seed README's hooks):
``_get_module_regions()`` lists the service's regions and
``_connect_module_to_region(region_name)`` opens a connection to one.
:class:`ServiceRegions` holds those hooks and what the pool builds on
them: which service a name means, the key a region is kept under (a global
service's endpoint for any of its names), the regions enabled for the
account, and the check of the regions a caller asks for.
"""
from __future__ import absolute_import

import six

from mangrove import catalog
from mangrove.catalog import ALL_PARTITIONS
from mangrove.exceptions import InvalidServiceError, UnknownRegionError, \
    rephrase
from mangrove.optin import ENABLED, enabled_regions
from mangrove.regions import region_key, region_name, unknown_region
from mangrove.registry import ServiceSpec

__all__ = ['ServiceRegions', 'canonical_key']


def canonical_key(backend, spec, key):
    """The key region ``key`` is kept under in a pool of service ``spec``
    (``'universal'``, ``'us_east_1'`` -> ``'aws_global'`` for IAM).

    A function, not a method: the regions mapping uses it without holding
    the pool.
    """
    return region_key(backend.canonical_region(spec, region_name(key)))


class ServiceRegions(object):
    """The seed's hooks and the regions a pool's service offers.

    A base of :class:`~mangrove.pool.service.ServicePool`, which sets
    ``backend``, ``_spec`` (what :meth:`_resolve_spec` returned),
    ``_decl`` and ``_connect_kwargs`` before asking for regions.
    """

    # -- the seed's hooks -----------------------------------------------------

    def _connect_module_to_region(self, region_name):
        """Open and return the boto connection to one region.

        Override it to change how this pool connects; return a connection
        object (never None).

        :param region_name: the AWS form, such as ``'us-east-1'``.
        :type region_name: str
        """
        return self.backend.connect(self._spec, region_name,
                                    self._connect_kwargs,
                                    endpoint_url=self._decl.endpoint_url)

    def _get_module_regions(self):
        """List the regions this pool's service can connect to.

        Override it to change which regions ``regions=None`` means; return
        region names (or boto ``RegionInfo`` objects).

        :rtype: list
        """
        return self.backend.regions(self._spec, self._decl.partition)

    def _overrides(self, *names):
        # Compare functions: on Python 2 each class attribute read makes a
        # new unbound method, so the methods themselves never compare same.
        unbound = six.get_unbound_function
        return all(unbound(getattr(type(self), name)) is not
                   unbound(getattr(ServiceRegions, name)) for name in names)

    # -- the service and its regions ------------------------------------------

    def _resolve_spec(self, name):
        """The :class:`~mangrove.registry.ServiceSpec` of service ``name``."""
        try:
            return self.backend.service(name)
        except InvalidServiceError as exc:
            # A service boto has no module for is fine when the subclass
            # says itself how to list and connect its regions.
            if self._overrides('_connect_module_to_region',
                               '_get_module_regions'):
                return ServiceSpec(name, None, type(self).__name__, name,
                                   name, ())
            raise rephrase(exc, type(self).__name__)

    def _known_regions(self):
        return [getattr(region, 'name', region)
                for region in self._get_module_regions()]

    def _canonical_key(self, key):
        """The key a region is kept under (see :func:`canonical_key`)."""
        return canonical_key(self.backend, self._spec, key)

    def _enabled_keys(self):
        """The keys of the service's regions enabled for the pool's
        credentials (EC2's ``DescribeRegions`` says which)."""
        enabled = set(enabled_regions(
            self.backend, self._connect_kwargs, self._decl.partition,
            self._decl.endpoint_url))
        return [region_key(name) for name in self._known_regions()
                if name in enabled or catalog.partition_of(name) is None]

    def _checked_regions(self, keys):
        """The pool's region keys: ``keys`` checked against the service's
        regions, or all of them when ``keys`` is None.

        :raises UnknownRegionError: the service has no region of ``keys``.
        """
        if keys == ENABLED:
            keys = self._enabled_keys()
        elif keys is not None:
            canonical = []
            for key in (self._canonical_key(k) for k in keys):
                if key not in canonical:
                    canonical.append(key)
            keys = canonical
        if keys is not None and self._decl.endpoint_url is not None:
            # A custom endpoint may serve any region name it likes.
            return list(keys)
        if keys is not None and self._decl.partition is None and \
                not self._overrides('_get_module_regions'):
            # Named regions may come from any partition; only "every
            # region" means the default one.
            known = [region_key(name) for name in self.backend.regions(
                self._spec, ALL_PARTITIONS)]
        else:
            known = [region_key(name) for name in self._known_regions()]
        if keys is None:
            return known
        known_set = set(known)
        for key in keys:
            if key not in known_set:
                where = self._spec.name + (
                    ' in partition %r' % self._decl.partition
                    if self._decl.partition else '')
                # A global service's other names are valid too.
                aliases = [region_key(a)
                           for a in self.backend.aliases(self._spec)]
                raise unknown_region(
                    UnknownRegionError, '%s: service %s has no region %r' % (
                        type(self).__name__, where, region_name(key)),
                    region_name(key), known + aliases, 'valid regions',
                    as_names=True)
        return list(keys)
