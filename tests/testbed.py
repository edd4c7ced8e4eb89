# -*- coding: utf-8 -*-
"""Test bed for mangrove: a real moto server on loopback and a loopback proxy.

mangrove is tested against a real AWS emulator speaking HTTP, never against
mocks of boto.  This module starts that emulator (``moto[server]==4.2.14``),
writes the boto config that points unmodified boto code at it, and provides
:class:`LoopbackProxy`, a small forward proxy that boto can use as its
``proxy``/``proxy_port`` to add per-region latency, inject faults and record
what was sent.

It is one source for Python 2.7 and 3.6 and newer and needs only the
standard library and ``six``.  The moto server may run from another Python 3
interpreter (see :func:`moto_python`); the test process only shares a port
with it.
"""
from __future__ import absolute_import, division, print_function

import atexit
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from six.moves import BaseHTTPServer, http_client, socketserver
from six.moves.urllib.parse import urlsplit

# The demo starts its own moto server the same way; the tests share its
# loopback helpers.
from mangrove.demo import free_port, port_accepts

__all__ = [
    'free_port', 'moto_python', 'MotoServer', 'make_tls_cert',
    'write_boto_config', 'region_of_host', 'credential_scope',
    'LoopbackProxy', 'COMMERCIAL_REGIONS',
]

LOOPBACK = '127.0.0.1'

#: AWS's 34 commercial regions, as the region catalog lists them.
COMMERCIAL_REGIONS = [
    'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1',
    'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-central-1',
    'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
    'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1',
    'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1',
    'us-east-2', 'us-west-1', 'us-west-2',
]
# moto's server with a cheap reset (see the module's docstring).
MOTO_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           'moto_runner.py')

#: How long :meth:`MotoServer.start` waits for the server to accept TCP.
START_TIMEOUT = 30.0

#: How long :meth:`MotoServer.stop` waits after terminate before it kills.
STOP_GRACE = 5.0


def _same_interpreter(path):
    return os.path.realpath(path) == os.path.realpath(sys.executable)


def _child_env(python):
    """Environment for a child run by ``python``.

    A search path set up for this interpreter (say a Python 2.7 site
    directory) must not leak into another one: it would shadow that
    interpreter's own modules.
    """
    env = dict(os.environ)
    if not _same_interpreter(python):
        for name in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP',
                     'PYTHONUSERBASE'):
            env.pop(name, None)
    return env


_moto_python_checked = set()
_moto_python_lock = threading.Lock()


def moto_python():
    """Return the interpreter that runs the moto server.

    That is ``$MANGROVE_MOTO_PYTHON`` when set, else :data:`sys.executable`.
    The answer is checked once per process: the interpreter must be able to
    ``import moto.server``.

    :rtype: str
    :raises RuntimeError: when that interpreter cannot import ``moto.server``.
    """
    python = os.environ.get('MANGROVE_MOTO_PYTHON') or sys.executable
    with _moto_python_lock:
        if python in _moto_python_checked:
            return python
        devnull = open(os.devnull, 'rb')
        try:
            proc = subprocess.Popen(
                [python, '-c', 'import moto.server'],
                stdin=devnull, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, env=_child_env(python))
            output = proc.communicate()[0]
        except OSError as exc:
            raise RuntimeError(
                'cannot run the moto interpreter %r (%s); set '
                'MANGROVE_MOTO_PYTHON to a Python 3.7+ interpreter that has '
                'moto[server]==4.2.14 installed' % (python, exc))
        finally:
            devnull.close()
        if proc.returncode != 0:
            tail = output.decode('utf-8', 'replace').strip().splitlines()[-5:]
            raise RuntimeError(
                'the interpreter %r cannot import moto.server; set '
                'MANGROVE_MOTO_PYTHON to a Python 3.7+ interpreter that has '
                'moto[server]==4.2.14 installed.\n%s'
                % (python, '\n'.join(tail)))
        _moto_python_checked.add(python)
    return python


class MotoServer(object):
    """A ``moto.server`` process listening on 127.0.0.1.

    :param port: the port to listen on; a free one when None.
    :type port: int or None
    :param cert: path of a PEM certificate; with ``key`` the server speaks
        HTTPS.
    :type cert: str or None
    :param key: path of the PEM private key that goes with ``cert``.
    :type key: str or None
    """

    def __init__(self, port=None, cert=None, key=None):
        if (cert is None) != (key is None):
            raise ValueError('cert and key go together')
        self.port = port
        self.cert = cert
        self.key = key
        self.log_path = None
        self._fixed_port = port is not None
        self._proc = None
        self._log = None
        self._tmpdir = None
        self._lock = threading.Lock()

    @property
    def scheme(self):
        """``'https'`` when the server has a certificate, else ``'http'``.

        :rtype: str
        """
        return 'https' if self.cert else 'http'

    @property
    def url(self):
        """Base URL of the server, e.g. ``'http://127.0.0.1:5123'``.

        :rtype: str
        """
        return '%s://%s:%s' % (self.scheme, LOOPBACK, self.port)

    @property
    def running(self):
        """Whether the server process is alive.

        :rtype: bool
        """
        return self._proc is not None and self._proc.poll() is None

    def start(self):
        """Start the server and wait until its port accepts TCP.

        :rtype: MotoServer
        :raises RuntimeError: when the process dies or the port does not
            open within :data:`START_TIMEOUT` seconds; the message carries
            the tail of the server's log.
        """
        with self._lock:
            if self.running:
                return self
            python = moto_python()
            self._tmpdir = tempfile.mkdtemp(prefix='mangrove-moto-')
            self.log_path = os.path.join(self._tmpdir, 'moto.log')
            # A port picked by free_port() can be taken by someone else before
            # moto binds it; only then is a second port worth a try.
            attempts = 1 if self._fixed_port else 3
            for attempt in range(attempts):
                if not self._fixed_port:
                    self.port = free_port()
                self._spawn(python)
                if self._wait_until_up():
                    atexit.register(self.stop)
                    return self
                tail = self.log_tail()
                self._terminate()
                if 'in use' not in tail or attempt == attempts - 1:
                    self._cleanup()
                    raise RuntimeError(
                        'moto server on port %s did not come up:\n%s'
                        % (self.port, tail))
        return self

    def _spawn(self, python):
        argv = [python, MOTO_RUNNER, '-H', LOOPBACK, '-p', str(self.port)]
        if self.cert:
            argv += ['-c', self.cert, '-k', self.key]
        self._log = open(self.log_path, 'ab')
        devnull = open(os.devnull, 'rb')
        try:
            self._proc = subprocess.Popen(
                argv, stdin=devnull, stdout=self._log,
                stderr=subprocess.STDOUT, env=_child_env(python),
                close_fds=True)
        finally:
            devnull.close()

    def _wait_until_up(self):
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self._proc.poll() is not None:
                return False
            if port_accepts(self.port):
                return True
            time.sleep(0.1)
        return False

    def log_tail(self, lines=30):
        """Return the last lines of the server's log.

        :param lines: how many lines.
        :type lines: int
        :rtype: str
        """
        if not self.log_path or not os.path.exists(self.log_path):
            return ''
        with io.open(self.log_path, 'r', encoding='utf-8',
                     errors='replace') as handle:
            return ''.join(handle.readlines()[-lines:])

    def _terminate(self):
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            deadline = time.time() + STOP_GRACE
            while proc.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _cleanup(self):
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
            self.log_path = None

    def stop(self):
        """Stop the server: terminate, then kill after a few seconds.

        Idempotent.
        """
        with self._lock:
            self._terminate()
            self._cleanup()

    def reset(self):
        """Clear all of the server's state (``POST /moto-api/reset``).

        :raises RuntimeError: when the server does not answer 200.
        """
        if self.cert:
            import ssl
            # The server's certificate is a throw-away one; resetting it is
            # no place to check it.
            conn = http_client.HTTPSConnection(
                LOOPBACK, self.port, timeout=30,
                context=ssl._create_unverified_context())
        else:
            conn = http_client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        try:
            conn.request('POST', '/moto-api/reset', b'',
                         {'Content-Length': '0'})
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError('moto reset answered %s: %r'
                               % (response.status, body[:200]))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        return '<MotoServer %s%s>' % (
            self.url, '' if self.running else ' (stopped)')


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


def write_boto_config(path, port, extra=None):
    """Write a boto config that sends unmodified boto code to ``port``.

    boto in proxy mode sends absolute URLs that keep the real AWS host
    names, and moto routes and keeps state per region from those names.

    :param path: the file to write.
    :type path: str
    :param port: the proxy port (the moto server's or a
        :class:`LoopbackProxy`'s).
    :type port: int
    :param extra: more settings, ``{section: {key: value}}``; they override
        the defaults of the same name.
    :type extra: dict or None
    :returns: ``path``
    :rtype: str
    """
    sections = [
        ('Credentials', [('aws_access_key_id', 'testing'),
                         ('aws_secret_access_key', 'testing')]),
        ('Boto', [('is_secure', 'False'),
                  ('proxy', LOOPBACK),
                  ('proxy_port', str(port)),
                  ('num_retries', '0')]),
    ]
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


_REGION_RE = re.compile(
    r'(?:^|-)((?:us|eu|ap|sa|ca|me|af|il|cn|mx)(?:-gov|-iso|-isob)?'
    r'-[a-z]+-\d+)$')


def region_of_host(host):
    """Return the AWS region an AWS host name belongs to.

    Covers the forms boto 2.49 uses: ``ec2.eu-west-1.amazonaws.com``,
    ``us-west-1.queue.amazonaws.com``, ``bucket.s3-us-west-1.amazonaws.com``,
    ``s3.eu-central-1.amazonaws.com``, ``*.amazonaws.com.cn`` and the
    region-less global names (``ec2.amazonaws.com``, ``s3.amazonaws.com``,
    ``s3-external-1.amazonaws.com``, ``iam.amazonaws.com``...), which are
    ``us-east-1``.  A port suffix is ignored.

    :param host: a host name, maybe with ``:port``.
    :type host: str or None
    :returns: the region name, or None when ``host`` is no AWS host name.
    :rtype: str or None
    """
    if not host:
        return None
    host = host.strip().lower().rstrip('.')
    if ':' in host:
        host = host.rsplit(':', 1)[0]
    if host.endswith('.amazonaws.com.cn'):
        prefix, default = host[:-len('.amazonaws.com.cn')], 'cn-north-1'
    elif host.endswith('.amazonaws.com'):
        prefix, default = host[:-len('.amazonaws.com')], 'us-east-1'
    else:
        return None
    labels = prefix.split('.')
    # Right to left: an S3 bucket name in front of the service may itself
    # look like a region.
    for label in reversed(labels):
        match = _REGION_RE.search(label)
        if match:
            return match.group(1)
        if label == 'us-gov':
            return 'us-gov-west-1'
    return default


_CREDENTIAL_RE = re.compile(
    r'Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request')


def credential_scope(authorization):
    """Return the ``(region, service)`` of a SigV4 ``Authorization`` header.

    :param authorization: the header's value, e.g.
        ``'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, ...'``.
    :type authorization: str or None
    :returns: ``(region, service)``, or None for SigV2 or no header.
    :rtype: tuple or None
    """
    if not authorization:
        return None
    if isinstance(authorization, bytes):
        authorization = authorization.decode('latin-1')
    if not authorization.startswith('AWS4-'):
        return None
    match = _CREDENTIAL_RE.search(authorization)
    if not match:
        return None
    return match.group(1), match.group(2)


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


_FAULTS = (None, '', '503', 'reset', 'stall')

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
        proxy._record({
            'host': host,
            'method': self.command,
            'path': self.path,
            'authorization': authorization,
            'region': region,
            'scope': credential_scope(authorization),
            'latency': behaviour[0],
            'fault': behaviour[1],
        })
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
        self._forward(proxy, body, dechunked)

    def _forward(self, proxy, body, dechunked):
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
                self._answer(502, [('Content-Type', 'text/xml')],
                             _error_body('BadGateway',
                                         'upstream failed: %s' % exc))
                return
        finally:
            conn.close()
        relayed = [(k, v) for k, v in _header_pairs(response.msg)
                   if k.lower() not in _HOP_BY_HOP + ('content-length',)]
        if self.command == 'HEAD' or response.status in (204, 304):
            length = response.getheader('Content-Length')
            if length is not None:
                relayed.append(('Content-Length', length))
            payload = b''
        else:
            relayed.append(('Content-Length', str(len(payload))))
        self._answer(response.status, relayed, payload,
                     reason=response.reason, counted=True)

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
        ``'reset'`` (close the connection without answering) or ``'stall'``
        (hold the request until :meth:`release` or :meth:`stop`, at most
        ``max_stall`` seconds, after which it is answered 504).
    :type faults: dict or None
    :param port: the port to listen on; a free one when None.
    :type port: int or None
    :param max_stall: upper bound in seconds of a stall.
    :type max_stall: float
    :param upstream_timeout: socket timeout in seconds towards upstream.
    :type upstream_timeout: float

    Attributes: ``port``, ``upstream_port``, ``latency``, ``faults`` (both
    may be changed while the proxy runs) and ``records``, a list with one
    dict per request received: ``host``, ``method``, ``path``,
    ``authorization``, ``region``, ``scope`` (see :func:`credential_scope`),
    and the ``latency`` and ``fault`` that were applied.
    """

    upstream_host = LOOPBACK

    def __init__(self, upstream, latency=None, faults=None, port=None,
                 max_stall=60.0, upstream_timeout=60.0):
        self.upstream_port = int(getattr(upstream, 'port', upstream))
        self.latency = dict(latency or {})
        self.faults = dict(faults or {})
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
