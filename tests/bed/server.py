# -*- coding: utf-8 -*-
"""The moto server of the test bed: ``moto[server]==4.2.14`` on 127.0.0.1.

The server may run from another Python 3 interpreter than the tests (see
:func:`moto_python`): moto needs 3.7+, the code under test may be 2.7.  The
test process only shares a port with it.
"""
from __future__ import absolute_import

import atexit
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from six.moves import http_client

from .loopback import LOOPBACK, free_port, port_accepts

# moto's server with a cheap reset (see moto_runner.py's docstring).
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
