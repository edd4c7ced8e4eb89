# -*- coding: utf-8 -*-
"""The test bed's fault proxy: latency, faults and records per region.

:class:`LoopbackProxy` is a small threaded forward proxy on 127.0.0.1 that
boto uses as its ``proxy``/``proxy_port`` in front of the moto server: it
adds per-region latency, injects faults and records what was sent.
"""
from __future__ import absolute_import

import json
import socket
import threading
import time

from six.moves import BaseHTTPServer, http_client, socketserver
from six.moves.urllib.parse import parse_qs, urlsplit

from mangrove.testing import LOOPBACK

from .names import credential_scope, region_of_host
from .throttle import access_key, throttling_answer


def _header_pairs(message):
    """``(name, value)`` pairs of a header block, duplicates kept in order."""
    raw = getattr(message, 'headers', None)
    if not isinstance(raw, list):
        return list(message.items())
    # Python 2's mimetools/httplib messages keep only a dict plus raw lines.
    pairs = []
    for line in raw:
        if line[:1] in (' ', '\t') and pairs:
            name, value = pairs[-1]
            pairs[-1] = (name, value + ' ' + line.strip())
        elif ':' in line:
            name, value = line.split(':', 1)
            pairs.append((name.strip(), value.strip()))
    return pairs


def _error_body(code, message):
    return (u'<?xml version="1.0" encoding="UTF-8"?>\n'
            u'<Response><Errors><Error><Code>%s</Code><Message>%s</Message>'
            u'</Error></Errors><RequestID>mangrove-testbed</RequestID>'
            u'</Response>' % (code, message)).encode('utf-8')


def _not_enabled(host, content_type):
    """AWS's answer to a request for a region the account has not enabled,
    in the words of the request's protocol: ``(status, headers, body)``."""
    if 'json' in (content_type or ''):
        return 400, [('Content-Type', 'application/x-amz-json-1.1')], (
            b'{"__type": "UnrecognizedClientException", "message": '
            b'"The security token included in the request is invalid."}')
    if (host or '').startswith('ec2.'):
        return 401, [('Content-Type', 'text/xml')], _error_body(
            'AuthFailure',
            'AWS was not able to validate the provided access credentials')
    return 403, [('Content-Type', 'text/xml')], (
        u'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        u'<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>'
        u'<Message>The security token included in the request is invalid.'
        u'</Message></Error><RequestId>mangrove-testbed</RequestId>'
        u'</ErrorResponse>').encode('utf-8')


_FAULTS = (None, '', '503', 'reset', 'stall', 'not-enabled')


def _parameter(path, body, name):
    """A query-protocol parameter of a request, from its URL or form."""
    query = urlsplit(path).query
    for text in (query, body.decode('latin-1') if body else ''):
        values = parse_qs(text).get(name)
        if values:
            return values[0]
    return None


def _action(path, body):
    return _parameter(path, body, 'Action')


def _client_token(path, body):
    """A request's ``ClientToken``: a query parameter, or a member of a
    JSON body."""
    token = _parameter(path, body, 'ClientToken')
    if token is None and body[:1] == b'{':
        try:
            token = json.loads(body.decode('utf-8')).get('ClientToken')
        except (ValueError, AttributeError):
            return None
    return token


_HOP_BY_HOP = ('connection', 'keep-alive', 'transfer-encoding',
               'proxy-connection')


class _Dropped(Exception):
    """The client connection is to be closed without an answer."""


class _ProxyHandler(BaseHTTPServer.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # Longer than boto's own 60 s staleness limit for pooled connections, so
    # an idle keep-alive connection is never closed under boto's feet.
    timeout = 300

    def setup(self):
        BaseHTTPServer.BaseHTTPRequestHandler.setup(self)
        self.server.track(self.connection)

    def finish(self):
        try:
            BaseHTTPServer.BaseHTTPRequestHandler.finish(self)
        except socket.error:
            pass
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format, *args):
        pass

    def handle_one_request(self):
        try:
            BaseHTTPServer.BaseHTTPRequestHandler.handle_one_request(self)
        except (_Dropped, socket.error, http_client.HTTPException):
            self.close_connection = True

    def do_CONNECT(self):
        self._answer(501, [('Content-Type', 'text/xml')],
                     _error_body('NotImplemented', 'no CONNECT tunnels'))

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                if not size_line:
                    raise _Dropped()
                size = int(size_line.split(b';', 1)[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b'\r\n', b'\n',
                                                             b''):
                        pass
                    return b''.join(chunks), True
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        if len(body) != length:
            raise _Dropped()
        return body, False

    def _proxy(self):
        proxy = self.server.proxy
        body, dechunked = self._read_body()
        host = self.headers.get('Host')
        if not host and '://' in self.path:
            host = urlsplit(self.path).netloc
        region = region_of_host(host)
        authorization = self.headers.get('Authorization')
        behaviour = proxy._behaviour(region)
        throttle = proxy.throttle.get(region, proxy.throttle.get('*'))
        endpoint = (access_key(authorization, self.path, body), host)
        throttled = None
        if throttle is not None and throttle.enter(endpoint):
            throttled = throttling_answer(
                host, self.headers.get('Content-Type'), throttle.status,
                throttle.code, throttle.retry_after)
        proxy._record({
            'host': host,
            'method': self.command,
            'path': self.path,
            'authorization': authorization,
            'security_token': self.headers.get('X-Amz-Security-Token') or
            _parameter(self.path, body, 'SecurityToken'),
            'region': region,
            'scope': credential_scope(authorization),
            'latency': behaviour[0],
            'fault': behaviour[1],
            'throttled': throttled[3] if throttled else None,
            'action': _action(self.path, body) or
            self.headers.get('X-Amz-Target'),
            'client_token': _client_token(self.path, body),
        })
        if throttled is not None:
            self._answer(*throttled[:3])
            return
        try:
            self._respond(proxy, behaviour, host, body, dechunked)
        finally:
            if throttle is not None:
                throttle.leave(endpoint)

    def _respond(self, proxy, behaviour, host, body, dechunked):
        latency, fault = behaviour
        if fault not in _FAULTS:
            raise ValueError('unknown fault %r' % (fault,))
        if latency and self.server.stopping.wait(latency):
            raise _Dropped()
        if fault == 'reset':
            raise _Dropped()
        if fault == '503':
            self._answer(503, [('Content-Type', 'text/xml')],
                         _error_body('ServiceUnavailable',
                                     'injected by the mangrove test bed'))
            return
        answer = proxy.answers.get(_action(self.path, body) or
                                   self.headers.get('X-Amz-Target'))
        if callable(answer):
            # Asked per request: it may answer some requests and not others.
            answer = answer(lambda name: _parameter(self.path, body, name))
        if answer is not None:
            status, content_type, payload = answer
            self._answer(status, [('Content-Type', content_type)], payload)
            return
        if fault == 'not-enabled':
            self._answer(*_not_enabled(host,
                                       self.headers.get('Content-Type')))
            return
        if fault == 'stall':
            outcome = proxy._hold(self.server)
            if outcome == 'stopped':
                raise _Dropped()
            if outcome == 'expired':
                self._answer(504, [('Content-Type', 'text/xml')],
                             _error_body('GatewayTimeout',
                                         'stalled by the mangrove test bed '
                                         'and never released'))
                return
        self._carry_out(proxy, host, body, dechunked)

    def _carry_out(self, proxy, host, body, dechunked):
        """Forward the request (or answer a known client token's re-send
        as AWS does), then answer, or lose the answer."""
        token = _client_token(self.path, body) if proxy.idempotent else None
        answer = proxy._done.get((host, token)) if token else None
        if answer is None:
            answer = self._forward(proxy, body, dechunked)
            if token and answer[0] < 500:
                # AWS keeps a token's answer: a re-send gets it again.
                proxy._done.setdefault((host, token), answer)
        if proxy._loses_answer(_action(self.path, body)):
            raise _Dropped()   # the work is done; the client never hears
        self._answer(*answer)

    def _forward(self, proxy, body, dechunked):
        """Send the request upstream: the answer as ``_answer``'s
        arguments."""
        headers = _header_pairs(self.headers)
        if dechunked:
            headers = [(k, v) for k, v in headers
                       if k.lower() not in ('transfer-encoding',
                                            'content-length')]
            headers.append(('Content-Length', str(len(body))))
        conn = http_client.HTTPConnection(proxy.upstream_host,
                                          proxy.upstream_port,
                                          timeout=proxy.upstream_timeout)
        try:
            try:
                conn.putrequest(self.command, self.path, skip_host=True,
                                skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                conn.endheaders()
                if body:
                    conn.send(body)
                response = conn.getresponse()
                payload = response.read()
            except (socket.error, http_client.HTTPException) as exc:
                return (502, [('Content-Type', 'text/xml')],
                        _error_body('BadGateway', 'upstream failed: %s' % exc))
        finally:
            conn.close()
        rewrite = proxy.rewrite.get(_action(self.path, body))
        if rewrite is not None and response.status == 200:
            payload = rewrite(payload)
        relayed = [(k, v) for k, v in _header_pairs(response.msg)
                   if k.lower() not in _HOP_BY_HOP + ('content-length',)]
        if self.command == 'HEAD' or response.status in (204, 304):
            length = response.getheader('Content-Length')
            if length is not None:
                relayed.append(('Content-Length', length))
            payload = b''
        else:
            relayed.append(('Content-Length', str(len(payload))))
        return (response.status, relayed, payload, response.reason, True)

    def _answer(self, status, headers, body, reason=None, counted=False):
        if self.server.is_stopping():
            raise _Dropped()
        if reason is None:
            reason = self.responses.get(status, ('',))[0]
        if not counted:
            headers = list(headers) + [('Content-Length', str(len(body)))]
        if self.close_connection:
            headers.append(('Connection', 'close'))
        lines = ['HTTP/1.1 %d %s' % (status, reason)]
        lines.extend('%s: %s' % (k, v) for k, v in headers)
        head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        self.wfile.write(head + body)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = \
        do_OPTIONS = _proxy


class _ProxyServer(socketserver.ThreadingMixIn, BaseHTTPServer.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    # stop() must not wait for handler threads: they may be stalled on
    # purpose, and stop() wakes them by closing their sockets instead.
    block_on_close = False
    # A fan-out opens a connection per region at once (38 for EC2);
    # socketserver's backlog of 5 overflows and some are reset.
    request_queue_size = 128

    def __init__(self, address, proxy):
        self.proxy = proxy
        self.stopping = threading.Event()
        self._conns = set()
        self._conns_lock = threading.Lock()
        BaseHTTPServer.HTTPServer.__init__(self, address, _ProxyHandler)

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall
        # on a machine with slow name resolution; nothing here needs it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def is_stopping(self):
        return self.stopping.is_set()

    def track(self, sock):
        with self._conns_lock:
            self._conns.add(sock)
            if not self.stopping.is_set():
                return
        _shutdown_socket(sock)

    def untrack(self, sock):
        with self._conns_lock:
            self._conns.discard(sock)

    def drop_all(self):
        self.stopping.set()
        with self._conns_lock:
            conns = list(self._conns)
        for sock in conns:
            _shutdown_socket(sock)

    def handle_error(self, request, client_address):
        # A client that goes away mid-request is ordinary here.
        pass


def _shutdown_socket(sock):
    # The peer may already be gone; stop() must go on regardless.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except socket.error:
        pass


class LoopbackProxy(object):
    """A threaded HTTP forward proxy on 127.0.0.1 in front of a moto server.

    boto uses it as its ``proxy``/``proxy_port``: every request (an absolute
    URL such as ``http://ec2.eu-west-1.amazonaws.com/?Action=...``, or a
    relative path with a Host header when a client talks to the proxy as if
    it were the server) is forwarded unchanged to the upstream port and the
    answer relayed back.  Per-region behaviour follows the region of the
    Host header (:func:`region_of_host`); the key ``'*'`` applies to every
    region that has no entry of its own.

    :param upstream: the upstream port, or an object with a ``port``
        attribute such as a :class:`MotoServer`.
    :type upstream: int or MotoServer
    :param latency: region -> seconds to sleep before forwarding.
    :type latency: dict or None
    :param faults: region -> ``'503'`` (answer 503 ServiceUnavailable),
        ``'reset'`` (close the connection without answering), ``'stall'``
        (hold the request until :meth:`release` or :meth:`stop`, at most
        ``max_stall`` seconds, after which it is answered 504) or
        ``'not-enabled'`` (answer as AWS does for a region the account has
        not enabled: EC2 ``401 AuthFailure``, JSON services ``400
        UnrecognizedClientException``, other services ``403
        InvalidClientTokenId``).
    :type faults: dict or None
    :param throttle: region -> a :class:`bed.throttle.Throttle`: the
        region's requests are answered with their service's throttling
        error (EC2 ``RequestLimitExceeded``, S3 ``SlowDown``, ...) when
        too many of one endpoint (access key and host) are in flight or
        too fast.
    :type throttle: dict or None
    :param port: the port to listen on; a free one when None.
    :type port: int or None
    :param max_stall: upper bound in seconds of a stall.
    :type max_stall: float
    :param upstream_timeout: socket timeout in seconds towards upstream.
    :type upstream_timeout: float

    Attributes: ``port``, ``upstream_port``, ``latency``, ``faults`` (both
    may be changed while the proxy runs), ``answers`` (a query action such
    as ``'DescribeRegions'``, or a JSON request's ``X-Amz-Target`` such as
    ``'CloudHsmFrontendService.CreateHsm'``, ->
    ``(status, content_type, body)`` the proxy
    answers itself, for what the emulator cannot be made to say; or a
    callable taking ``param(name)``, which reads one of the request's
    parameters, and returning such a triple, or None to forward it),
    ``rewrite`` (a query action -> a callable taking the emulator's
    successful answer, bytes, and returning the answer to relay instead)
    and ``records``, a list with one
    dict per request received: ``host``, ``method``, ``path``,
    ``authorization``, ``security_token`` (the ``X-Amz-Security-Token``
    header, or Signature Version 2's ``SecurityToken`` parameter),
    ``region``, ``scope`` (see :func:`credential_scope`),
    the ``latency`` and ``fault`` that were applied, and ``throttled``, the
    throttling error code it was answered with (None: not throttled),
    ``action`` (a query action, or a JSON request's ``X-Amz-Target``) and
    ``client_token``, the request's ``ClientToken`` (or None).

    ``lose_answers`` maps a query action (``'RunInstances'``) to how many
    of its next requests are carried out and then left unanswered: the
    proxy forwards each one, then closes the client's connection, as a
    network that drops a connection after AWS did the work. With
    ``idempotent`` set, the proxy keeps AWS's promise that moto does not:
    a request whose ``ClientToken`` was seen before (for the same host) is
    answered what the first one got, and is not forwarded again.
    """

    upstream_host = LOOPBACK

    def __init__(self, upstream, latency=None, faults=None, port=None,
                 max_stall=60.0, upstream_timeout=60.0, throttle=None):
        self.upstream_port = int(getattr(upstream, 'port', upstream))
        self.latency = dict(latency or {})
        self.faults = dict(faults or {})
        self.throttle = dict(throttle or {})
        self.answers = {}
        self.lose_answers = {}
        self.idempotent = False
        self._done = {}
        self.rewrite = {}
        self.port = port
        self.max_stall = max_stall
        self.upstream_timeout = upstream_timeout
        self.records = []
        self._lock = threading.Lock()
        self._records_changed = threading.Condition(self._lock)
        self._release = threading.Event()
        self._held = 0
        self._server = None
        self._thread = None

    @property
    def running(self):
        """Whether the proxy is listening.

        :rtype: bool
        """
        return self._server is not None

    @property
    def held(self):
        """How many requests a ``'stall'`` fault is holding right now.

        :rtype: int
        """
        with self._lock:
            return self._held

    def start(self):
        """Listen (on ``port`` if set, else on a free port) and serve.

        :rtype: LoopbackProxy
        """
        if self._server is not None:
            return self
        server = _ProxyServer((LOOPBACK, self.port or 0), self)
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever,
                                  kwargs={'poll_interval': 0.05},
                                  name='LoopbackProxy-%s' % self.port)
        thread.daemon = True
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self):
        """Close the listening socket and every open client connection.

        Stalled requests are dropped unanswered.  Idempotent.
        """
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.server_close()
        server.drop_all()
        thread.join(10)

    def restart(self):
        """Stop, then listen again on the same port.

        :rtype: LoopbackProxy
        """
        self.stop()
        return self.start()

    def clear(self):
        """Forget the records."""
        with self._lock:
            del self.records[:]

    def release(self):
        """Let every request held by a ``'stall'`` fault go on upstream.

        Requests that arrive later stall again while the fault is set.
        """
        with self._lock:
            event, self._release = self._release, threading.Event()
        event.set()

    def wait_for_records(self, count, timeout=30.0):
        """Wait until at least ``count`` requests were recorded.

        :param count: how many records.
        :type count: int
        :param timeout: give up after this many seconds.
        :type timeout: float
        :returns: a copy of the records.
        :rtype: list
        :raises AssertionError: on timeout.
        """
        deadline = time.time() + timeout
        with self._lock:
            while len(self.records) < count:
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise AssertionError(
                        'expected %d proxy records, got %d: %r'
                        % (count, len(self.records), self.records))
                self._records_changed.wait(min(remaining, 0.5))
            return list(self.records)

    def wait_held(self, count, timeout=30.0):
        """Wait until ``'stall'`` holds at least ``count`` requests.

        :param count: how many held requests.
        :type count: int
        :param timeout: give up after this many seconds.
        :type timeout: float
        :raises AssertionError: on timeout.
        """
        deadline = time.time() + timeout
        with self._lock:
            while self._held < count:
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise AssertionError('expected %d held requests, got %d'
                                         % (count, self._held))
                self._records_changed.wait(min(remaining, 0.5))

    def _behaviour(self, region):
        latency = self.latency.get(region, self.latency.get('*', 0)) or 0
        fault = self.faults.get(region, self.faults.get('*'))
        return latency, fault

    def _loses_answer(self, action):
        """Whether this request of ``action`` is to go unanswered (one of
        the next ``lose_answers[action]``)."""
        with self._lock:
            left = self.lose_answers.get(action, 0)
            if left <= 0:
                return False
            self.lose_answers[action] = left - 1
            return True

    def _record(self, record):
        with self._lock:
            self.records.append(record)
            self._records_changed.notify_all()

    def _hold(self, server):
        """Hold a stalled request: 'released', 'stopped' or 'expired'."""
        with self._lock:
            release = self._release
            self._held += 1
            self._records_changed.notify_all()
        try:
            deadline = time.time() + self.max_stall
            while not server.is_stopping():
                if release.wait(0.05):
                    return 'released'
                if time.time() >= deadline:
                    return 'expired'
            return 'stopped'
        finally:
            with self._lock:
                self._held -= 1
                self._records_changed.notify_all()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        return '<LoopbackProxy 127.0.0.1:%s -> %s%s>' % (
            self.port, self.upstream_port,
            '' if self.running else ' (stopped)')
