# -*- coding: utf-8 -*-
"""
:class:`ServiceMixinPool`: several services at once, a
:class:`~mangrove.pool.service.ServicePool` each.

The services come from a ``services`` class attribute (see
:mod:`mangrove.pool.declaration`); each is built by
:meth:`~mangrove.pool.service.ServicePool.from_declaration` and shown as
``<ServicePool S3>``.
"""
from __future__ import absolute_import

import collections

from mangrove import backends, credentials
from mangrove.credentials import LiveCredentials
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, InvalidDeclarationError,
    InvalidServiceError, rephrase)
from mangrove.fork import ForkSafeLock
from mangrove.pool import declaration
from mangrove.pool.base import (
    BasePool, attribute_name as _attribute_name, grouped_by_first,
    lookup_tasks)
from mangrove.pool.client import pool_class
from mangrove.pool.declaration import check_bool
from mangrove.pool.groups import RegionGroups
from mangrove.regions import region_list


class ServiceMixinPool(LiveCredentials, BasePool):
    """A pool of several services, each a :class:`ServicePool`.

    Subclass it and declare the services::

        class WebPool(ServiceMixinPool):
            services = {
                'ec2': {'regions': ['us-east-1', 'eu-west-1'],
                        'default_region': 'eu-west-1'},
                's3': {'regions': '*', 'default_region': 'eu-west-1'},
                'sqs': {},    # every region, no default
            }

    Each service is an attribute (``pool.ec2``) and an entry of
    ``pool.services``. A mixin pool is a context manager, like a
    :class:`ServicePool`.

    :param connect: connect every service now.
    :param regions: replaces every service's declared regions.
    :param aws_access_key_id: passed to every service.
    :param aws_secret_access_key: passed to every service; never shown.
    :param endpoint_url: used by every service that declares none.
    :param partition: the partition every service's "every region" means
        (``'aws'`` by default, ``'all'`` for every one).
    :param credential_source: a callable returning credentials, for every
        service (see :meth:`ServicePool.update_credentials`).
    :param backend: ``'boto3'`` for boto3 clients in every service that
        names no backend of its own (``{'sqs': {'backend': 'boto'}}``), or
        ``'boto'`` (the default): one pool may mix both. A
        :class:`~mangrove.backends.Backend` is taken too; on the pool,
        ``backend`` is always the backend object, ``backend_name`` its
        name.
    :param connect_kwargs: passed to boto for every service and region
        (classic boto's transport keywords to classic pools, boto3's, such
        as ``config``, to boto3 pools).
    """

    #: The services: ``{name: options}`` (see
    #: :mod:`mangrove.pool.declaration`).
    services = None

    #: The backend of services that name none: ``'boto'``, ``'boto3'``,
    #: a :class:`~mangrove.backends.Backend`, or None for classic boto. On
    #: a pool, the backend object.
    backend = None

    def __init__(self, connect=False, regions=None, aws_access_key_id=None,
                 aws_secret_access_key=None, endpoint_url=None,
                 partition=None, credential_source=None, backend=None,
                 **connect_kwargs):
        check_bool('connect', connect)
        self.backend = backends.resolve(
            backend if backend is not None else type(self).backend)
        decls = declaration.services_declaration(type(self))
        self._common = dict(connect_kwargs,
                            aws_access_key_id=aws_access_key_id,
                            aws_secret_access_key=aws_secret_access_key,
                            endpoint_url=endpoint_url, partition=partition,
                            credential_source=credential_source)
        self._regions_override = declaration.parse_regions(regions)
        pools = collections.OrderedDict()
        for name, decl in decls.items():
            attr = _attribute_name(name)
            pool = self._make_pool(decl)
            twice = self._find(pool.service_name, pools)
            if twice is not None:
                raise InvalidDeclarationError(
                    '%s.services declares service %s twice (as %r and %r)'
                    % (type(self).__name__, pool.service_name, twice, name))
            pools[attr] = pool
        self._lock = ForkSafeLock()
        self._connected = False
        self._set_services(pools)
        if connect:
            self.connect()

    def _make_pool(self, decl, use_override=True):
        """The one way a member pool is built: from its declaration."""
        backend = backends.resolve(decl.backend or self.backend)
        try:
            backend.service(decl.service)
        except InvalidServiceError as exc:
            raise rephrase(exc, '%s.services' % type(self).__name__)
        options = backend.keywords(self._common)
        if use_override and self._regions_override is not None:
            options['regions'] = self._regions_override
        for key in ('endpoint_url', 'partition'):
            # What the service declares wins over the pool's argument.
            if getattr(decl, key) is not None:
                options.pop(key)
        try:
            return pool_class(backend).from_declaration(decl, **options)
        except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
            # The member pool's message names ServicePool; say which class
            # declared the service.
            raise rephrase(exc, '%s (service %r)'
                           % (type(self).__name__, decl.service))

    @staticmethod
    def _find(service_name, pools):
        """The attribute of the pool serving ``service_name``, or None."""
        for attr, pool in pools.items():
            if pool.service_name == service_name:
                return attr
        return None

    def _set_services(self, pools):
        for attr, pool in pools.items():
            setattr(self, attr, pool)
        self.services = pools

    @property
    def connected(self):
        """Whether :meth:`connect` has been called (and not :meth:`close`)."""
        return self._connected

    @property
    def backend_name(self):
        """The name of the backend of services that name none: ``'boto'``
        or ``'boto3'``."""
        return self.backend.name

    def connect(self):
        """Connect every service of the pool.

        :return: the pool itself.
        """
        # Set before connecting, together with the list of services, so
        # that an add_service racing with this call either is in the list
        # or sees the flag and connects its own service.
        with self._lock:
            was_connected, self._connected = self._connected, True
            pools = list(self.services.values())
        try:
            for pool in pools:
                pool.connect()
        except Exception:
            if not was_connected:
                with self._lock:
                    self._connected = False
            raise
        return self

    def add_service(self, name, regions=None, default_region=None,
                    connect=None, endpoint_url=None, partition=None,
                    backend=None):
        """Add a service to the pool.

        :param name: a service name or alias (``'sns'``, ``'lambda'``);
            a service the pool has under any name is not added twice.
        :param regions: its regions (default: the pool's constructor
            regions, else every region).
        :param default_region: its default region.
        :param connect: connect it now; None follows the pool (connected if
            the pool's ``connect()`` has run).
        :param backend: ``'boto'`` or ``'boto3'`` (or a
            :class:`~mangrove.backends.Backend`); None for the pool's.
        :return: the service's pool (the existing one if already there).
        :rtype: :class:`ServicePool`
        """
        if connect is not None:
            check_bool('connect', connect)
        chosen = self.backend if backend is None else \
            backends.resolve(backend)
        spec = chosen.service(name)
        attr = _attribute_name(name)
        existing = self._find(spec.name, self.services)
        if existing is not None:
            return self.services[existing]
        decl = declaration.parse_options(type(self), name, {
            'regions': regions, 'default_region': default_region,
            'endpoint_url': endpoint_url, 'partition': partition,
            'backend': None if backend is None else chosen.name})
        pool = self._make_pool(decl, use_override=regions is None)
        while True:
            if (self._connected if connect is None else connect) and \
                    not pool.connected:
                pool.connect()
            with self._lock:
                existing = self._find(spec.name, self.services)
                if existing is not None:
                    pool.close()
                    return self.services[existing]
                if connect is None and self._connected and \
                        not pool.connected:
                    # connect() ran meanwhile without this service: connect
                    # it before anyone can see it.
                    continue
                pools = collections.OrderedDict(self.services)
                pools[attr] = pool
                self._set_services(pools)
            return pool

    def map(self, func, services=None, regions=None, max_workers=None,
            timeout=None, on_result=None, retry=None, executor=None):
        """Run ``func(region_proxy)`` for every region of every service at
        once; results are keyed by ``(service, region_key)``.

        :param services: only these services (default all).
        :param regions: only these regions (either form) of each service;
            a service without one of them is skipped for it, but a region
            none of the services has is an error.
        :param max_workers: at most this many threads.
        :param timeout: seconds after which the call returns.
        :param on_result: called as ``on_result((service, region_key),
            result, error)`` as each task finishes.
        :param retry: how throttling errors are retried (a
            :class:`~mangrove.throttling.RetryPolicy`).
        :param executor: where the fan-out runs, as for
            :meth:`ServicePool.map <mangrove.pool.service.ServicePool.map>`;
            each service's regions travel as a group of their own.
        :rtype: :class:`~mangrove.fanout.RegionResults`
        :raises RegionNotInPoolError: a region of ``regions`` that none of
            the services has (with a did-you-mean).
        """
        return self._map(func, {'services': services, 'regions': regions},
                         max_workers, timeout, on_result, retry, executor)

    def iter_map(self, func, services=None, regions=None, max_workers=None,
                 timeout=None, retry=None):
        """``map``, yielding each ``(service, region_key)``'s
        :class:`~mangrove.fanout.threads.Outcome` as it finishes (see
        :func:`~mangrove.fanout.iter_fan_out`).

        :rtype: iterator of :class:`~mangrove.fanout.threads.Outcome`
        """
        return self._iter_map(func, {'services': services,
                                     'regions': regions},
                              max_workers, timeout, retry)

    def _keys(self, services=None, regions=None):
        names = region_list(regions)
        attrs = self._service_list(services)
        self._check_region_names(names, attrs, self.services,
                                 type(self).__name__)
        keys = []
        for attr in attrs:
            mapping = self.services[attr].regions
            seen = set()
            for name in list(mapping) if names is None else \
                    [name for name in names if name in mapping]:
                key = mapping[name].region_key
                if key not in seen:
                    seen.add(key)
                    keys.append((attr, key))
        return keys

    def chunk_tasks(self, func, keys):
        return lookup_tasks(func, keys, lambda key: self.services[key[0]]
                            .regions[key[1]])

    def chunk_groups(self, keys=None):
        return grouped_by_first(self._keys() if keys is None else keys)

    def _parts(self):
        # Not connected from here on: a service added meanwhile stays
        # unconnected.
        with self._lock:
            self._connected = False
            return list(self.services.values())

    def _narrow_to_method(self, method, options):
        # Only the services that have the method, or every one named.
        chosen = options.pop('services', None)
        attrs = self._service_list(chosen)
        if self._connected:
            attrs = self._services_having(
                method, [(attr, self._first_connection(attr))
                         for attr in attrs], chosen is not None,
                lambda lacking: '%s service%s %s' % (
                    type(self).__name__, '' if len(lacking) == 1 else 's',
                    ', '.join(lacking)))
        return dict(options, services=attrs)

    def _first_connection(self, attr):
        # None for a service without regions: nothing to ask it anyway.
        regions = self.services[attr].regions
        return next(iter(regions.values())).connection if len(regions) \
            else None

    @property
    def regions(self):
        """The pool region by region: a
        :class:`~mangrove.pool.groups.RegionGroups` of region key to
        :class:`~mangrove.pool.groups.RegionGroup`, whose attributes are
        each service's connection for that region
        (``pool.regions['us_east_1'].elb``)."""
        return RegionGroups(self)

    def map_regions(self, func, regions=None, max_workers=None,
                    timeout=None, on_result=None):
        """Run ``func(group)`` once per region, every region at once, with
        each region's :class:`~mangrove.pool.groups.RegionGroup`; results
        are keyed by region. See :meth:`RegionGroups.map
        <mangrove.pool.groups.RegionGroups.map>`.

        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        return self.regions.map(func, regions=regions,
                                max_workers=max_workers, timeout=timeout,
                                on_result=on_result)

    _fanout_options = ('services', 'regions') + BasePool._OPTIONS

    def _built_connections(self):
        return ()

    def _remember_credentials(self, fresh, source):
        # What services added later are built with.
        self._common = credentials.as_keywords(
            dict(self._common, credential_source=source), fresh)

    def _apply_credentials(self, fresh, source):
        """Every service's pool takes them (the pool's lock is held)."""
        for pool in list(self.services.values()):
            pool.update_credentials(fresh.access_key, fresh.secret_key,
                                    fresh.token, fresh.expiry, source)

    def _service_list(self, services):
        return self._service_attrs(services, self.services,
                                   type(self).__name__)

    def __repr__(self):
        return '<%s: %s>' % (type(self).__name__, ', '.join(
            '%s (%d region%s)' % (attr, len(pool.regions),
                                  '' if len(pool.regions) == 1 else 's')
            for attr, pool in self.services.items()))

    def __getstate__(self):
        # A credential source may be a closure; the pickle keeps the
        # credentials it last gave instead (in each service's settings).
        common = dict(self._common, credential_source=None)
        return {'services': self.services, 'connected': self._connected,
                'common': common, 'backend': self._pickled_backend(),
                'regions_override': self._regions_override}

    def _pickled_backend(self):
        # A name, as earlier releases pickled it (and read it back); a
        # backend of another name travels as itself.
        name = self.backend.name
        if name in backends.NAMES and backends.named(name) is self.backend:
            return None if name == 'boto' else name
        return self.backend

    def __setstate__(self, state):
        self._lock = ForkSafeLock()
        self._common = state['common']
        # A name or None (what every release pickled), or a backend.
        self.backend = backends.resolve(state.get('backend'))
        self._regions_override = state['regions_override']
        self._connected = state['connected']
        self._set_services(state['services'])
