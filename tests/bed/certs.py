# -*- coding: utf-8 -*-
"""Throw-away TLS certificates for the test bed's HTTPS servers."""
from __future__ import absolute_import

import os
import subprocess


def make_tls_cert(directory, common_name='localhost'):
    """Make a throw-away self-signed certificate with ``openssl``.

    It names ``localhost`` and ``127.0.0.1`` as subject alternative names,
    so it can serve as its own CA for a client that validates.

    :param directory: where to write ``cert.pem`` and ``key.pem``.
    :type directory: str
    :param common_name: the subject's CN.
    :type common_name: str
    :returns: ``(cert_path, key_path)``
    :rtype: tuple
    :raises RuntimeError: when ``openssl`` is missing or fails.
    """
    cert = os.path.join(directory, 'cert.pem')
    key = os.path.join(directory, 'key.pem')
    argv = ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
            '-days', '2', '-subj', '/CN=%s' % common_name,
            '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
            '-keyout', key, '-out', cert]
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as exc:
        raise RuntimeError('cannot run openssl: %s' % exc)
    output = proc.communicate()[0]
    if proc.returncode != 0:
        raise RuntimeError('openssl failed: %s'
                           % output.decode('utf-8', 'replace'))
    return cert, key
