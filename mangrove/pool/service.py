# -*- coding: utf-8 -*-
"""
:class:`ServicePool`: one connection per region for one service.

``ServicePool`` is abstract: a subclass names its service in a ``service``
class attribute (see :mod:`mangrove.pool.declaration`), and
:mod:`mangrove.services` has one for every service boto can connect to a
region. :meth:`ServicePool.from_declaration` builds a pool from a
declaration instead (what a :class:`~mangrove.pool.mixin.ServiceMixinPool`
does for each of its services).

Every connection is created by one method, :meth:`ServicePool._new_connection`,
which calls the ``_connect_module_to_region`` hook; the hooks and the
regions a service offers are :mod:`mangrove.pool.hooks`', the lifecycle
of each region's connection is :mod:`mangrove.pool.lifecycle`'s.
"""
from __future__ import absolute_import

import functools
import logging

from mangrove import backends, credentials
from mangrove.classic.backend import boto_backend
from mangrove.credentials import LiveCredentials
from mangrove.exceptions import (
    InvalidArgumentError, UnknownRegionError, name_list, wrong_type)
from mangrove.pool import declaration
from mangrove.pool import lifecycle
from mangrove.pool.base import BasePool, lookup_tasks
from mangrove.pool.calls import missing_attribute
from mangrove.pool.declaration import check_bool
from mangrove.pool.hooks import ServiceRegions, canonical_key
from mangrove.pool.mapping import RegionIndex, RegionMapping
from mangrove.pool.proxy import RegionProxy
from mangrove.regions import region_key, region_list, region_name

log = logging.getLogger(__name__)


def _build_connection(pool, region_name):
    # What lifecycle calls to build: the pool's one code path.
    return pool._new_connection(region_name)


def _adopt(pool, conn):
    # What lifecycle calls, under the pool's lock, as it installs a
    # connection: the one moment no credential change can slip past.
    if pool is not None:
        pool._adopt(conn)


class ServicePool(ServiceRegions, LiveCredentials, BasePool):
    """A pool of boto connections to the regions of one AWS service.

    What you do with a pool::

        from mangrove.services import Ec2Pool
        with Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1']) as ec2:
            ec2.regions.us_east_1.get_all_instances()  # one region, boto's API
            ec2.regions['eu-west-1']                   # either name form
            results = ec2.call('get_all_instances')    # every region at once
            results['us_east_1'], results.errors       # each region apart
            ec2.map(lambda region: region.host, timeout=10)
            ec2.add_region('ap-southeast-2')

    ``with`` closes its connections at the end (or call :meth:`close`).

    :mod:`mangrove.services` has a pool per boto service. For another one,
    subclass and name it in a ``service`` class attribute; constructor
    arguments override what it declares::

        class MyPool(ServicePool):
            service = 's3'  # or {'s3': {'regions': [...]}}

    :param connect: build the region connections now (otherwise call
        :meth:`connect` later).
    :type connect: bool
    :param regions: region names in either form (``'us-east-1'``,
        ``'us_east_1'``), ``'*'`` or None for every region the service knows.
    :type regions: list
    :param default_region: the region ``regions.default`` stands for.
    :type default_region: str
    :param aws_access_key_id: passed to boto (else boto's own lookup:
        environment, config file, instance role).
    :type aws_access_key_id: str
    :param aws_secret_access_key: passed to boto; never shown in a repr,
        message or log line.
    :type aws_secret_access_key: str
    :param endpoint_url: a URL used for every region instead of AWS's host
        names; ``{region}`` in it stands for the region name
        (``'http://127.0.0.1:4566'``). Its scheme and port win over
        ``is_secure``/``port``; requests are signed with Signature Version 4
        for each region; S3 goes path-style unless ``calling_format`` is
        given; no proxy is used unless ``proxy`` is passed.
    :type endpoint_url: str
    :param partition: the partition "every region" means: ``'aws'`` (the
        default), ``'aws-cn'``, ``'aws-us-gov'``, or ``'all'`` for every one.
    :type partition: str
    :param credential_source: a callable returning credentials, asked now
        and again when they are about to expire (see
        :meth:`update_credentials`).
    :type credential_source: callable
    :param connect_kwargs: every other keyword (``security_token``,
        ``profile_name``, ``is_secure``, ``port``, ``proxy``, ``proxy_port``,
        ``calling_format``, ``validate_certs``, ...) goes to boto's
        ``connect_to_region`` for every region.
    """

    #: The service this pool serves: a name, or ``{name: options}``.
    service = None

    #: What opens connections; the seam between mangrove and boto: a
    #: :class:`~mangrove.backends.Backend`, or its name (``'boto'``,
    #: ``'boto3'``). On a pool, always the backend object.
    backend = boto_backend

    def __init__(self, connect=False, regions=None, default_region=None,
                 aws_access_key_id=None, aws_secret_access_key=None,
                 endpoint_url=None, partition=None, credential_source=None,
                 **connect_kwargs):
        self._setup(declaration.service_declaration(type(self)), True,
                    connect=connect, regions=regions,
                    default_region=default_region,
                    aws_access_key_id=aws_access_key_id,
                    aws_secret_access_key=aws_secret_access_key,
                    endpoint_url=endpoint_url, partition=partition,
                    credential_source=credential_source, **connect_kwargs)

    @classmethod
    def from_declaration(cls, decl, **kwargs):
        """Build a pool for a declared service, whatever the class's own
        ``service``: a :class:`~mangrove.pool.mixin.ServiceMixinPool` builds
        each of its services this way.

        ``ServicePool.from_declaration(parse_options('MyMixin', 's3',
        {'regions': ['us-east-1']}))`` is a pool of S3 in ``us-east-1``
        whose repr is ``<ServicePool S3>``. Keyword arguments are the
        constructor's, and override the declaration.

        :param decl: what to serve.
        :type decl: :class:`~mangrove.pool.declaration.Declaration`
        :rtype: :class:`ServicePool`
        """
        if not isinstance(decl, declaration.Declaration):
            raise wrong_type('decl',
                             'a mangrove.pool.declaration.Declaration, '
                             "such as parse_options('MyPool', 's3', {})",
                             decl)
        pool = cls.__new__(cls)
        pool._setup(decl, False, **kwargs)
        return pool

    def _setup(self, decl, by_class, connect=False, regions=None,
               default_region=None, aws_access_key_id=None,
               aws_secret_access_key=None, endpoint_url=None, partition=None,
               credential_source=None, **connect_kwargs):
        """What every constructor does: declaration, then arguments, then
        the regions (data flows one way)."""
        check_bool('connect', connect)
        check = declaration.check_credential
        check('aws_access_key_id', aws_access_key_id)
        check('aws_secret_access_key', aws_secret_access_key)
        check('security_token', connect_kwargs.get('security_token'))
        decl = declaration.overridden(decl, regions, default_region,
                                      endpoint_url, partition)
        self.backend = backends.resolve(type(self).backend)
        self._decl = decl
        self._by_class = by_class
        self._spec = self._resolve_spec(decl.service)
        kwargs = dict(connect_kwargs)
        if aws_access_key_id is not None:
            kwargs['aws_access_key_id'] = aws_access_key_id
        if aws_secret_access_key is not None:
            kwargs['aws_secret_access_key'] = aws_secret_access_key
        self._connect_kwargs = kwargs
        self._credentials = None
        if credential_source is not None:
            self._credentials = credentials.renewed(
                None, self._label(), credential_source=credential_source)
            self._remember_credentials(self._credentials.credentials)

        keys = self._checked_regions(decl.regions)
        if decl.default_region is not None:
            decl = self._decl = decl._replace(
                default_region=self._canonical_key(decl.default_region))
        if decl.default_region is not None and \
                decl.default_region not in keys:
            raise InvalidArgumentError(
                '%s: default region %r is not one of the pool\'s regions (%s)'
                % (self._label(), region_name(decl.default_region),
                   name_list(region_name(k) for k in keys)))
        self._conns = lifecycle.PoolConnections(self, _build_connection,
                                                self._label(), self.backend)
        self._conns.on_built = _adopt
        self._lock = self._conns.lock
        self._index = RegionIndex(
            self._conns, self._spec.display,
            [self._new_proxy(key) for key in keys], decl.default_region)
        self._index.canonical = functools.partial(
            canonical_key, self.backend, self._spec)
        self._mapping = RegionMapping(self._index)
        if connect:
            self.connect()

    # -- construction ---------------------------------------------------------

    def _new_proxy(self, key):
        prefix = type(self).__name__
        if not self._by_class:
            # A pool built from a declaration: its class name alone would
            # not say which service it serves.
            prefix += ' ' + self._spec.display
        return RegionProxy(self._conns.region(key), prefix)

    # -- connections ----------------------------------------------------------

    def _new_connection(self, region_name):
        """The one code path that creates a connection."""
        conn = self._connect_module_to_region(region_name)
        if conn is None:
            raise UnknownRegionError(
                '%s: connecting to region %r gave no connection; the service '
                'does not know that region' % (self._label(), region_name))
        log.debug('%s: connected %s to %s', self._label(), region_name,
                  getattr(conn, 'host', None))
        # Sockets of this process's own; for classic boto, requests that
        # take slots of their endpoint's concurrency limit and retry
        # throttling errors, whoever sends them.
        return self.backend.prepare(conn, self._spec, region_name)

    def connect(self):
        """Build a connection for every region of the pool.

        Connections are boto objects; they open sockets on their first
        request. If one region fails, the pool is left as it was.

        :return: the pool itself.
        """
        self._index.connect()
        return self

    def add_region(self, name):
        """Add a region to the pool, connected when the pool is.

        Concurrent calls for one region build one connection, and all
        return the one proxy.

        :param name: a region name in either form.
        :type name: str
        :return: the region's proxy (the existing one if already there).
        :rtype: :class:`~mangrove.pool.proxy.RegionProxy`
        :raises UnknownRegionError: the service has no such region; the pool
            is left as it was.
        """
        key = self._canonical_key(region_key(name))
        existing = self._index.entries.get(key)
        if existing is not None:
            return existing
        self._checked_regions([key])
        proxy, added = self._index.add(key, self._new_proxy)
        if added:
            log.debug('%s: added region %s', self._label(), key)
        return proxy

    def remove_region(self, name):
        """Drop a region from the pool, closing its connection.

        :raises RegionNotInPoolError: the pool has no such region.
        :raises InvalidArgumentError: it is the default region (set
            another default first).
        """
        self._index.remove(name)

    def region_proxy(self, name):
        """The proxy of one region, whether or not the pool is connected
        (``regions[name]`` asks for a connected pool).

        :raises RegionNotInPoolError: the pool has no such region.
        """
        return self._index.resolve(name)

    # -- fan-out --------------------------------------------------------------

    def map(self, func, regions=None, max_workers=None, timeout=None,
            on_result=None, retry=None, executor=None):
        """Run ``func(region_proxy)`` for every region at once.

        :param func: called with each region's
            :class:`~mangrove.pool.proxy.RegionProxy`.
        :param regions: only these regions (either form); default all.
        :param max_workers: at most this many threads (default: every
            region at once, up to ``fanout.DEFAULT_MAX_WORKERS``).
        :param timeout: seconds after which the call returns; regions still
            running are reported as :class:`FanOutTimeoutError`.
        :param on_result: called as ``on_result(region_key, result, error)``
            as each region finishes, for progress reporting.
        :param retry: how throttling errors are retried (a
            :class:`~mangrove.throttling.RetryPolicy`; default the
            process's).
        :param executor: threads here (None), or a ``concurrent.futures``
            executor, in chunks (see :mod:`mangrove.fanout.executors`).
        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        return self._map(func, {'regions': regions}, max_workers, timeout,
                         on_result, retry, executor)

    def iter_map(self, func, regions=None, max_workers=None, timeout=None,
                 retry=None):
        """``map``, yielding each region's
        :class:`~mangrove.fanout.threads.Outcome` as it finishes (see
        :func:`~mangrove.fanout.iter_fan_out`).

        :rtype: iterator of :class:`~mangrove.fanout.threads.Outcome`
        """
        return self._iter_map(func, {'regions': regions}, max_workers,
                              timeout, retry)

    def _keys(self, regions=None):
        if not self._conns.connected:
            raise self._conns.not_connected()
        return [proxy.region_key
                for proxy in self._index.proxies(region_list(regions))]

    def chunk_tasks(self, func, keys):
        return lookup_tasks(func, keys, self.regions.__getitem__)

    def chunk_groups(self, keys=None):
        return [self._keys() if keys is None else list(keys)]

    def _parts(self):
        return [self._index]

    def _narrow_to_method(self, method, options):
        if self.connected and self._index.entries:
            method.check(next(iter(self._index.entries.values())),
                         self._label())
        return options

    def _remember_credentials(self, fresh, source=None):
        self._connect_kwargs = credentials.as_keywords(self._connect_kwargs,
                                                       fresh)

    def _built_connections(self):
        """The connections built in this process (lock held)."""
        return self._index.built_connections()

    # -- properties -----------------------------------------------------------

    @property
    def regions(self):
        """The pool's regions: a
        :class:`~mangrove.pool.mapping.RegionMapping` of key (``us_east_1``)
        to region proxy."""
        return self._mapping

    @property
    def default_region(self):
        """The default region's AWS name (``'us-east-1'``), or None.

        Set it to any of the pool's regions, in either form, or to None.
        """
        key = self._index.default_key
        return None if key is None else region_name(key)

    @default_region.setter
    def default_region(self, name):
        self._index.set_default(name)

    @property
    def backend_name(self):
        """The backend's name: ``'boto'`` or ``'boto3'``."""
        return self.backend.name

    @property
    def service_name(self):
        """The service's canonical name, such as ``'ec2'``."""
        return self._spec.name

    @property
    def connected(self):
        """Whether :meth:`connect` has been called (and not :meth:`close`)."""
        return self._conns.connected

    # -- display, pickling ----------------------------------------------------

    def _label(self):
        return '%s %s' % (type(self).__name__, self._spec.display)

    def __getattr__(self, attr):
        # Only names the pool lacks arrive here; private ones are never a
        # boto method, and pickle and copy look some up before the pool has
        # any state.
        if attr.startswith('_'):
            raise AttributeError(attr)
        spec = self.__dict__.get('_spec')
        index = self.__dict__.get('_index')
        cls = None
        if spec is not None and spec.module is not None:
            cls = self.backend.connection_class(spec)
        region = index.default_key or next(iter(index.entries), None) \
            if index is not None else None
        raise missing_attribute(self, attr, cls, region)

    def __repr__(self):
        spec = self.__dict__.get('_spec')
        return '<%s %s>' % (type(self).__name__,
                            spec.display if spec else '(not set up)')

    def __str__(self):
        mapping = self.__dict__.get('_mapping')
        if mapping is None:
            return repr(self)
        keys = list(mapping)
        default = self._index.default_key
        return '%s: %d region%s (%s)%s, %s' % (
            self._label(), len(keys), '' if len(keys) == 1 else 's',
            name_list(keys, 6),
            ', default %s' % default if default else '',
            'connected' if self.connected else 'not connected')

    def __getstate__(self):
        # A pool travels as its declaration and settings, never its sockets.
        return {
            'declaration': None if self._by_class else self._decl,
            'init': dict(self._connect_kwargs,
                         regions=list(self._index.entries),
                         default_region=self._index.default_key,
                         endpoint_url=self._decl.endpoint_url,
                         partition=self._decl.partition),
            'connected': self.connected,
        }

    def __setstate__(self, state):
        decl = state['declaration']
        self._setup(decl or declaration.service_declaration(type(self)),
                    decl is None, **state['init'])
        if state['connected']:
            # Connections are built lazily, on first use in this process.
            self._index.connect(lazily=True)
