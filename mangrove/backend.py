# -*- coding: utf-8 -*-
"""
The boto seam: everything mangrove knows about classic boto lives here.

A pool asks its backend three questions: which regions a service has, and
how to open a connection to one of them (and, for fan-out, nothing more).
Keeping them behind one small object means the pools, mappings and fan-out
never import boto, and a backend over another client library can answer the
same questions.

boto's service modules are imported on first use, so ``import mangrove``
costs less than ``import boto``.
"""
from __future__ import absolute_import

import importlib
import inspect
import logging
import threading

import six

from mangrove import catalog, compat
from mangrove.exceptions import UnknownRegionError
from mangrove.regions import region_key, suggest

log = logging.getLogger(__name__)

# Transport keywords that some boto connection classes do not take
# (Route53Connection is always secure and has no ``is_secure``). A pool that
# spans services passes the same keywords to all of them, so such a keyword
# is left out for the classes that cannot use it instead of failing.
_TRANSPORT_KEYWORDS = frozenset([
    'is_secure', 'port', 'proxy', 'proxy_port', 'proxy_user', 'proxy_pass',
    'https_connection_factory', 'validate_certs', 'path', 'debug',
    'security_token', 'profile_name'])


def _accepted_keywords(connection_cls):
    """The keyword names a connection class's constructor takes, or None
    when it takes any (``**kwargs``)."""
    init = connection_cls.__init__
    if six.PY2:
        spec = inspect.getargspec(init)
        return None if spec.keywords else frozenset(spec.args)
    params = inspect.signature(init).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params)


class BotoBackend(object):
    """Connects :class:`~mangrove.registry.ServiceSpec` services through
    classic boto (2.49).

    One instance is shared by every pool; it only caches facts that never
    change in a process (boto's region lists, constructor signatures).
    """

    name = 'boto'

    def __init__(self):
        self._boto_regions = {}
        self._keywords = {}
        self._lock = threading.Lock()

    def load(self, spec):
        """Import and return the boto module that serves ``spec``.

        :type spec: :class:`~mangrove.registry.ServiceSpec`
        :rtype: module
        """
        compat.install()
        return importlib.import_module(spec.module)

    def boto_regions(self, spec):
        """boto's own ``RegionInfo`` objects for ``spec``, by region name.

        :rtype: dict
        """
        regions = self._boto_regions.get(spec.module)
        if regions is None:
            infos = self.load(spec).regions()
            regions = dict((info.name, info) for info in infos)
            with self._lock:
                self._boto_regions[spec.module] = regions
        return regions

    def regions(self, spec, partition=None):
        """Every region name ``spec`` can be connected to: the region
        catalog's, then those only boto knows, narrowed to ``partition``.

        :param partition: ``'aws'``, ``'aws-cn'``, ``'aws-us-gov'`` or None
            for all of them.
        :rtype: list of str
        """
        names = catalog.regions(spec.endpoint_prefix, partition)
        known = set(names)
        extra = sorted(name for name in self.boto_regions(spec)
                       if name not in known)
        for name in extra:
            # boto's 'universal' endpoints (IAM, Route 53) are commercial.
            owner = catalog.partition_of(name) or 'aws'
            if partition is None or owner == partition:
                names.append(name)
        return names

    def connect(self, spec, region_name, kwargs, endpoint_url=None):
        """Open a boto connection to one region of ``spec``.

        This is the only place a connection is created.

        :param region_name: the AWS form (``'us-east-1'``).
        :param kwargs: keywords for boto's ``connect_to_region``.
        :raises UnknownRegionError: neither boto nor the catalog knows the
            region for this service.
        """
        module = self.load(spec)
        kwargs = self._keywords_for(spec, kwargs)
        if region_name in self.boto_regions(spec):
            conn = module.connect_to_region(region_name, **kwargs)
        else:
            conn = self._connect_catalog_region(spec, region_name, kwargs)
        if conn is None:
            # boto answers None for a region it does not know; never let
            # that reach a pool.
            valid = self.regions(spec)
            raise UnknownRegionError(
                'service %r has no region %r%s (valid regions: %s)'
                % (spec.name, region_name,
                   suggest(region_key(region_name),
                           [region_key(v) for v in valid]),
                   ', '.join(valid)))
        return conn

    def _connect_catalog_region(self, spec, region_name, kwargs):
        """Connect a region boto 2.49 does not know, at the catalog's host."""
        host = catalog.hostname(spec.endpoint_prefix, region_name)
        template = next(iter(self.boto_regions(spec).values()), None)
        if host is None or template is None:
            return None
        info = type(template)(name=region_name, endpoint=host,
                              connection_cls=template.connection_cls)
        return info.connect(**kwargs)

    def _keywords_for(self, spec, kwargs):
        if not kwargs:
            return kwargs
        info = next(iter(self.boto_regions(spec).values()), None)
        cls = getattr(info, 'connection_cls', None)
        if cls is None:
            return kwargs
        accepted = self._keywords.get(cls)
        if accepted is None:
            accepted = _accepted_keywords(cls) or False
            self._keywords[cls] = accepted
        if accepted is False:
            return kwargs
        dropped = [k for k in kwargs
                   if k in _TRANSPORT_KEYWORDS and k not in accepted]
        if not dropped:
            return kwargs
        log.debug('%s does not take %s; left out for %s', cls.__name__,
                  ', '.join(sorted(dropped)), spec.name)
        return dict((k, v) for k, v in kwargs.items() if k not in dropped)


#: The backend every pool uses unless a subclass sets its own.
boto_backend = BotoBackend()
