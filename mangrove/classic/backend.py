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

Regions opened after boto 2.49 come from :mod:`mangrove.catalog` and are
signed with Signature Version 4 for their own region; a user's
``endpoint_url`` replaces AWS's host names altogether (see
:meth:`BotoBackend.connect`).
"""
from __future__ import absolute_import

import importlib
import logging
import weakref

from six.moves.urllib.parse import urlsplit

from mangrove import boto_repairs, catalog, credentials, registry, throttling
from mangrove._compat import keyword_names
from mangrove.backends import CLIENT_KEYWORDS, SHARED_KEYWORDS, Backend
from mangrove.classic import redaction
from mangrove.classic import sockets
from mangrove.classic.pages import all_pages
from mangrove.classic.signing import sign_v4, sign_v4_as, signing_region
from mangrove.classic.transport import senders
from mangrove.exceptions import InvalidArgumentError, UnknownRegionError
from mangrove.fork import ForkSafeLock
from mangrove.regions import region_key, unknown_region

log = logging.getLogger(__name__)

# Transport keywords that some boto connection classes do not take
# (Route53Connection is always secure and has no ``is_secure``). A pool that
# spans services passes the same keywords to all of them, so such a keyword
# is left out for the classes that cannot use it instead of failing.
_TRANSPORT_KEYWORDS = frozenset([
    'is_secure', 'port', 'proxy', 'proxy_port', 'proxy_user', 'proxy_pass',
    'https_connection_factory', 'validate_certs', 'path', 'debug'])


# Credential keywords and the other names boto's connection classes give
# them: SWF's Layer1 calls the session token ``session_token``. A credential
# is never left out: a pool that was given one and cannot pass it fails.
_CREDENTIAL_KEYWORDS = (
    ('aws_access_key_id', ()),
    ('aws_secret_access_key', ()),
    ('security_token', ('session_token',)),
    ('profile_name', ()),
)


# Services AWS only ever served with Signature Version 2: SigV4 would break
# them, and a SigV2 signature does not depend on the region anyway.
_SIGV2_ONLY = frozenset(['sdb'])


# A connection class's constructor never changes: its signature is read
# once per class (reading it costs a fifth of building a connection).
_accepted = weakref.WeakKeyDictionary()


def accepted_keywords(connection_cls):
    """The keyword names a connection class's constructor takes, or None
    when it takes any (``**kwargs``)."""
    try:
        return _accepted[connection_cls]
    except KeyError:
        names = _accepted[connection_cls] = keyword_names(
            connection_cls.__init__)
        return names


def credential_keywords(spec, connection_cls, kwargs):
    """``kwargs`` with each credential keyword under the name
    ``connection_cls`` takes it by (``security_token`` becomes SWF's
    ``session_token``).

    :raises InvalidArgumentError: the class takes a credential by no name;
        the message names the service and the keyword, never the value.
    """
    accepted = accepted_keywords(connection_cls) if connection_cls else None
    if accepted is None:
        return kwargs
    renamed = dict(kwargs)
    for name, aliases in _CREDENTIAL_KEYWORDS:
        if name not in kwargs or name in accepted:
            continue
        alias = next((a for a in aliases if a in accepted), None)
        if alias is None:
            raise InvalidArgumentError(
                'service %r (%s) takes no %r keyword, so that credential '
                'cannot be passed to it' % (spec.name,
                                            connection_cls.__name__, name))
        renamed[alias] = renamed.pop(name)
    return renamed


class BotoBackend(Backend):
    """Connects :class:`~mangrove.registry.ServiceSpec` services through
    classic boto (2.49): the :class:`~mangrove.backends.Backend` named
    ``'boto'``.

    One instance is shared by every pool; it only caches facts that never
    change in a process (boto's region lists, constructor signatures).
    """

    name = 'boto'

    def __init__(self):
        self._boto_regions = {}
        self._keywords = {}
        self._lock = ForkSafeLock()

    def service(self, name):
        """The spec of a service mangrove's registry knows (see
        :func:`~mangrove.registry.get_service`).

        :raises InvalidServiceError: no such service.
        """
        return registry.get_service(name)

    def service_names(self):
        """Every service mangrove can connect through classic boto, by its
        canonical name, sorted."""
        return registry.service_names()

    def load(self, spec):
        """Import and return the boto module that serves ``spec``.

        :type spec: :class:`~mangrove.registry.ServiceSpec`
        :rtype: module
        """
        boto_repairs.install()
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
        """Every region name ``spec`` can be connected to in ``partition``:
        the region catalog's, then those only boto knows.

        A global service (IAM, Route 53, Support: one endpoint per
        partition) has one name per partition instead, its endpoint's
        (``'aws-global'``, ``'aws-cn-global'``, ``'aws-us-gov-global'``), so
        that a pool of it holds one connection per endpoint and a fan-out
        calls each endpoint once.

        :param partition: ``'aws'``, ``'aws-cn'``, ``'aws-us-gov'``,
            ``'all'`` for every partition, or None for
            :data:`~mangrove.catalog.DEFAULT_PARTITION`.
        :rtype: list of str
        """
        if partition is None:
            partition = catalog.DEFAULT_PARTITION
        prefix = spec.endpoint_prefix
        names = []
        for name in catalog.PARTITIONS if partition == catalog.ALL_PARTITIONS \
                else (partition,):
            endpoints = catalog.global_endpoints(prefix, name)
            if endpoints:
                names.extend(e['name'] for e in endpoints)
            else:
                names.extend(catalog.regions(prefix, name))
        known = set(names)
        for name in sorted(self.boto_regions(spec)):
            if name in known or \
                    catalog.global_endpoint_for(prefix, name) is not None:
                continue
            # A region the catalog lacks (a retired service's).
            owner = catalog.partition_of(name) or catalog.DEFAULT_PARTITION
            if partition in (catalog.ALL_PARTITIONS, owner):
                names.append(name)
        return names

    def canonical_region(self, spec, region_name):
        """The name a pool keeps a region of ``spec`` under.

        The name itself, except for a global service, whose endpoints are
        also reached by their partition's name, boto 2's ``'universal'`` and
        any region of their partition: ``'us-east-1'`` and ``'universal'``
        are ``'aws-global'`` for IAM.

        :param region_name: the AWS form (``'us-east-1'``).
        :type region_name: str
        :rtype: str
        """
        endpoint = catalog.global_endpoint_for(spec.endpoint_prefix,
                                               region_name)
        return region_name if endpoint is None else endpoint['name']

    def aliases(self, spec):
        """The other names of a global service's endpoints (boto's
        ``'universal'``, the partitions'), for did-you-mean suggestions.

        :rtype: list of str
        """
        endpoints = catalog.global_endpoints(spec.endpoint_prefix, 'all')
        if not endpoints:
            return []
        return [catalog.BOTO_UNIVERSAL] + [e['partition'] for e in endpoints]

    def connect(self, spec, region_name, kwargs, endpoint_url=None):
        """Open a boto connection to one region of ``spec``.

        This is the only place a connection is created, in one of three ways:

        * a region boto 2.49 knows, without ``endpoint_url``: exactly what
          boto's ``connect_to_region`` does (host, signature and all);
        * a region only the catalog knows (opened since 2018): the catalog's
          host name, and requests signed with Signature Version 4 scoped to
          that region and the service's signing name, since those regions
          accept nothing else;
        * with ``endpoint_url``: see :meth:`_connect_endpoint_url`.

        :param region_name: the AWS form (``'us-east-1'``).
        :type region_name: str
        :param kwargs: keywords for boto's ``connect_to_region``.
        :type kwargs: dict
        :param endpoint_url: a URL for the connection instead of AWS's host
            names; ``{region}`` in it stands for ``region_name``.
        :type endpoint_url: str or None
        :returns: the boto connection.
        :raises UnknownRegionError: neither boto nor the catalog knows the
            region for this service (never raised with ``endpoint_url``).
        """
        # boto logs secrets at DEBUG; none from a connection of mangrove's.
        redaction.install()
        module = self.load(spec)
        kwargs = credential_keywords(spec, self.connection_class(spec),
                                     kwargs)
        region_name = self.canonical_region(spec, region_name)
        endpoint = catalog.global_endpoint_for(spec.endpoint_prefix,
                                               region_name)
        if endpoint_url is not None:
            conn = self._connect_endpoint_url(spec, region_name, kwargs,
                                              endpoint_url)
        elif endpoint is not None:
            conn = self._connect_global(spec, endpoint,
                                        self._keywords_for(spec, kwargs))
        elif region_name in self.boto_regions(spec):
            kwargs = self._keywords_for(spec, kwargs)
            if 'host' in kwargs or 'region' in kwargs:
                # boto's connect_to_region gives these keywords their own
                # meaning (S3's custom host, EC2's RegionInfo): let it.
                conn = module.connect_to_region(region_name, **kwargs)
            else:
                # What connect_to_region does for a region it lists, minus
                # rebuilding the service's whole region list on every call.
                conn = self.boto_regions(spec)[region_name].connect(**kwargs)
        else:
            conn = self._connect_catalog_region(
                spec, region_name, self._keywords_for(spec, kwargs))
        if conn is None:
            # boto answers None for a region it does not know; never let
            # that reach a pool.
            valid = self.regions(spec)
            raise unknown_region(
                UnknownRegionError, 'service %r has no region %r' % (
                    spec.name, region_name), region_name,
                [region_key(v) for v in valid], 'valid regions',
                as_names=True)
        _check_token(spec, conn, kwargs)
        return conn

    def _region_info(self, spec, region_name, host):
        """A boto ``RegionInfo`` of the service's own kind for any host, or
        None when boto lists no region at all for the service."""
        template = next(iter(self.boto_regions(spec).values()), None)
        if template is None:
            return None
        return type(template)(name=region_name, endpoint=host,
                              connection_cls=template.connection_cls)

    def _connect_catalog_region(self, spec, region_name, kwargs,
                                host=None, signing_region=None):
        """Connect a region boto 2.49 does not know, at the catalog's host,
        signed with SigV4 for that region (or ``host``, signed for
        ``signing_region``)."""
        host = host or catalog.hostname(spec.endpoint_prefix, region_name)
        info = self._region_info(spec, region_name, host)
        if host is None or info is None:
            return None
        conn = info.connect(**kwargs)
        if conn is not None:
            sign_v4(spec, conn, signing_region or region_name)
        return conn

    def _connect_global(self, spec, endpoint, kwargs):
        """Connect a global service's endpoint in one partition: as boto
        does when boto lists that host (IAM and Route 53's ``'universal'``),
        else at the catalog's host, signed for the endpoint's region."""
        regions = self.boto_regions(spec)
        for name in (catalog.BOTO_UNIVERSAL, endpoint['signing_region']):
            info = regions.get(name)
            if info is not None and info.endpoint == endpoint['hostname']:
                return info.connect(**kwargs)
        return self._connect_catalog_region(
            spec, endpoint['name'], kwargs, host=endpoint['hostname'],
            signing_region=endpoint['signing_region'])

    def _connect_endpoint_url(self, spec, region_name, kwargs, endpoint_url):
        """Connect one region at a user's URL (an S3-compatible store, a
        VPC endpoint, a local emulator).

        * ``{region}`` in the URL is replaced by the region name;
        * the URL's scheme decides ``is_secure`` and its port (else 80 or
          443) the port, over any keyword or boto config setting; a path
          other than ``/`` is passed as ``path`` to the services that take
          one;
        * requests are signed with Signature Version 4 scoped to the pool's
          region and the service's signing name, not to anything read from
          the host (which may be ``127.0.0.1``), so that a store that keeps
          state per region, as AWS does, sees the right one. SimpleDB, which
          knows only Signature Version 2, keeps it. boto's pseudo-region
          ``'universal'`` (IAM, Route 53) is signed for the region AWS signs
          the global endpoint for (``us-east-1``);
        * S3 uses path-style requests (``OrdinaryCallingFormat``), since a
          custom host rarely has a DNS name or certificate for every bucket;
          pass ``calling_format`` for virtual-hosted style;
        * the connection goes straight to the URL: a proxy from boto's
          config or the ``http_proxy`` environment variable is not used
          (that proxy is for AWS; pointing at a local emulator through it
          would fail). Pass ``proxy``/``proxy_port`` to go through one.
        """
        url = endpoint_url.replace('{region}', region_name)
        parts = urlsplit(url)
        is_secure = parts.scheme == 'https'
        host = str(parts.hostname)
        port = parts.port or (443 if is_secure else 80)
        info = self._region_info(spec, region_name, host)
        if info is None:
            return None
        kwargs = dict(kwargs, is_secure=is_secure, port=port)
        if parts.path not in ('', '/'):
            kwargs['path'] = str(parts.path)
        if spec.endpoint_prefix == 's3' and 'calling_format' not in kwargs:
            from boto.s3.connection import OrdinaryCallingFormat
            kwargs['calling_format'] = OrdinaryCallingFormat()
        conn = info.connect(**self._keywords_for(spec, kwargs))
        if conn is None:
            return None
        _aim(conn, parts)
        if not kwargs.get('proxy'):
            _go_direct(conn)
        if spec.endpoint_prefix not in _SIGV2_ONLY:
            sign_v4(spec, conn, signing_region(spec, region_name))
        return conn

    def connection_class(self, spec):
        """The boto connection class of ``spec``, or None when boto lists
        no region for it.

        :rtype: type or None
        """
        info = next(iter(self.boto_regions(spec).values()), None)
        return getattr(info, 'connection_cls', None)

    def method_names(self, spec):
        """The public methods of ``spec``'s boto connection class (none
        when boto lists no region for the service).

        :rtype: frozenset of str
        """
        cls = self.connection_class(spec)
        if cls is None:
            return frozenset()
        return frozenset(name for name in dir(cls)
                         if not name.startswith('_') and
                         callable(getattr(cls, name, None)))

    def keywords(self, kwargs):
        """A multi-service pool's keywords as classic boto pools take them:
        boto3's own (``config``, ``session``, ...) left out, a session
        token as ``security_token``."""
        kwargs = dict(kwargs)
        token = kwargs.pop('aws_session_token', None)
        if token is None:
            token = kwargs.pop('security_token', None)
        kept = dict((k, v) for k, v in kwargs.items()
                    if k in SHARED_KEYWORDS or k not in CLIENT_KEYWORDS)
        if token is not None:
            kept['security_token'] = token
        return kept

    def prepare(self, conn, spec, region_name):
        """Make ``conn``'s sockets this process's own (a forked child never
        sends on its parent's), and govern its sends: its requests take
        slots of their endpoint's concurrency limit and retry throttling
        errors, whoever sends them. Returns ``conn``.

        A connection of a pool's own hook that is no boto connection is
        left as it is.
        """
        sockets.adopt(conn)
        return throttling.govern(conn, spec.name, region_name)

    def install_credentials(self, conn, holder):
        """Make ``conn`` sign with ``holder``'s current credentials (see
        :func:`mangrove.credentials.install`)."""
        credentials.install(conn, holder)

    def close(self, conn):
        """Close the idle sockets of a connection prepared in this process
        (see :func:`mangrove.classic.sockets.close`).

        :return: the number of sockets closed.
        """
        return sockets.close(conn)

    def pages(self, conn, method_name, args=(), kwargs=None, max_pages=None,
              search=None, label=None):
        """Every page of a boto listing (see
        :func:`mangrove.classic.pages.all_pages`).

        :raises InvalidArgumentError: ``search`` was given: JMESPath is
            for boto3 clients.
        """
        if search is not None:
            raise InvalidArgumentError(
                'search (JMESPath) is for boto3 clients; %s is a classic '
                'boto connection' % type(conn).__name__, value=search)
        return all_pages(getattr(conn, method_name), args, kwargs, max_pages,
                         label=label)

    def owns(self, conn):
        """Whether ``conn`` is a classic boto connection (or a ``Layer2``
        wrapping one: DynamoDB, Glacier)."""
        return bool(senders(conn))

    def _keywords_for(self, spec, kwargs):
        if not kwargs:
            return kwargs
        cls = self.connection_class(spec)
        if cls is None:
            return kwargs
        accepted = self._keywords.get(cls)
        if accepted is None:
            accepted = accepted_keywords(cls) or False
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


def _aim(conn, parts):
    """Send ``conn``'s requests to the host, port and scheme of a user's
    URL (``parts``, split), whatever boto chose: boto lets its config
    (``is_secure``, ``[Credentials] s3_host``/``s3_port``) override what it
    was given, and the URL is what the user asked for."""
    is_secure = parts.scheme == 'https'
    host = str(parts.hostname)
    port = parts.port or (443 if is_secure else 80)
    for transport in senders(conn):
        transport.host = host
        transport.port = port
        transport.is_secure = is_secure
        transport.protocol = parts.scheme
        transport._connection = (host, port, is_secure)


def _go_direct(conn):
    """Send ``conn``'s requests straight to its host, past any proxy of
    boto's config or the ``http_proxy`` environment variable (that proxy is
    for AWS, not for a user's URL)."""
    for transport in senders(conn):
        transport.proxy = transport.proxy_port = None
        transport.proxy_user = transport.proxy_pass = None
        transport.use_proxy = False


def _check_token(spec, conn, kwargs):
    """Make sure the session token a connection was given is the one it
    signs with.

    boto 2.49's SWF takes ``session_token`` and passes it on positionally
    into the proxy password, so its requests carry no token at all; the
    token is put where boto's signers read it, and taken out of the proxy
    settings.
    """
    token = kwargs.get('security_token', kwargs.get('session_token'))
    if token is None:
        return
    for transport in senders(conn):
        provider = getattr(transport, 'provider', None)
        if provider is None or provider.security_token == token:
            continue
        log.debug('%s: the connection did not keep its session token; '
                  'set', spec.name)
        if getattr(transport, 'proxy_pass', None) == token:
            transport.proxy_user = transport.proxy_pass = None
        provider.security_token = token
        handler = getattr(transport, '_auth_handler', None)
        if hasattr(handler, 'update_provider'):
            handler.update_provider(provider)


def query_connection(host, service, signing_region, kwargs,
                     endpoint_url=None):
    """A boto ``AWSQueryConnection`` for a service boto 2.49 has no module
    for (Organizations), made ready as a pool's connections are.

    * it goes to ``host``, or to ``endpoint_url``: its scheme decides
      ``is_secure`` and its port (else 80 or 443) the port, over any
      keyword or boto config setting, and the connection goes straight
      there, past a proxy of boto's config, unless ``kwargs`` names a
      ``proxy`` (as a pool's ``endpoint_url`` does);
    * its requests are signed with Signature Version 4 for ``service`` in
      ``signing_region``;
    * its sockets belong to this process
      (:func:`mangrove.classic.sockets.close` closes them);
    * its requests are governed (:func:`mangrove.throttling.govern`): they
      take slots of their endpoint's concurrency limit, throttling answers
      are retried by the policy of the fan-out task sending them, and that
      task's stats count them.

    :param host: the service's host name.
    :param service: the service's signing name, and its name in the
        endpoint limits (``'organizations'``).
    :param signing_region: the region its requests are signed for.
    :param kwargs: boto connection keywords (credentials, ``proxy``,
        ``is_secure``...); one set to None is left to boto, and ``host``
        is ``host``'s.
    :param endpoint_url: a URL to send to instead (an emulator).
    :returns: the connection.
    """
    from boto.connection import AWSQueryConnection

    # boto logs secrets at DEBUG; none from a connection of mangrove's.
    redaction.install()
    kwargs = dict((k, v) for k, v in kwargs.items()
                  if v is not None and k != 'host')
    parts = None if endpoint_url is None else urlsplit(endpoint_url)
    if parts is not None:
        host = str(parts.hostname)
        kwargs['is_secure'] = parts.scheme == 'https'
        kwargs['port'] = parts.port or (443 if kwargs['is_secure'] else 80)
    conn = AWSQueryConnection(host=host, **kwargs)
    if parts is not None:
        _aim(conn, parts)
        if 'proxy' not in kwargs:
            _go_direct(conn)
    sign_v4_as(conn, service, signing_region)
    return throttling.govern(sockets.adopt(conn), service, signing_region)


#: The backend every pool uses unless a subclass sets its own.
boto_backend = BotoBackend()
