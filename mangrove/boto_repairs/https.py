# -*- coding: utf-8 -*-
"""Certificate-validating HTTPS for boto on :class:`ssl.SSLContext`.

``boto.https_connection.CertValidatingHTTPSConnection.connect`` (EC2's
default transport, and S3's once ``https_validate_certificates`` is set)
wraps its socket with ``ssl.wrap_socket``, which Python 3.12 removed. Its
``connect`` is replaced by one with the same guarantees: a certificate is
required and its chain verified (``CERT_REQUIRED``) against the
connection's ``ca_certs`` (boto's ``ca_certificates_file``; the system's
certificates when that is ``system``), boto's client
``key_file``/``cert_file`` are presented, and boto's own host name check
runs on the verified certificate, so a mismatch still raises boto's
``InvalidCertificateException`` and a bad chain :class:`ssl.SSLError`
(``SSLCertVerificationError``).
"""
from __future__ import absolute_import


def repair(module):
    """Give ``module.CertValidatingHTTPSConnection`` a ``connect`` built on
    :class:`ssl.SSLContext`."""
    cls = module.CertValidatingHTTPSConnection
    if getattr(cls.connect, 'mangrove_boto_compat', False):
        return
    cls.connect = _make_connect(module)


def _make_connect(https_connection):
    """The replacement ``connect``, bound to the ``boto.https_connection``
    module whose host name check and exception it uses."""
    import socket

    def connect(self):
        """Connect to a host on a given (SSL) port, verifying its
        certificate against ``ca_certs`` and its host name."""
        import boto
        if hasattr(self, 'timeout'):
            sock = socket.create_connection((self.host, self.port),
                                            self.timeout)
        else:
            sock = socket.create_connection((self.host, self.port))
        if self.ca_certs:
            boto.log.debug('wrapping ssl socket; CA certificate file=%s',
                           self.ca_certs)
        else:
            boto.log.debug('wrapping ssl socket; using system provided '
                           'SSL certs')
        try:
            context = validating_context(self.ca_certs, self.cert_file,
                                         self.key_file)
            self.sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        cert = self.sock.getpeercert()
        hostname = self.host.split(':', 0)[0]
        if not https_connection.ValidateCertificateHostname(cert, hostname):
            self.sock.close()
            self.sock = None
            raise https_connection.InvalidCertificateException(
                hostname, cert,
                'remote hostname "%s" does not match certificate' % hostname)

    connect.mangrove_boto_compat = True
    return connect


def validating_context(ca_certs, cert_file, key_file):
    """An :class:`ssl.SSLContext` that does what ``ssl.wrap_socket(...,
    cert_reqs=CERT_REQUIRED, ca_certs=..., certfile=..., keyfile=...)``
    did, and sends SNI.

    The host name is left to boto's ``ValidateCertificateHostname`` after
    the handshake (``check_hostname`` off), as on every older Python: a
    mismatch must raise boto's ``InvalidCertificateException``, which
    callers of boto catch, not an :class:`ssl.SSLError`.
    """
    import ssl
    if key_file and not cert_file:
        raise ValueError('certfile must be specified')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    if ca_certs:
        context.load_verify_locations(cafile=ca_certs)
    else:
        # boto's ca_certificates_file = system: "using system provided SSL
        # certs", as boto logs; without them nothing could verify.
        context.load_default_certs()
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    return context
