# -*- coding: utf-8 -*-
"""
Signature Version 4 for connections boto would sign otherwise.

Regions opened since 2014 accept nothing but SigV4, scoped to their own
name; boto 2.49 picks a connection's signer once, from its class and host,
and for some services still an older version. :func:`sign_v4` gives a
connection a SigV4 signer scoped to a region and the service's signing
name, whatever boto chose, so that a catalog region, a global service's
endpoint in another partition, or a pool's ``endpoint_url`` is signed for
the region its pool means.
"""
from __future__ import absolute_import

import logging

from mangrove import catalog
from mangrove.classic.transport import senders

log = logging.getLogger(__name__)


def signing_region(spec, region_name):
    """The region a request for ``region_name`` is signed for.

    A real region signs for itself; a global service's endpoint
    (``'aws-global'``) for the region AWS signs it for (``'us-east-1'``).
    """
    endpoint = catalog.global_endpoint_for(spec.endpoint_prefix, region_name)
    if endpoint is not None:
        return endpoint['signing_region']
    if catalog.partition_of(region_name) is not None:
        return region_name
    return 'us-east-1'


def _fixed_capability(capability):
    """A ``_required_auth_capability`` for one connection, answering
    ``capability`` whatever its class would."""
    capability = list(capability)

    def _required_auth_capability():
        return list(capability)
    return _required_auth_capability


_S3_HANDLER = None


def _s3_sigv4_handler():
    """boto's S3 SigV4 handler, mended for ports other than 80 and 443.

    S3 requests carry their host as ``server_name()``, which already ends in
    ``:port`` for such a port, and boto's handler appends the port again
    (``127.0.0.1:4566:4566``), which servers reject. The class is made on
    first use so that importing mangrove does not import boto; as a
    grandchild of ``AuthHandler`` it is never one of the handlers boto
    picks by itself.
    """
    global _S3_HANDLER
    # Two first callers may both make the class; either serves.
    if _S3_HANDLER is None:
        from boto.auth import S3HmacAuthV4Handler

        class S3PortHmacAuthV4Handler(S3HmacAuthV4Handler):
            """S3 Signature Version 4 that names a port in ``Host`` once."""

            def host_header(self, host, http_request):
                if ':' in http_request.host:
                    return http_request.host
                return S3HmacAuthV4Handler.host_header(self, host,
                                                       http_request)

        _S3_HANDLER = S3PortHmacAuthV4Handler
    return _S3_HANDLER


def sign_v4(spec, conn, region_name):
    """Make ``conn`` sign with Signature Version 4 for ``region_name`` and
    the service's signing name, whatever boto chose.

    boto picks its auth handler once, in ``AWSAuthConnection.__init__``,
    from ``_required_auth_capability()``; some services still ask for
    Signature Version 1 to 3 there (S3, SES, Route 53, SimpleDB), and the
    SigV4 handler otherwise reads the region from the host name. The
    handler is replaced with one whose region and service are set, and the
    connection's capability follows it, because boto consults that again
    per request (S3 computes the payload hash only for ``'hmac-v4-s3'``).
    An anonymous connection (``anon=True``) signs nothing and is left as is.
    """
    sign_v4_as(conn, spec.signing_name or spec.endpoint_prefix,
               region_name, s3=spec.endpoint_prefix == 's3', label=spec.name)


def sign_v4_as(conn, service, region_name, s3=False, label=None):
    """Make every sender of ``conn``
    (:func:`mangrove.classic.transport.senders`) sign with Signature Version 4
    for ``service`` (its signing name) in ``region_name``: :func:`sign_v4` for
    a service the registry does not list (Organizations).

    :param s3: sign as S3 does (``'hmac-v4-s3'``, the payload hashed).
    :param label: the service as the debug log names it (``service``).
    """
    import boto
    from boto.auth import HmacAuthV4Handler

    handler_cls = _s3_sigv4_handler() if s3 else HmacAuthV4Handler
    for transport in senders(conn):
        if getattr(transport, 'anon', False):
            continue
        transport._auth_handler = handler_cls(
            transport.host, boto.config, transport.provider,
            service_name=service, region_name=region_name)
        transport._required_auth_capability = _fixed_capability(
            handler_cls.capability)
        log.debug('%s: signing for %s in %s at %s', label or service,
                  service, region_name, transport.host)


def transport_of(conn):
    """The boto object that signs ``conn``'s requests: ``conn`` itself, or
    a ``Layer2``'s ``layer1`` (DynamoDB, Glacier); ``conn`` when it is not
    a boto connection. Kept for code written against 1.1; mangrove itself
    asks :func:`mangrove.classic.transport.senders`, which names every one.
    """
    found = senders(conn)
    return found[0] if found else conn
