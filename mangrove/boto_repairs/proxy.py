# -*- coding: utf-8 -*-
"""HTTPS through an HTTP proxy (``CONNECT``) for boto on Python 3.

When boto has a proxy (its config's ``proxy``/``proxy_port``/
``proxy_user``/``proxy_pass``, or the ``http_proxy`` environment variable,
which boto uses for HTTPS too), every HTTPS request opens a tunnel with
``AWSAuthConnection.proxy_ssl``. Written for Python 2, that method fails
on every Python 3:

- it writes ``str`` to the socket (``TypeError: a bytes-like object is
  required, not 'str'``);
- it passes ``strict=True`` to :class:`http.client.HTTPResponse`, a
  parameter Python 3.4 removed;
- ``get_proxy_auth_header`` base64-encodes a ``str`` (``TypeError``, also
  on the plain-HTTP proxy path) and keeps base64's trailing newline, which
  :mod:`http.client` refuses in a header value;
- it wraps the tunnel with ``ssl.wrap_socket`` (gone in 3.12), or without
  validation with ``ssl.SSLSocket(sock)`` (no public constructor since
  3.7).

Both methods are replaced by ones that do what boto's do on Python 2: the
same ``CONNECT`` request (boto's ``User-Agent``, ``Proxy-Authorization:
Basic`` when ``proxy_user`` and ``proxy_pass`` are set), the same error
when the proxy refuses the tunnel (:class:`socket.error` with errno -71,
"Error talking to HTTP proxy HOST:PORT: STATUS (REASON)"), and TLS in the
tunnel validated as boto's direct path validates it: the chain against
``ca_certificates_file`` and the host name by boto's own check
(``InvalidCertificateException``). The host name checked, and sent as SNI,
is the one the tunnel goes to.
"""
from __future__ import absolute_import

import socket

from mangrove.boto_repairs.https import validating_context


def repair(module):
    """Give ``module.AWSAuthConnection`` (``boto.connection``) a
    ``proxy_ssl`` and a ``get_proxy_auth_header`` that work here."""
    cls = module.AWSAuthConnection
    if getattr(cls.proxy_ssl, 'mangrove_boto_compat', False):
        return
    cls.proxy_ssl = _proxy_ssl
    cls.get_proxy_auth_header = _get_proxy_auth_header


def _get_proxy_auth_header(self):
    """``{'Proxy-Authorization': 'Basic ...'}`` for ``proxy_user`` and
    ``proxy_pass``."""
    import base64
    credentials = '%s:%s' % (self.proxy_user, self.proxy_pass)
    token = base64.b64encode(credentials.encode('utf-8')).decode('ascii')
    return {'Proxy-Authorization': 'Basic %s' % token}


def _proxy_ssl(self, host=None, port=None):
    """Open a ``CONNECT`` tunnel through the proxy to ``host:port`` (the
    connection's own host and port by default) and start TLS in it.

    :returns: an :class:`http.client.HTTPConnection` over the TLS socket.
    :raises socket.error: errno -71 when the proxy refuses the tunnel.
    :raises boto.https_connection.InvalidCertificateException: when the
        certificate does not name the host.
    """
    import boto
    from boto.compat import http_client

    if host and port:
        target = '%s:%d' % (host, port)
    else:
        host = self.host
        target = '%s:%d' % (self.host, self.port)
    timeout = self.http_connection_kwargs.get('timeout')
    address = (self.proxy, int(self.proxy_port))
    if timeout is not None:
        sock = socket.create_connection(address, timeout)
    else:
        sock = socket.create_connection(address)
    try:
        boto.log.debug('Proxy connection: CONNECT %s HTTP/1.0\r\n', target)
        lines = ['CONNECT %s HTTP/1.0' % target,
                 'User-Agent: %s' % boto.UserAgent]
        if self.proxy_user and self.proxy_pass:
            lines.extend('%s: %s' % item
                         for item in self.get_proxy_auth_header().items())
        sock.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1'))
        response = http_client.HTTPResponse(sock, debuglevel=self.debug)
        response.begin()
        if response.status != 200:
            # boto's own error: a socket error with a code that shows it
            # did not come from the socket library.
            raise socket.error(
                -71, 'Error talking to HTTP proxy %s:%s: %s (%s)'
                % (self.proxy, self.proxy_port, response.status,
                   response.reason))
        response.close()
        tls = _start_tls(self, sock, boto.utils.parse_host(host))
    except BaseException:
        sock.close()
        raise
    connection = http_client.HTTPConnection(target)
    connection.sock = tls
    return connection


def _start_tls(self, sock, hostname):
    """TLS over the tunnel: validated when boto validates certificates
    (``https_validate_certificates``), as boto's direct path is."""
    import ssl
    import boto
    from boto import https_connection
    if not self.https_validate_certificates:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context.wrap_socket(sock, server_hostname=hostname)
    if self.ca_certificates_file:
        boto.log.debug('wrapping ssl socket for proxied connection; '
                       'CA certificate file=%s', self.ca_certificates_file)
    else:
        boto.log.debug('wrapping ssl socket for proxied connection; '
                       'using system provided SSL certs')
    context = validating_context(
        self.ca_certificates_file,
        self.http_connection_kwargs.get('cert_file'),
        self.http_connection_kwargs.get('key_file'))
    tls = context.wrap_socket(sock, server_hostname=hostname)
    cert = tls.getpeercert()
    if not https_connection.ValidateCertificateHostname(cert, hostname):
        tls.close()
        raise https_connection.InvalidCertificateException(
            hostname, cert, 'hostname mismatch')
    return tls


_proxy_ssl.mangrove_boto_compat = True
