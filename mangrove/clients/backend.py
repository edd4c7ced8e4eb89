# -*- coding: utf-8 -*-
"""
The boto3 seam: what a pool of boto3 clients asks, answered from botocore.

:class:`Boto3Backend` answers the questions :mod:`mangrove.classic.backend`
answers for classic boto, for every service boto3 knows:

* which regions a service has: botocore's own endpoint data, read at run
  time, partition by partition (a service with one endpoint per partition,
  such as IAM or Route 53, has one entry per partition, named as botocore
  names it: ``'aws-global'``, ``'aws-cn-global'``);
* how to open a connection: a boto3 client for one region, built from one
  boto3 session per pool settings (a caller's own ``boto3.Session``, a
  ``profile_name``, or the default credential chain), sharing its model and
  class with the service's other clients (:mod:`mangrove.clients.classes`).

boto3 needs Python 3.9 or newer: on older interpreters, and where boto3 is
not installed, :func:`require_boto3` raises
:class:`~mangrove.exceptions.Boto3UnavailableError` naming the version.
This module itself imports on every Python mangrove supports.
"""
from __future__ import absolute_import

import logging
import platform
import re
import sys
import weakref

import six

from mangrove import catalog
from mangrove.backends import CLIENT_KEYWORDS, SHARED_KEYWORDS, Backend
from mangrove.clients import classes as clientclasses
from mangrove.clients import pages as clientpages
from mangrove.clients.credentials import install_holder
from mangrove.exceptions import (
    Boto3UnavailableError, InvalidArgumentError, InvalidServiceError,
    close_matches, not_one_of, wrong_type)
from mangrove.fork import ForkSafeLock, process_token
from mangrove.registry import SERVICES, ServiceSpec

log = logging.getLogger(__name__)

__all__ = ['MINIMUM_PYTHON', 'CLIENT_KEYWORDS', 'Boto3Backend',
           'boto3_backend', 'require_boto3', 'is_client',
           'check_client_keywords']

#: The oldest Python the boto3 extra runs on.
MINIMUM_PYTHON = (3, 9)

# CLIENT_KEYWORDS (what a boto3 pool takes besides mangrove's own
# arguments) is mangrove.backends', kept here under its old name.

# classic boto's transport keywords, and what boto3 says instead.
_BOTO2_KEYWORDS = {
    'is_secure': 'use_ssl', 'port': 'endpoint_url',
    'proxy': "config=botocore.config.Config(proxies={...})",
    'proxy_port': "config=botocore.config.Config(proxies={...})",
    'validate_certs': 'verify', 'host': 'endpoint_url',
    'calling_format': "config=botocore.config.Config(s3={...})",
}

# boto 2's name for the commercial partition's global endpoint.
_UNIVERSAL = 'universal'


def require_boto3():
    """Import and return boto3.

    :raises Boto3UnavailableError: Python is older than 3.9, or boto3 is
        not installed; the message says which and what to do.
    """
    version = platform.python_version()
    if sys.version_info < MINIMUM_PYTHON:
        raise Boto3UnavailableError(
            "mangrove's boto3 extra needs Python %d.%d or newer (boto3 no "
            'longer supports this one); this is Python %s. Classic boto '
            "pools (mangrove.services) work here as always."
            % (MINIMUM_PYTHON + (version,)), python_version=version)
    try:
        import boto3
    except ImportError:
        raise Boto3UnavailableError(
            "boto3 is not installed: pip install 'boto-mangrove[boto3]' "
            '(Python %s)' % version, python_version=version)
    return boto3


def is_client(obj):
    """Whether ``obj`` is a botocore client (what boto3 pools hold)."""
    return type(obj).__module__ == 'botocore.client' and \
        hasattr(obj, 'meta') and hasattr(obj, 'can_paginate')


class _Partition(object):
    """One partition of botocore's endpoint data."""

    __slots__ = ('name', 'regex', 'regions', 'services')

    def __init__(self, data):
        self.name = data['partition']
        self.regex = re.compile(data['regionRegex'])
        self.regions = frozenset(data.get('regions', ()))
        self.services = data.get('services', {})

    def has(self, region_name):
        return region_name in self.regions or bool(
            self.regex.match(region_name))

    def global_endpoint(self, endpoint_prefix):
        """``(name, signing region)`` of a service that has one endpoint
        for the whole partition, else None."""
        service = self.services.get(endpoint_prefix, {})
        name = service.get('partitionEndpoint')
        if name is None or service.get('isRegionalized', True):
            return None
        scope = service.get('endpoints', {}).get(name, {}).get(
            'credentialScope', {})
        return name, scope.get('region')


class Boto3Backend(Backend):
    """Connects pools to AWS through boto3 clients: the
    :class:`~mangrove.backends.Backend` named ``'boto3'``.

    One instance serves every boto3 pool of a process; it caches only what
    never changes in one (botocore's endpoint data, service names, the
    default session's per process).

    mangrove neither governs nor counts a client's sends yet: no endpoint
    limit, no mangrove retry policy and no call statistics apply to boto3
    pools (botocore's own retries do; see :meth:`prepare`).
    """

    name = 'boto3'

    def __init__(self):
        self._lock = ForkSafeLock()
        self._meta = None           # (process token, botocore session)
        self._partition_list = None  # (botocore session, partitions)
        self._sessions = {}         # (process token, profile) -> session
        self._specs = {}
        self._client_locks = weakref.WeakKeyDictionary()

    # -- what botocore knows ---------------------------------------------

    def _botocore(self):
        """A botocore session for reading models and endpoint data."""
        meta = self._meta
        if meta is None or meta[0] != process_token():
            require_boto3()
            import botocore.session
            with self._lock:
                meta = self._meta = (process_token(),
                                     botocore.session.get_session())
        return meta[1]

    def _partitions(self):
        session = self._botocore()
        partitions = self._partition_list
        if partitions is None or partitions[0] is not session:
            data = session.get_data('endpoints')
            partitions = self._partition_list = (
                session, [_Partition(p) for p in data['partitions']])
        return partitions[1]

    def service_names(self):
        """Every service boto3 knows, by its boto3 name, sorted.

        :rtype: list of str
        """
        return sorted(self._botocore().get_available_services())

    def service(self, name):
        """The :class:`~mangrove.registry.ServiceSpec` of a boto3 service.

        :param name: boto3's name (``'ec2'``, ``'elbv2'``,
            ``'cognito-idp'``), in any case, with ``_`` for ``-``, or
            mangrove's classic name of the service (``'autoscale'``,
            ``'awslambda'``).
        :raises InvalidServiceError: boto3 knows no such service.
        """
        if not isinstance(name, six.string_types):
            raise wrong_type('service name', "a string such as 'ec2'", name)
        key = name.strip().lower()
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = self._make_spec(key, name)
        return spec

    def _make_spec(self, key, name):
        known = self.service_names()
        wanted = key.replace('_', '-')
        if wanted not in known:
            classic = SERVICES.get(key.replace('-', '_'))
            candidates = [c for c in (
                (classic.endpoint_prefix,) + classic.aliases
                if classic else ()) if c in known]
            if not candidates:
                raise not_one_of(
                    InvalidServiceError, 'boto3 knows no service %r' % (
                        name,), name, known, 'its services',
                    suggestions=close_matches(wanted, known))
            wanted = candidates[0]
        model = self._botocore().get_service_model(wanted)
        display = model.metadata.get('serviceId') or wanted
        return ServiceSpec(wanted, 'boto3', _class_name(wanted), display,
                           model.endpoint_prefix, (),
                           model.metadata.get('signingName'))

    def regions(self, spec, partition=None):
        """Every region ``spec`` has in ``partition``, from botocore's
        endpoint data (the ``partition`` keyword of
        :class:`~mangrove.classic.backend.BotoBackend.regions`).

        :rtype: list of str
        """
        if partition is None:
            partition = catalog.DEFAULT_PARTITION
        session = self._botocore()
        names = []
        for part in self._partitions():
            if partition != catalog.ALL_PARTITIONS and \
                    part.name != partition:
                continue
            if partition == catalog.ALL_PARTITIONS and \
                    part.name not in catalog.PARTITIONS:
                continue
            endpoint = part.global_endpoint(spec.endpoint_prefix)
            if endpoint is not None:
                names.append(endpoint[0])
            elif spec.endpoint_prefix not in part.services:
                # Newer services are in botocore's endpoint rules alone,
                # which resolve any region of the partition.
                names.extend(sorted(part.regions))
            else:
                names.extend(session.get_available_regions(
                    spec.name, part.name))
        return names

    def _global_for(self, spec, region_name):
        """``(endpoint name, signing region)`` when ``region_name`` is, or
        lies in the partition of, a global endpoint of ``spec``."""
        for part in self._partitions():
            endpoint = part.global_endpoint(spec.endpoint_prefix)
            if endpoint is None:
                continue
            if region_name in (endpoint[0], part.name) or \
                    (region_name == _UNIVERSAL and part.name == 'aws') or \
                    part.has(region_name):
                return endpoint
        return None

    def canonical_region(self, spec, region_name):
        """The name a pool keeps a region of ``spec`` under: a global
        service's endpoint for any region of its partition
        (``'us-east-1'`` is ``'aws-global'`` for IAM)."""
        endpoint = self._global_for(spec, region_name)
        return region_name if endpoint is None else endpoint[0]

    def aliases(self, spec):
        """The other names of a global service's endpoints."""
        names = []
        for part in self._partitions():
            if part.global_endpoint(spec.endpoint_prefix) is not None:
                names.append(part.name)
        return [_UNIVERSAL] + names if names else []

    def connection_class(self, spec):
        """The client class of ``spec`` once one client was built, else
        None (the class is built with the first client)."""
        return clientclasses.client_class(self._botocore(), spec.name)

    def method_names(self, spec):
        """The public methods of ``spec``'s clients (its operations, and
        ``get_paginator`` and the like), known without building a client.

        :rtype: frozenset of str
        """
        from botocore import xform_name
        from botocore.client import BaseClient
        model = self._botocore().get_service_model(spec.name)
        names = set(xform_name(op) for op in model.operation_names)
        names.update(name for name in dir(BaseClient)
                     if not name.startswith('_') and
                     callable(getattr(BaseClient, name)))
        return frozenset(names)

    def keywords(self, kwargs):
        """A multi-service pool's keywords as boto3 pools take them:
        classic boto's transport keywords left out, a session token as
        ``aws_session_token``."""
        kwargs = dict(kwargs)
        token = kwargs.pop('aws_session_token', None)
        if token is None:
            token = kwargs.pop('security_token', None)
        kept = dict((k, v) for k, v in kwargs.items()
                    if k in SHARED_KEYWORDS or k in CLIENT_KEYWORDS)
        if token is not None:
            kept['aws_session_token'] = token
        return kept

    # -- clients ---------------------------------------------------------

    def session(self, profile_name=None):
        """This process's boto3 session for ``profile_name`` (None: the
        default credential chain), made on first use."""
        boto3 = require_boto3()
        key = (process_token(), profile_name)
        session = self._sessions.get(key)
        if session is None:
            with self._lock:
                session = self._sessions.get(key)
                if session is None:
                    session = boto3.session.Session(
                        profile_name=profile_name)
                    self._sessions[key] = session
        return session

    def _client_lock(self, session):
        # boto3 sessions are not safe to create clients from in several
        # threads at once; building one is CPU work anyway, so one at a
        # time per session loses nothing.
        with self._lock:
            lock = self._client_locks.get(session)
            if lock is None:
                lock = self._client_locks[session] = ForkSafeLock()
        return lock

    def connect(self, spec, region_name, kwargs, endpoint_url=None):
        """A boto3 client of ``spec`` for one region.

        :param region_name: the region (``'us-east-1'``), or a global
            endpoint's name (``'aws-global'``), which is signed for its
            region.
        :param kwargs: boto3's ``client()`` keywords (see
            :data:`CLIENT_KEYWORDS`); ``session`` a boto3 session to build
            the client from, ``profile_name`` the profile of one;
            ``security_token`` is boto 2's name of ``aws_session_token``.
        :param endpoint_url: a URL for the client; ``{region}`` in it
            stands for ``region_name``.
        :rtype: a botocore client
        """
        kwargs = dict(kwargs)
        session = kwargs.pop('session', None)
        profile = kwargs.pop('profile_name', None)
        token = kwargs.pop('security_token', None)
        if token is not None:
            kwargs.setdefault('aws_session_token', token)
        if session is None:
            session = self.session(profile)
        endpoint = self._global_for(spec, region_name)
        if endpoint is not None and endpoint[1]:
            region_name = endpoint[1]
        if endpoint_url is not None:
            kwargs['endpoint_url'] = endpoint_url.replace('{region}',
                                                          region_name)
        with self._client_lock(session), clientclasses.sharing():
            return session.client(spec.name, region_name=region_name,
                                  **kwargs)

    def prepare(self, conn, spec, region_name):
        """Return the client unchanged.

        No mangrove retry policy, endpoint limit or call statistics for
        boto3 clients yet: botocore retries as its ``config`` says, and a
        client's sockets are botocore's (urllib3 makes a forked child's
        own).
        """
        return conn

    def install_credentials(self, conn, holder):
        """Make a client sign every request with ``holder``'s current
        credentials (a pool's hook that returns no client is left as it
        is)."""
        if self.owns(conn):
            install_holder(conn, holder)

    def close(self, conn):
        """Close a client's sockets (botocore closes its urllib3 pools).

        :return: 0: botocore does not say how many.
        """
        if self.owns(conn):
            conn.close()
        return 0

    def pages(self, conn, method_name, args=(), kwargs=None, max_pages=None,
              search=None, label=None):
        """Every page of a client operation, through boto3's paginator
        (see :func:`mangrove.clients.pages.client_pages`)."""
        return clientpages.client_pages(conn, method_name, args, kwargs,
                                        max_pages, search)

    def owns(self, conn):
        """Whether ``conn`` is a botocore client."""
        return is_client(conn)


def check_client_keywords(kwargs, owner):
    """Refuse keywords a boto3 client does not take (with what boto3 takes
    instead, for classic boto's), before anything is built.

    :raises InvalidArgumentError: an unknown keyword.
    """
    for name in sorted(kwargs):
        if name in CLIENT_KEYWORDS:
            continue
        instead = _BOTO2_KEYWORDS.get(name)
        if instead is not None:
            raise InvalidArgumentError(
                '%s: %r is a classic boto keyword; boto3 clients take %s '
                'instead' % (owner, name, instead), value=name,
                valid=list(CLIENT_KEYWORDS))
        raise not_one_of(
            InvalidArgumentError, '%s: boto3 clients take no keyword %r'
            % (owner, name), name, CLIENT_KEYWORDS, 'valid keywords')
    session = kwargs.get('session')
    if session is not None and not hasattr(session, 'client'):
        raise wrong_type('session', 'a boto3.Session', session)
    config = kwargs.get('config')
    if config is not None and not hasattr(config, 'merge'):
        # Else every region would fail alike, later, inside botocore.
        raise wrong_type('config', 'a botocore.config.Config', config)
    if session is not None and kwargs.get('profile_name') is not None:
        raise InvalidArgumentError(
            '%s: give session or profile_name, not both (a session has its '
            'profile already)' % owner, value='profile_name',
            valid=['session', 'profile_name'])


def _class_name(name):
    """``'cognito-idp'`` -> ``'CognitoIdpPool'``."""
    return ''.join(part.capitalize() for part in re.split('[-_]', name)) + \
        'Pool'


#: The backend of every boto3 pool.
boto3_backend = Boto3Backend()
