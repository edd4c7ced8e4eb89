# -*- coding: utf-8 -*-
"""An HTTP ``CONNECT`` proxy on loopback, for HTTPS-through-a-proxy tests.

boto opens a tunnel with ``CONNECT host:443`` to the real AWS host name;
this proxy records each request (target, headers) and tunnels it to one
fixed upstream on loopback (the test's TLS moto server), never to the host
named, so no traffic leaves 127.0.0.1. It can require
``Proxy-Authorization`` (answering 407 without it) and refuse every tunnel
(answering 403).

It reads request heads leniently, as real proxies do: boto on Python 2
ends its ``Proxy-Authorization`` line with base64's bare ``\\n``.

Threaded, with a deep accept queue (a hundred pending connections, not
socketserver's default five), daemon threads and a lifetime after which it
stops by itself. One source for Python 2.7 and 3.
"""
from __future__ import absolute_import

import base64
import select
import socket
import threading

from six.moves import socketserver

from mangrove.testing import LOOPBACK
_MAX_HEAD = 64 * 1024
_IDLE = 30.0


class ConnectProxy(object):
    """A ``CONNECT`` proxy on 127.0.0.1 that tunnels to ``upstream``.

    :param upstream: ``(host, port)`` every tunnel goes to (loopback).
    :param credentials: ``(user, password)`` the proxy requires, or None.
    :param refuse: an HTTP status to answer every ``CONNECT`` with, or None.
    :param lifetime: seconds after :meth:`start` at which it stops itself.
    """

    def __init__(self, upstream, credentials=None, refuse=None,
                 lifetime=120.0):
        if upstream[0] != LOOPBACK:
            raise ValueError('upstream must be on %s, not %r'
                             % (LOOPBACK, upstream[0]))
        self.upstream = upstream
        self.credentials = credentials
        self.refuse = refuse
        self.lifetime = lifetime
        self._records = []
        self._lock = threading.Lock()
        self._server = None
        self._timer = None
        self._stopped = False

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def requests(self):
        """What went through, in order: dicts with ``method``, ``target``,
        ``headers`` (lower-cased names), ``status`` answered and
        ``tunnelled`` (bytes relayed each way)."""
        with self._lock:
            return [dict(record) for record in self._records]

    def start(self):
        self._server = _Server((LOOPBACK, 0), _Handler)
        self._server.proxy = self
        thread = threading.Thread(target=self._server.serve_forever,
                                  kwargs={'poll_interval': 0.05})
        thread.daemon = True
        thread.start()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self):
        """Stop accepting; idempotent (the lifetime timer calls it too)."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._server is None or self._stopped:
                return
            self._stopped = True
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _record(self, record):
        with self._lock:
            self._records.append(record)

    def _authorized(self, headers):
        if self.credentials is None:
            return True
        token = base64.b64encode(
            ('%s:%s' % self.credentials).encode('utf-8')).decode('ascii')
        return headers.get('proxy-authorization', '').strip() == \
            'Basic ' + token


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Handler(socketserver.BaseRequestHandler):

    def handle(self):
        proxy = self.server.proxy
        client = self.request
        client.settimeout(_IDLE)
        head = _read_head(client)
        if head is None:
            return
        method, target, headers = head
        record = {'method': method, 'target': target, 'headers': headers,
                  'status': None, 'tunnelled': [0, 0]}
        if method != 'CONNECT':
            status = 405
        elif not proxy._authorized(headers):
            status = 407
        elif proxy.refuse is not None:
            status = proxy.refuse
        else:
            status = 200
        record['status'] = status
        proxy._record(record)
        if status != 200:
            reason = {403: 'Forbidden', 405: 'Method Not Allowed',
                      407: 'Proxy Authentication Required'}.get(status, 'No')
            extra = ('Proxy-Authenticate: Basic realm="mangrove"\r\n'
                     if status == 407 else '')
            body = ('%d %s\n' % (status, reason)).encode('ascii')
            client.sendall(('HTTP/1.0 %d %s\r\n%sContent-Length: %d\r\n'
                            'Connection: close\r\n\r\n'
                            % (status, reason, extra, len(body)))
                           .encode('ascii') + body)
            return
        upstream = socket.create_connection(proxy.upstream, 10)
        try:
            client.sendall(b'HTTP/1.0 200 Connection established\r\n\r\n')
            _relay(client, upstream, record['tunnelled'])
        finally:
            upstream.close()


def _read_head(sock):
    """``(method, target, headers)`` of the request head on ``sock``,
    lines ended by CRLF or a bare LF; None if the client went away."""
    data = b''
    while True:
        for end in (b'\r\n\r\n', b'\n\r\n', b'\n\n'):
            if end in data:
                text = data[:data.index(end)].decode('latin-1')
                lines = [line.rstrip('\r') for line in text.split('\n')]
                parts = lines[0].split()
                if len(parts) != 3:
                    return None
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(':')
                    headers[name.strip().lower()] = value.strip()
                return parts[0], parts[1], headers
        if len(data) > _MAX_HEAD:
            return None
        try:
            chunk = sock.recv(4096)
        except socket.error:
            return None
        if not chunk:
            return None
        data += chunk


def _relay(client, upstream, counts):
    """Copy bytes both ways until one side closes or all is idle."""
    sockets = [client, upstream]
    while True:
        readable = select.select(sockets, [], [], _IDLE)[0]
        if not readable:
            return
        for sock in readable:
            try:
                chunk = sock.recv(65536)
            except socket.error:
                return
            if not chunk:
                return
            other = upstream if sock is client else client
            counts[0 if sock is client else 1] += len(chunk)
            try:
                other.sendall(chunk)
            except socket.error:
                return
