# -*- coding: utf-8 -*-
"""The connected pools the ``call`` and ``shell`` commands work with."""
from __future__ import absolute_import

from mangrove import backends
from mangrove.cli.arguments import check_endpoint_url
from mangrove.cli.errors import CommandError
from mangrove.cli.tables import error_text
from mangrove.exceptions import MangroveError
from mangrove.pool import declaration
from mangrove.pool.client import client_pool

__all__ = ['DEFAULT_PARTITION', 'NO_CREDENTIALS', 'connected_pool',
           'address_of']

#: The partition ``call`` and ``shell`` cover when given no ``--regions``:
#: credentials belong to one partition, and the regions of the others
#: would only fail.
DEFAULT_PARTITION = 'aws'

#: Where boto looks for credentials, in its order, for the one line shown
#: when it finds none (boto's own message says only "Check your
#: credentials").
NO_CREDENTIALS = (
    'no AWS credentials found; boto looks in the environment '
    '(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the boto config file '
    'named by BOTO_CONFIG (else /etc/boto.cfg and ~/.boto), '
    '~/.aws/credentials (the AWS_PROFILE profile, else default) and the '
    'EC2 instance role')


def connected_pool(service, regions=None, partition=None, endpoint_url=None,
                   backend=None):
    """A connected helper pool of ``service`` (names checked); with
    ``backend='boto3'`` (a name or a :class:`~mangrove.backends.Backend`),
    a :class:`~mangrove.pool.client.ClientPool`. A list
    of several service names gives a multi-service pool of them (see
    :mod:`mangrove.cli.servicelist`).

    :raises MangroveError: a name or value given is wrong.
    :raises UsageError: ``endpoint_url`` has an unknown placeholder.
    :raises CommandError: boto could not set up a connection.
    """
    from mangrove import services
    from mangrove.cli.servicelist import pool_class
    names = [service] if not isinstance(service, list) else service
    backend = backends.resolve(backend)
    partition = declaration.parse_partition(partition)
    if regions is None and partition is None:
        partition = DEFAULT_PARTITION
    options = dict(regions=regions, partition=partition,
                   endpoint_url=check_endpoint_url(endpoint_url))
    if len(names) > 1:
        what = ', '.join(names)
        pool = pool_class(names)(backend=backend, **options)
    else:
        spec = backend.service(names[0])
        what = spec.name
        if backend.name == 'boto3':
            pool = client_pool(spec.name, **options)
        else:
            pool = getattr(services, spec.class_name)(**options)
    try:
        return pool.connect()
    except MangroveError:
        raise
    except Exception as exc:
        # boto looks for credentials when it builds a connection.
        if type(exc).__name__ == 'NoAuthHandlerFound':
            raise CommandError('cannot connect to %s: %s'
                               % (what, NO_CREDENTIALS))
        raise CommandError('cannot connect to %s: %s'
                           % (what, error_text(exc)))


def address_of(pool, key):
    """``host:port`` a region's requests go to (and the proxy they go
    through), for messages about network errors; None when unknown.

    :rtype: str or None
    """
    try:
        if isinstance(key, tuple):  # (service, region key)
            pool, key = pool.services[key[0]], key[1]
        connection = pool.regions[key].connection
        meta = getattr(connection, 'meta', None)
        if meta is not None:  # a boto3 client
            return meta.endpoint_url
        where = '%s:%s' % (connection.host, connection.port)
    except (LookupError, AttributeError, MangroveError):
        return None
    if getattr(connection, 'use_proxy', False):
        where += ' through the proxy %s:%s' % (connection.proxy,
                                               connection.proxy_port)
    return where
