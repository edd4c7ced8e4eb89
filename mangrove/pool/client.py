# -*- coding: utf-8 -*-
"""
:class:`ClientPool`: one boto3 client per region, with every pool's API.

A ``ClientPool`` is a :class:`~mangrove.pool.service.ServicePool` whose
backend is :mod:`mangrove.clients.backend`: the regions mapping and its key
forms, ``default``, ``add_region``, ``map``/``call``/``paginate``, timeouts,
hooks, reprs, pickling and fork safety are the same, and each region's
entry stands for a boto3 client::

    from mangrove.pool.client import ClientPool, client_pool

    class Ec2Clients(ClientPool):
        service = 'ec2'

    ec2 = Ec2Clients(connect=True, regions=['us-east-1', 'eu-west-1'])
    ec2.regions.us_east_1.describe_instances()
    ec2.call('describe_instances')              # every region at once
    ec2.paginate('describe_instances', search='Reservations[].Instances[]')
    sqs = client_pool('sqs', connect=True)      # no class needed

A boto3 client costs about 20 ms of CPU to build (a classic boto connection
0.2 ms), so clients are built when first used: in a fan-out, each inside
its region's task, while the other regions' requests are in flight;
:meth:`ClientPool.connect` builds them all at once instead, on the
fan-out's threads. Clients of one service share their model and class
(:mod:`mangrove.clients.classes`), which makes each about five times cheaper.

Needs Python 3.9+ and boto3 (``pip install 'boto-mangrove[boto3]'``);
elsewhere a pool raises :class:`~mangrove.exceptions.Boto3UnavailableError`.
"""
from __future__ import absolute_import

import logging

from mangrove import backends
from mangrove.clients.backend import (
    boto3_backend, check_client_keywords, require_boto3)
from mangrove.exceptions import (
    InvalidServiceError, UnknownMethodError, not_one_of, rephrase)
from mangrove.fanout import engine as fanout
from mangrove.pool import declaration
from mangrove.pool.proxy import region_connection
from mangrove.pool.service import ServicePool

log = logging.getLogger(__name__)

__all__ = ['ClientPool', 'client_pool', 'pool_class', 'service_spec',
           'keywords_for']

# A pool's own arguments, which are no client keyword.
_GENERIC = frozenset(['endpoint_url', 'partition', 'credential_source',
                      'regions', 'default_region'])


class ClientPool(ServicePool):
    """A pool of boto3 clients to the regions of one AWS service.

    Subclass it and name the service (any service boto3 knows, by boto3's
    name: ``'ec2'``, ``'elbv2'``, ``'cognito-idp'``), or use
    :func:`client_pool`. The arguments are :class:`ServicePool`'s, except
    that the keywords are boto3's:

    :param endpoint_url: a URL for every region's client; ``{region}`` in
        it stands for the region name.
    :param aws_session_token: the session token of temporary credentials
        (never shown).
    :param config: a ``botocore.config.Config`` for every client
        (retries, timeouts, proxies, ``max_pool_connections``).
    :param session: a ``boto3.Session`` to build the clients from (its
        profile and credentials); else ``profile_name``, else boto3's
        default credential chain.
    :param profile_name: the profile of a session made for the pool.
    :param verify: ``False``, or a CA bundle's path, as boto3 takes it.
    :param use_ssl: as boto3 takes it.
    :param api_version: as boto3 takes it.
    :param connect: mark the pool connected now; each client is built when
        first used (call :meth:`connect` to build them all at once).
    """

    backend = boto3_backend

    def _setup(self, decl, by_class, connect=False, **kwargs):
        require_boto3()
        check_client_keywords(
            dict((k, v) for k, v in kwargs.items() if k not in _GENERIC),
            type(self).__name__)
        declaration.check_credential('aws_session_token',
                                     kwargs.get('aws_session_token'))
        declaration.check_bool('connect', connect)
        super(ClientPool, self)._setup(decl, by_class, **kwargs)
        if connect:
            self.connect(lazily=True)

    def _resolve_spec(self, name):
        try:
            return self.backend.service(name)
        except InvalidServiceError as exc:
            raise rephrase(exc, type(self).__name__)

    def connect(self, lazily=False):
        """Build every region's client, at once on the fan-out's threads;
        if one cannot be built, the pool is left as it was and its error
        raised.

        :param lazily: only mark the pool connected, leaving each client to
            its first use (in a fan-out, inside its region's task).
        :return: the pool itself.
        """
        was_connected = self.connected
        self._index.connect(lazily=True)
        if lazily:
            return self
        tasks = [(key, region_connection(proxy).get)
                 for key, proxy in self._index.entries.items()]
        results = fanout.fan_out(tasks)
        if results.errors:
            if not was_connected:
                self.close()
            raise next(iter(results.errors.values()))
        return self

    def _narrow_to_method(self, method, options):
        # The method is checked against the service's model, so no client
        # is built in the calling thread.
        names = self.backend.method_names(self._spec)
        if method.name not in names:
            raise not_one_of(
                UnknownMethodError, '%s: its boto3 clients have no method '
                '%r' % (self._label(), method.name), method.name,
                sorted(names), 'their methods')
        return options

    def _remember_credentials(self, fresh, source=None):
        super(ClientPool, self)._remember_credentials(fresh, source)
        # as_keywords names the token as classic boto does.
        self._connect_kwargs.pop('aws_session_token', None)

    def __getstate__(self):
        state = super(ClientPool, self).__getstate__()
        init = state['init']
        session = init.pop('session', None)
        if session is not None:
            init.update(session_keywords(session))
        return state


def session_keywords(session):
    """What stands for a caller's boto3 session in a pickle: its static
    keys when it was made with them, else its profile (the other process
    finds the credentials the same way)."""
    credentials = session.get_credentials()
    if credentials is not None and \
            getattr(credentials, 'method', None) == 'explicit':
        frozen = credentials.get_frozen_credentials()
        keywords = {'aws_access_key_id': frozen.access_key,
                    'aws_secret_access_key': frozen.secret_key}
        if frozen.token:
            keywords['aws_session_token'] = frozen.token
        return keywords
    if session.profile_name not in (None, 'default'):
        return {'profile_name': session.profile_name}
    return {}


def client_pool(service, **kwargs):
    """A :class:`ClientPool` of ``service`` without a class of its own
    (shown as ``<ClientPool EC2>``).

    :param service: a service boto3 knows (``'ec2'``), or
        ``{name: options}`` as a ``service`` attribute declares it.
    :param kwargs: :class:`ClientPool`'s arguments.
    :rtype: :class:`ClientPool`
    """
    if isinstance(service, dict) and len(service) == 1:
        (name, options), = service.items()
    else:
        name, options = service, None
    decl = declaration.parse_options('client_pool', name, options)
    return ClientPool.from_declaration(decl, **kwargs)


# The pool class of each backend's services: what a multi-service pool
# builds a declared service with.
_POOL_CLASSES = {'boto': ServicePool, 'boto3': ClientPool}


def service_spec(backend, name):
    """The spec of service ``name`` as a backend knows it (``'boto'`` or
    None: mangrove's registry; ``'boto3'``: every service boto3 knows).
    ``backends.resolve(backend).service(name)``.

    :param backend: a backend or its name, or None for classic boto.
    :raises InvalidServiceError: the backend knows no such service.
    """
    return backends.resolve(backend).service(name)


def pool_class(backend):
    """The pool class of a backend's services: :class:`ServicePool` for
    classic boto, :class:`ClientPool` for boto3.

    :param backend: a backend or its name, or None for classic boto.
    """
    return _POOL_CLASSES.get(backends.resolve(backend).name, ServicePool)


def keywords_for(backend, kwargs):
    """A multi-service pool's keywords as one backend's pools take them
    (``backends.resolve(backend).keywords(kwargs)``): classic boto's
    transport keywords go to classic pools only, boto3's (``config``,
    ``session``, ...) to boto3 pools only; a session token reaches both,
    under each one's name."""
    return backends.resolve(backend).keywords(kwargs)
