# -*- coding: utf-8 -*-
"""
The pools: one connection per region for a service, and several services.

:class:`ServicePool` is abstract: a subclass names its service in a
``service`` class attribute (see :mod:`mangrove.declaration`), and
:mod:`mangrove.services` has one for every service boto can connect to a
region. :class:`ServiceMixinPool` holds a :class:`ServicePool` per service
of its ``services`` class attribute.

Every connection is created by one method, :meth:`ServicePool._new_connection`,
which calls the ``_connect_module_to_region`` hook; one lock per pool guards
its bookkeeping and is never held while a connection is being built.
"""
from __future__ import absolute_import

import collections
import functools
import logging
import threading

import six

from mangrove import declaration, fanout
from mangrove.backend import boto_backend
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, InvalidServiceError,
    NotConnectedError, UnknownRegionError, rephrase)
from mangrove.fork import ForkSafeLock, process_token
from mangrove.mapping import RegionMapping, RegionProxy
from mangrove.regions import region_key, region_name, unknown_region
from mangrove.registry import ServiceSpec, get_service

log = logging.getLogger(__name__)

def _check_bool(name, value):
    if not isinstance(value, bool):
        raise InvalidArgumentTypeError(
            '%s must be True or False, not %s %r'
            % (name, type(value).__name__, value))


def _check_key_id(value):
    if value is not None and not isinstance(value, six.string_types):
        raise InvalidArgumentTypeError(
            'aws_access_key_id must be a string or None, not %s'
            % type(value).__name__)


def _check_secret(name, value):
    # The value itself never goes into the message.
    if value is not None and not isinstance(value, six.string_types):
        raise InvalidArgumentTypeError(
            '%s must be a string or None, not %s'
            % (name, type(value).__name__))


class _Pending(object):
    """A connection being built by one thread that others may wait for."""

    __slots__ = ('pid', '_done')

    def __init__(self):
        self.pid = process_token()
        self._done = threading.Event()

    def finish(self):
        # Waiters look at the proxy again; a failed build is retried by
        # the next thread that needs the connection.
        self._done.set()

    def wait(self):
        self._done.wait()


class ServicePool(object):
    """A pool of boto connections to the regions of one AWS service.

    Subclass it and name the service in a ``service`` class attribute::

        class MyPool(ServicePool):
            service = 's3'    # or {'s3': {'regions': [...], 'default_region': ...}}

    Constructor arguments override the declaration.

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
        (``'https://s3.{region}.example.com'``, ``'http://127.0.0.1:4566'``).
        Its scheme and port win over ``is_secure``/``port`` and boto's
        config; requests are signed with Signature Version 4 for the pool's
        region (not one read from the host); S3 goes path-style unless
        ``calling_format`` is given; and no proxy is used (not even boto's
        config or ``http_proxy``) unless ``proxy`` is passed.
    :type endpoint_url: str
    :param partition: narrow "every region" to ``'aws'``, ``'aws-cn'`` or
        ``'aws-us-gov'``.
    :type partition: str
    :param connect_kwargs: every other keyword (``security_token``,
        ``profile_name``, ``is_secure``, ``port``, ``proxy``, ``proxy_port``,
        ``calling_format``, ``validate_certs``, ...) goes to boto's
        ``connect_to_region`` for every region.
    """

    #: The service this pool serves: a name, or ``{name: options}``.
    service = None

    #: What opens connections; the seam between mangrove and boto.
    backend = boto_backend

    def __init__(self, connect=False, regions=None, default_region=None,
                 aws_access_key_id=None, aws_secret_access_key=None,
                 endpoint_url=None, partition=None, **connect_kwargs):
        _check_bool('connect', connect)
        _check_key_id(aws_access_key_id)
        _check_secret('aws_secret_access_key', aws_secret_access_key)
        _check_secret('security_token', connect_kwargs.get('security_token'))
        decl = declaration.service_declaration(self)
        if regions is not None:
            decl = decl._replace(regions=declaration.parse_regions(regions))
        if default_region is not None:
            decl = decl._replace(
                default_region=declaration.parse_default(default_region))
        if endpoint_url is not None:
            decl = decl._replace(
                endpoint_url=declaration.parse_endpoint_url(endpoint_url))
        if partition is not None:
            decl = decl._replace(
                partition=declaration.parse_partition(partition))
        self._decl = decl
        self._spec = self._resolve_spec(decl.service)
        self._display = self._spec.display
        kwargs = dict(connect_kwargs)
        if aws_access_key_id is not None:
            kwargs['aws_access_key_id'] = aws_access_key_id
        if aws_secret_access_key is not None:
            kwargs['aws_secret_access_key'] = aws_secret_access_key
        self._connect_kwargs = kwargs

        keys = self._checked_regions(decl.regions)
        if decl.default_region is not None and \
                decl.default_region not in keys:
            raise InvalidArgumentError(
                '%s: default region %r is not one of the pool\'s regions (%s)'
                % (self._label(), region_name(decl.default_region),
                   ', '.join(region_name(k) for k in keys)))
        self._lock = ForkSafeLock()
        self._connected = False
        self._default_key = decl.default_region
        self._entries = collections.OrderedDict(
            (key, RegionProxy(self, key)) for key in keys)
        self._mapping = RegionMapping(self)
        if connect:
            self.connect()

    # -- construction ------------------------------------------------------

    def _hooks_overridden(self):
        # Compare functions: on Python 2 each class attribute read makes a
        # new unbound method, so the methods themselves never compare same.
        unbound = six.get_unbound_function
        return all(unbound(getattr(type(self), name)) is not
                   unbound(getattr(ServicePool, name))
                   for name in ('_connect_module_to_region',
                                '_get_module_regions'))

    def _resolve_spec(self, name):
        try:
            return get_service(name)
        except InvalidServiceError as exc:
            # A service boto has no module for is fine when the subclass
            # says itself how to list and connect its regions.
            if self._hooks_overridden():
                return ServiceSpec(name, None, type(self).__name__, name,
                                   name, ())
            raise rephrase(exc, type(self).__name__)

    def _known_regions(self):
        names = []
        for region in self._get_module_regions():
            names.append(getattr(region, 'name', region))
        return names

    def _checked_regions(self, keys):
        """The pool's region keys: ``keys`` checked against the service's
        regions, or all of them when ``keys`` is None."""
        if keys is not None and self._decl.endpoint_url is not None:
            # A custom endpoint may serve any region name it likes.
            return list(keys)
        known = [region_key(name) for name in self._known_regions()]
        if keys is None:
            return known
        known_set = set(known)
        for key in keys:
            if key not in known_set:
                where = self._spec.name + (
                    ' in partition %r' % self._decl.partition
                    if self._decl.partition else '')
                raise unknown_region(
                    UnknownRegionError, '%s: service %s has no region %r' % (
                        type(self).__name__, where, region_name(key)),
                    region_name(key), known, 'valid regions', as_names=True)
        return list(keys)

    # -- the seed's hooks ----------------------------------------------------

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

    # -- connections ---------------------------------------------------------

    def _new_connection(self, region_name):
        """The one code path that creates a connection."""
        conn = self._connect_module_to_region(region_name)
        if conn is None:
            raise UnknownRegionError(
                '%s: connecting to region %r gave no connection; the service '
                'does not know that region' % (self._label(), region_name))
        log.debug('%s: connected %s to %s', self._label(), region_name,
                  getattr(conn, 'host', None))
        return conn

    def _connection_for(self, proxy):
        """The connection of ``proxy`` in this process, built by exactly one
        thread when missing (first use, or first use after a fork)."""
        while True:
            pid = process_token()
            with self._lock:
                state = proxy._mangrove_state
                if state is not None and state[0] == pid:
                    return state[1]
                if not self._connected:
                    self._raise_not_connected()
                pending = proxy._mangrove_pending
                if pending is None or pending.pid != pid:
                    pending = self._claim([proxy])
                    break
            # Another thread is building it: wait, then look again.
            pending.wait()
        self._build([proxy], pending)
        return proxy._mangrove_state[1]

    def _claim(self, proxies):
        """Mark ``proxies`` as being built by this thread (lock held)."""
        pending = _Pending()
        for proxy in proxies:
            object.__setattr__(proxy, '_mangrove_pending', pending)
        return pending

    def _build(self, proxies, pending):
        """Build the connections of claimed ``proxies``, outside the lock;
        all or none of them get one."""
        try:
            conns = [self._new_connection(region_name(p._mangrove_key))
                     for p in proxies]
        except Exception:
            with self._lock:
                for proxy in proxies:
                    object.__setattr__(proxy, '_mangrove_pending', None)
            pending.finish()
            raise
        pid = pending.pid
        with self._lock:
            for proxy, conn in zip(proxies, conns):
                object.__setattr__(proxy, '_mangrove_state', (pid, conn))
                object.__setattr__(proxy, '_mangrove_pending', None)
        pending.finish()

    def _raise_not_connected(self):
        raise NotConnectedError(
            '%s is not connected: call .connect() first (or build it with '
            'connect=True)' % self._label())

    def connect(self):
        """Build a connection for every region of the pool.

        Connections are boto objects; they open sockets on their first
        request. If one region fails, the pool is left as it was.

        :return: the pool itself.
        """
        pid = process_token()
        with self._lock:
            was_connected = self._connected
            self._connected = True
            todo, others = [], []
            for proxy in self._entries.values():
                state = proxy._mangrove_state
                if state is not None and state[0] == pid:
                    continue
                pending = proxy._mangrove_pending
                if pending is not None and pending.pid == pid:
                    others.append(proxy)
                else:
                    todo.append(proxy)
            pending = self._claim(todo) if todo else None
        try:
            if pending is not None:
                self._build(todo, pending)
            for proxy in others:
                proxy.connection
        except Exception:
            if not was_connected:
                with self._lock:
                    self._connected = False
                    for proxy in todo + others:
                        object.__setattr__(proxy, '_mangrove_state', None)
            raise
        with self._lock:
            self._publish()
        return self

    def _publish(self):
        """Bring the regions mapping's fast path up to date (lock held)."""
        self._mapping._publish(self._connected, self._entries)

    def add_region(self, name):
        """Add a region to the pool, connected when the pool is.

        :param name: a region name in either form.
        :type name: str
        :return: the region's proxy (the existing one if already there).
        :rtype: :class:`~mangrove.mapping.RegionProxy`
        :raises UnknownRegionError: the service has no such region; the pool
            is left as it was.
        """
        key = region_key(name)
        existing = self._entries.get(key)
        if existing is not None:
            return existing
        self._checked_regions([key])
        proxy = RegionProxy(self, key)
        if self._connected:
            conn = self._new_connection(region_name(key))
            object.__setattr__(proxy, '_mangrove_state', (process_token(), conn))
        with self._lock:
            existing = self._entries.get(key)
            if existing is not None:
                return existing
            # Copy on write: readers iterate the old dict without a lock.
            entries = collections.OrderedDict(self._entries)
            entries[key] = proxy
            self._entries = entries
            self._publish()
        log.debug('%s: added region %s', self._label(), key)
        return proxy

    def remove_region(self, name):
        """Drop a region from the pool, closing its connection.

        :raises RegionNotInPoolError: the pool has no such region.
        :raises InvalidArgumentError: it is the default region (set
            another default first).
        """
        proxy = self._mapping._resolve(name)
        key = proxy._mangrove_key
        with self._lock:
            if key == self._default_key:
                raise InvalidArgumentError(
                    '%s: %r is the default region; set default_region to '
                    'another region (or None) before removing it'
                    % (self._label(), region_name(key)))
            entries = collections.OrderedDict(self._entries)
            entries.pop(key, None)
            self._entries = entries
            self._publish()
        _close_proxy(proxy)

    def close(self):
        """Close every region's connection; the pool can ``connect()`` again.
        """
        with self._lock:
            self._connected = False
            self._publish()
            proxies = list(self._entries.values())
        for proxy in proxies:
            _close_proxy(proxy)

    # -- fan-out ---------------------------------------------------------------

    def map(self, func, regions=None, max_workers=None, timeout=None,
            on_result=None):
        """Run ``func(region_proxy)`` for every region at once.

        :param func: called with each region's
            :class:`~mangrove.mapping.RegionProxy`.
        :param regions: only these regions (either form); default all.
        :param max_workers: at most this many threads (default
            ``min(32, number of regions)``).
        :param timeout: seconds after which the call returns; regions still
            running are reported as :class:`FanOutTimeoutError`.
        :param on_result: called as ``on_result(region_key, result, error)``
            as each region finishes, for progress reporting.
        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        if not callable(func):
            raise InvalidArgumentTypeError(
                'func must be callable, such as lambda region: '
                'region.get_all_instances(), not %s %r'
                % (type(func).__name__, func))
        return fanout.fan_out(self._tasks(func, regions),
                              max_workers=max_workers, timeout=timeout,
                              on_result=on_result)

    def call(self, method_name, *args, **kwargs):
        """Call one boto method with these arguments in every region at once.

        ``pool.call('get_all_instances')`` is
        ``pool.map(lambda r: r.get_all_instances())``.

        :param method_name: the boto connection method's name.
        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        if not isinstance(method_name, six.string_types):
            raise InvalidArgumentTypeError(
                'method_name must be a string such as %r, not %s %r'
                % ('get_all_instances', type(method_name).__name__,
                   method_name))
        return self.map(_MethodCall(method_name, args, kwargs))

    def _tasks(self, func, regions=None):
        """(key, callable) pairs for a fan-out, in the pool's order."""
        if not self._connected:
            self._raise_not_connected()
        if regions is None:
            proxies = list(self._entries.values())
        else:
            proxies = [self._mapping._resolve(name)
                       for name in _region_list(regions)]
        return [(proxy._mangrove_key, functools.partial(func, proxy))
                for proxy in proxies]

    # -- properties ------------------------------------------------------------

    @property
    def regions(self):
        """The pool's regions: a :class:`~mangrove.mapping.RegionMapping` of
        key (``us_east_1``) to region proxy."""
        return self._mapping

    @property
    def default_region(self):
        """The default region's AWS name (``'us-east-1'``), or None.

        Set it to any of the pool's regions, in either form, or to None.
        """
        key = self._default_key
        return None if key is None else region_name(key)

    @default_region.setter
    def default_region(self, name):
        # Resolved under the lock: remove_region must not drop the region
        # between the check and the assignment.
        with self._lock:
            self._default_key = None if name is None else \
                self._mapping._resolve(name)._mangrove_key

    @property
    def service_name(self):
        """The service's canonical name, such as ``'ec2'``."""
        return self._spec.name

    @property
    def connected(self):
        """Whether :meth:`connect` has been called."""
        return self._connected

    # -- display, pickling -----------------------------------------------------

    def _label(self):
        return '%s %s' % (type(self).__name__, self._display)

    def __repr__(self):
        n = len(self._entries)
        parts = ['%d region%s' % (n, '' if n == 1 else 's')]
        if self._default_key:
            parts.append('default %s' % self._default_key)
        if not self._connected:
            parts.append('not connected')
        return '<%s %s: %s>' % (type(self).__name__, self._display,
                                ', '.join(parts))

    def __getstate__(self):
        # A pool travels as its declaration and settings, never its sockets.
        kwargs = dict(self._connect_kwargs)
        return {
            'service': self.__dict__.get('service'),
            'init': dict(kwargs,
                         regions=list(self._entries),
                         default_region=self._default_key,
                         endpoint_url=self._decl.endpoint_url,
                         partition=self._decl.partition),
            'connected': self._connected,
        }

    def __setstate__(self, state):
        if state['service'] is not None:
            self.service = state['service']
        self.__init__(**state['init'])
        # Connections are rebuilt lazily, on first use in this process.
        with self._lock:
            self._connected = state['connected']
            self._publish()


def _close_proxy(proxy):
    state = proxy._mangrove_state
    object.__setattr__(proxy, '_mangrove_state', None)
    # Only this process's sockets are ours to close.
    if state is not None and state[0] == process_token():
        close = getattr(state[1], 'close', None)
        if close is not None:
            close()


def _region_list(regions):
    if regions is None:
        return None
    if isinstance(regions, six.string_types) or not isinstance(
            regions, (list, tuple, set, frozenset)):
        raise InvalidArgumentTypeError(
            'regions must be a list of region names or None, not %s %r'
            % (type(regions).__name__, regions))
    return list(regions)


class _MethodCall(object):
    """``func(proxy)`` that calls one named boto method; picklable."""

    __slots__ = ('name', 'args', 'kwargs')

    def __init__(self, name, args, kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs

    def __call__(self, proxy):
        return getattr(proxy, self.name)(*self.args, **self.kwargs)


class ServiceMixinPool(object):
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
    ``pool.services``.

    :param connect: connect every service now.
    :param regions: replaces every service's declared regions.
    :param aws_access_key_id: passed to every service.
    :param aws_secret_access_key: passed to every service; never shown.
    :param endpoint_url: used by every service that declares none.
    :param partition: narrows every service's "every region".
    :param connect_kwargs: passed to boto for every service and region.
    """

    #: The services: ``{name: options}`` (see :mod:`mangrove.declaration`).
    services = None

    def __init__(self, connect=False, regions=None, aws_access_key_id=None,
                 aws_secret_access_key=None, endpoint_url=None,
                 partition=None, **connect_kwargs):
        _check_bool('connect', connect)
        decls = declaration.services_declaration(type(self))
        self._common = dict(connect_kwargs,
                            aws_access_key_id=aws_access_key_id,
                            aws_secret_access_key=aws_secret_access_key,
                            endpoint_url=endpoint_url, partition=partition)
        self._regions_override = declaration.parse_regions(regions)
        pools = collections.OrderedDict()
        for name, decl in decls.items():
            pools[_attribute_name(name)] = self._make_pool(decl)
        self._lock = ForkSafeLock()
        self._connected = False
        self._set_services(pools)
        if connect:
            self.connect()

    def _make_pool(self, decl, use_override=True):
        try:
            get_service(decl.service)
        except InvalidServiceError as exc:
            raise rephrase(exc, '%s.services' % type(self).__name__)
        pool = ServicePool.__new__(ServicePool)
        pool.service = decl.service
        options = dict(self._common)
        regions = decl.regions
        if use_override and self._regions_override is not None:
            regions = self._regions_override
        for key in ('endpoint_url', 'partition'):
            if getattr(decl, key) is not None:
                options[key] = getattr(decl, key)
        try:
            pool.__init__(regions=regions,
                          default_region=decl.default_region, **options)
        except (InvalidArgumentError, InvalidArgumentTypeError) as exc:
            # The member pool's message names ServicePool; say which class
            # declared the service.
            raise rephrase(exc, '%s (service %r)'
                           % (type(self).__name__, decl.service))
        return pool

    def _set_services(self, pools):
        for attr, pool in pools.items():
            setattr(self, attr, pool)
        self.services = pools

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
                self._connected = False
            raise
        return self

    def add_service(self, name, regions=None, default_region=None,
                    connect=None, endpoint_url=None, partition=None):
        """Add a service to the pool.

        :param name: a service name (``'sns'``).
        :param regions: its regions (default: the pool's constructor
            regions, else every region).
        :param default_region: its default region.
        :param connect: connect it now; None follows the pool (connected if
            the pool's ``connect()`` has run).
        :return: the service's pool (the existing one if already there).
        :rtype: :class:`ServicePool`
        """
        if connect is not None:
            _check_bool('connect', connect)
        attr = _attribute_name(name)
        existing = self.services.get(attr)
        if existing is not None:
            return existing
        decl = declaration.parse_options(type(self), name, {
            'regions': regions, 'default_region': default_region,
            'endpoint_url': endpoint_url, 'partition': partition})
        pool = self._make_pool(decl, use_override=regions is None)
        while True:
            if (self._connected if connect is None else connect) and \
                    not pool.connected:
                pool.connect()
            with self._lock:
                if attr in self.services:
                    return self.services[attr]
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
            timeout=None, on_result=None):
        """Run ``func(region_proxy)`` for every region of every service at
        once; results are keyed by ``(service, region_key)``.

        :param services: only these services (default all).
        :param regions: only these regions (either form) of each service;
            a service without one of them is skipped for it.
        :rtype: :class:`~mangrove.fanout.RegionResults`
        """
        if not callable(func):
            raise InvalidArgumentTypeError(
                'func must be callable, not %s %r' % (type(func).__name__,
                                                       func))
        tasks = []
        for attr in self._service_list(services):
            pool = self.services[attr]
            names = None
            if regions is not None:
                names = [r for r in _region_list(regions)
                         if r in pool.regions]
            for key, task in pool._tasks(func, names):
                tasks.append(((attr, key), task))
        return fanout.fan_out(tasks, max_workers=max_workers,
                              timeout=timeout, on_result=on_result)

    def call(self, method_name, *args, **kwargs):
        """Call one boto method in every region of every service at once."""
        return self.map(_MethodCall(method_name, args, kwargs))

    def _service_list(self, services):
        if services is None:
            return list(self.services)
        if isinstance(services, six.string_types) or not isinstance(
                services, (list, tuple, set, frozenset)):
            raise InvalidArgumentTypeError(
                'services must be a list of service names or None, not %s %r'
                % (type(services).__name__, services))
        attrs = []
        for name in services:
            attr = _attribute_name(name)
            if attr not in self.services:
                raise InvalidServiceError(
                    '%s has no service %r (its services: %s)'
                    % (type(self).__name__, name, ', '.join(self.services)))
            attrs.append(attr)
        return attrs

    def close(self):
        """Close every service's connections."""
        for pool in list(self.services.values()):
            pool.close()
        self._connected = False

    def __repr__(self):
        return '<%s: %s>' % (type(self).__name__, ', '.join(
            '%s (%d region%s)' % (attr, len(pool.regions),
                                  '' if len(pool.regions) == 1 else 's')
            for attr, pool in self.services.items()))

    def __getstate__(self):
        return {'services': self.services, 'connected': self._connected,
                'common': self._common,
                'regions_override': self._regions_override}

    def __setstate__(self, state):
        self._lock = ForkSafeLock()
        self._common = state['common']
        self._regions_override = state['regions_override']
        self._connected = state['connected']
        self._set_services(state['services'])


def _attribute_name(name):
    if not isinstance(name, six.string_types):
        raise InvalidArgumentTypeError(
            'a service name must be a string such as %r, not %s %r'
            % ('ec2', type(name).__name__, name))
    return name.strip().replace('-', '_')
