# -*- coding: utf-8 -*-
"""
The loopback side of :mod:`mangrove.testing`: free ports, the boto config
and the environment that keep boto's requests on 127.0.0.1.
"""
from __future__ import absolute_import

import contextlib
import io
import os
import socket
import sys

from mangrove.exceptions import InvalidArgumentError, wrong_type

LOOPBACK = '127.0.0.1'

#: Credentials the emulator accepts; they open nothing anywhere else.
TEST_CREDENTIALS = {'aws_access_key_id': 'testing',
                    'aws_secret_access_key': 'testing'}

# Environment that could send boto's requests past the proxy (no_proxy),
# bring in real credentials, or read the user's boto configuration.
_ISOLATED_ENV = ('no_proxy', 'NO_PROXY', 'BOTO_CONFIG', 'BOTO_PATH',
                 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                 'AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
                 'AWS_CREDENTIAL_FILE', 'AWS_SHARED_CREDENTIALS_FILE')


def free_port():
    """A TCP port of 127.0.0.1 that was free a moment ago.

    :rtype: int
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def port_accepts(port, timeout=0.5):
    """Whether 127.0.0.1:``port`` accepts a TCP connection now.

    :param port: the port.
    :type port: int
    :param timeout: seconds to wait for the connection.
    :type timeout: float
    :rtype: bool
    """
    try:
        sock = socket.create_connection((LOOPBACK, check_port(port)),
                                        timeout)
    except socket.error:
        return False
    sock.close()
    return True


def check_port(port):
    """Return ``port`` when it is a TCP port number, else raise."""
    if isinstance(port, bool) or not isinstance(port, int):
        raise wrong_type('port', 'an int', port)
    if not 0 < port < 65536:
        raise InvalidArgumentError(
            'port must be between 1 and 65535, not %r' % (port,))
    return port


def write_boto_config(path, port, extra=None):
    """Write a boto config that sends unmodified boto code to ``port``.

    boto reads its config once, when first imported: set ``BOTO_CONFIG`` to
    ``path`` before that.

    :param path: the file to write.
    :type path: str
    :param port: the proxy port (a :class:`MotoServer`'s, or a proxy's in
        front of it).
    :type port: int
    :param extra: more settings, ``{section: {key: value}}``; they override
        the defaults of the same name.
    :type extra: dict or None
    :returns: ``path``
    :rtype: str
    """
    sections = [
        ('Credentials', sorted(TEST_CREDENTIALS.items())),
        ('Boto', [('is_secure', 'False'),
                  ('proxy', LOOPBACK),
                  ('proxy_port', str(check_port(port))),
                  ('num_retries', '0')]),
    ]
    if extra is not None and not isinstance(extra, dict):
        raise wrong_type('extra', 'a dict of sections', extra)
    for section, values in sorted((extra or {}).items()):
        for existing, pairs in sections:
            if existing == section:
                break
        else:
            pairs = []
            sections.append((section, pairs))
        for key, value in sorted(values.items()):
            pairs[:] = [(k, v) for k, v in pairs if k != key]
            pairs.append((key, str(value)))
    lines = []
    for section, pairs in sections:
        lines.append(u'[%s]' % section)
        lines.extend(u'%s = %s' % (k, v) for k, v in pairs)
        lines.append(u'')
    with io.open(path, 'w', encoding='utf-8') as handle:
        handle.write(u'\n'.join(lines))
    return path


@contextlib.contextmanager
def isolated_environ():
    """Set aside the environment that could lead boto away from loopback.

    ``no_proxy`` (boto would bypass the proxy), ``AWS_*`` credentials and
    profiles, ``BOTO_CONFIG`` and ``BOTO_PATH`` are removed for the block
    and restored after it. When boto is not imported yet, ``BOTO_CONFIG``
    names an empty file for the block, so that the boto imported in it
    reads no configuration at all.
    """
    saved = dict((name, os.environ.pop(name))
                 for name in _ISOLATED_ENV if name in os.environ)
    if 'boto' not in sys.modules:
        os.environ['BOTO_CONFIG'] = os.devnull
    try:
        yield
    finally:
        for name in _ISOLATED_ENV:
            os.environ.pop(name, None)
        os.environ.update(saved)
