# -*- coding: utf-8 -*-
"""
The moto server of :mod:`mangrove.testing`: a ``moto.server`` process on
127.0.0.1, run by the interpreter :func:`moto_python` names.
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

import six
from six.moves import http_client

from mangrove.exceptions import InvalidArgumentError, MangroveError, \
    wrong_type
from mangrove.testing.loopback import (LOOPBACK, TEST_CREDENTIALS,
                                       check_port, free_port, port_accepts,
                                       write_boto_config)

#: How long :meth:`MotoServer.start` waits for the server to accept TCP.
START_TIMEOUT = 30.0

#: How long :meth:`MotoServer.stop` waits after terminate before it kills.
STOP_GRACE = 5.0

# The server's main program, run with ``python -c`` so that the server's
# interpreter needs moto only, not mangrove. moto 4.2's reset rebuilds every
# region backend ever loaded (after a fan-out over 38 EC2 regions, 38 sets
# of default VPCs and AMIs: seconds per reset); this reset drops them and
# moto creates each again, empty, when a request first needs it. A request
# sees the same fresh region. Accounts go too: moto finds the account of
# an access key by visiting every account it has seen, rebuilding each one's
# IAM backend (its AWS managed policies: tens of milliseconds each), so
# accounts kept across resets made every later test slower. Another moto
# keeps its own reset.
#
# Every IAM backend (made for each account moto sees, and again at each
# reset) parses AWS's 1,171 managed policies and deep-copies them: 0.1-0.2 s
# of CPU, most of the server's work in a test suite that resets before every
# test. They are parsed once per account here, and each backend's copy is
# unpickled from one made once (5 times faster than deepcopy); moto's own
# reset already shares the parsed ones across resets.
#
# A reset is also skipped when nothing has changed since the last one: the
# server notes every request that may change state (any action but a read:
# Describe*, List*, Get*, ...; any REST method but GET and HEAD) and a
# reset with none since the last is a no-op that answers at once. What reads
# left behind (region backends moto made on first use) is what a reset
# would lead to anyway, so a test suite that resets before every test pays
# for a reset, and for rebuilding each region it touches (0.1 s each for
# EC2), only after a test that wrote. ``X-Mangrove-Reset`` in the answer
# says which happened.
_SERVER_MAIN = '''
import sys
import threading
try:
    from urllib.parse import parse_qs
except ImportError:
    from urlparse import parse_qs
try:
    from moto.core.base_backend import (
        AccountSpecificBackend, BackendDict, BaseBackend)
    from moto.core.model_instances import reset_model_data
    from moto.moto_api._internal.models import MotoAPIBackend
    AccountSpecificBackend.__getitem__.cache_clear
    BackendDict.__getitem__.cache_clear
except (ImportError, AttributeError):
    pass
else:
    def _reset_and_forget_accounts(self):
        # moto's own reset, over copies of its tables: a request still in
        # flight from a test's given-up task (a stalled role released at
        # its end) may add an account or a region to them meanwhile.
        region_name, account_id = self.region_name, self.account_id
        import moto.backends
        for name, backends in list(moto.backends.loaded_backends()):
            if name == 'moto_api':
                continue
            for backend in list(backends.values()):
                backend.reset()
            dict.clear(backends)
        reset_model_data()
        self.__init__(region_name, account_id)
        BackendDict.__getitem__.cache_clear()
    MotoAPIBackend.reset = _reset_and_forget_accounts

    def _drop_region_backends(self):
        for backend in list(self.values()):
            # S3, IAM, RDS and Batch clean up shared bookkeeping (such as
            # S3's global table of bucket names) in their own reset.
            if type(backend).reset is not BaseBackend.reset:
                backend.reset()
        self.clear()
        AccountSpecificBackend.__getitem__.cache_clear()
    AccountSpecificBackend.reset = _drop_region_backends

try:
    import json
    import pickle
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend
    IAMBackend._init_aws_policies, IAMBackend._init_managed_policies
except (ImportError, AttributeError):
    pass
else:
    _copy_aws_policies = IAMBackend._init_managed_policies
    _parsed = []         # AWS's managed policies, parsed
    _aws_policies = {}   # account id -> its AWS managed policies
    _pickled = {}        # account id -> those policies by ARN, pickled

    def _cached_aws_policies(self):
        if self.account_id not in _aws_policies:
            if not _parsed:
                _parsed.append(json.loads(aws_managed_policies_data))
            _aws_policies[self.account_id] = [
                AWSManagedPolicy.from_data(name, self.account_id, data)
                for name, data in _parsed[0].items()]
        return _aws_policies[self.account_id]

    def _cached_managed_policies(self):
        if self.aws_managed_policies is not _aws_policies.get(
                self.account_id):
            return _copy_aws_policies(self)
        if self.account_id not in _pickled:
            # A pickle's round trip is a deep copy, as moto's is.
            _pickled[self.account_id] = pickle.dumps(
                dict((policy.arn, policy)
                     for policy in self.aws_managed_policies),
                pickle.HIGHEST_PROTOCOL)
        return pickle.loads(_pickled[self.account_id])
    IAMBackend._init_aws_policies = _cached_aws_policies
    IAMBackend._init_managed_policies = _cached_managed_policies

import moto.server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_READS = ('Describe', 'List', 'Get', 'Head', 'Lookup', 'Search', 'Scan',
          'Query', 'BatchGet')
# Reads by name that make something all the same.
_WRITES = ('GetSessionToken', 'GetFederationToken')
_state = {'dirty': True}
_lock = threading.Lock()


def _action(environ):
    target = environ.get('HTTP_X_AMZ_TARGET')
    if target:
        return target.rsplit('.', 1)[-1]
    names = parse_qs(environ.get('QUERY_STRING', '')).get('Action')
    if names:
        return names[0]
    if environ.get('CONTENT_TYPE', '').startswith(
            'application/x-www-form-urlencoded'):
        try:
            size = int(environ.get('CONTENT_LENGTH') or 0)
        except ValueError:
            size = 0
        if size:
            import io
            body = environ['wsgi.input'].read(size)
            environ['wsgi.input'] = io.BytesIO(body)
            names = parse_qs(body.decode('utf-8', 'replace')).get('Action')
            if names:
                return names[0]
    return None


def _may_write(environ):
    action = _action(environ)
    if action is not None:
        return action in _WRITES or not action.startswith(_READS)
    return environ.get('REQUEST_METHOD', 'GET') not in ('GET', 'HEAD')


class _TrackingApplication(DomainDispatcherApplication):

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path == '/moto-api/reset' and environ.get(
                'REQUEST_METHOD') == 'POST':
            with _lock:
                dirty, _state['dirty'] = _state['dirty'], False
            if not dirty:
                start_response('200 OK', [
                    ('Content-Type', 'application/json'),
                    ('Content-Length', '17'), ('X-Mangrove-Reset', 'skipped')])
                return [b'{"status": "ok"}\\n']
            def tagged(status, headers, exc_info=None):
                return start_response(
                    status, list(headers) + [('X-Mangrove-Reset', 'done')],
                    exc_info)
            return DomainDispatcherApplication.__call__(
                self, environ, tagged)
        if path.startswith('/moto-api/') and environ.get(
                'REQUEST_METHOD') in ('GET', 'HEAD'):
            pass
        elif _may_write(environ):
            with _lock:
                _state['dirty'] = True
        return DomainDispatcherApplication.__call__(
            self, environ, start_response)


moto.server.DomainDispatcherApplication = _TrackingApplication
moto.server.main(sys.argv[1:])
'''


class MotoServerError(MangroveError, RuntimeError):
    """The moto server cannot run, did not come up, or answered an error."""


def _child_env(python):
    """Environment for a child run by ``python``.

    A search path set up for this interpreter (say a Python 2.7 site
    directory) must not leak into another one: it would shadow that
    interpreter's own modules.
    """
    env = dict(os.environ)
    if os.path.realpath(python) != os.path.realpath(sys.executable):
        for name in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP',
                     'PYTHONUSERBASE'):
            env.pop(name, None)
    return env


_checked_pythons = set()
_checked_lock = threading.Lock()


def moto_python(python=None):
    """Return the interpreter that runs the moto server.

    That is ``python`` when given, else ``$MANGROVE_MOTO_PYTHON`` when set,
    else :data:`sys.executable`. It is checked once per process: it must be
    able to ``import moto.server``.

    :param python: path of a Python 3.7+ interpreter with ``moto[server]``.
    :type python: str or None
    :rtype: str
    :raises MotoServerError: when that interpreter cannot import
        ``moto.server``.
    """
    if python is not None and not isinstance(python, six.string_types):
        raise wrong_type('python', 'a str', python)
    python = python or os.environ.get('MANGROVE_MOTO_PYTHON') or \
        sys.executable
    hint = ("; set MANGROVE_MOTO_PYTHON to a Python 3.7+ interpreter that has "
            "moto[server] (pip install 'boto-mangrove[demo]')")
    with _checked_lock:
        if python in _checked_pythons:
            return python
        try:
            with open(os.devnull, 'rb') as devnull:
                proc = subprocess.Popen(
                    [python, '-c', 'import moto.server'],
                    stdin=devnull, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, env=_child_env(python))
                output = proc.communicate()[0]
        except OSError as exc:
            raise MotoServerError('cannot run the moto interpreter %r (%s)%s'
                                  % (python, exc, hint))
        if proc.returncode != 0:
            tail = output.decode('utf-8', 'replace').strip().splitlines()[-5:]
            raise MotoServerError(
                'the interpreter %r cannot import moto.server%s.\n%s'
                % (python, hint, '\n'.join(tail)))
        _checked_pythons.add(python)
    return python


class MotoServer(object):
    """A ``moto.server`` process listening on 127.0.0.1.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    :param port: the port to listen on; a free one when None.
    :type port: int or None
    :param cert: path of a PEM certificate; with ``key`` the server speaks
        HTTPS.
    :type cert: str or None
    :param key: path of the PEM private key that goes with ``cert``.
    :type key: str or None
    :param python: the interpreter that runs the server (see
        :func:`moto_python`).
    :type python: str or None
    """

    def __init__(self, port=None, cert=None, key=None, python=None):
        if (cert is None) != (key is None):
            raise InvalidArgumentError(
                'cert and key go together, not cert=%r with key=%r'
                % (cert, key))
        self.port = None if port is None else check_port(port)
        self.cert = cert
        self.key = key
        self.python = python
        #: Path of the server's log while it runs.
        self.log_path = None
        self._fixed_port = port is not None
        self._proc = None
        self._log = None
        self._tmpdir = None
        self._lock = threading.Lock()

    @property
    def scheme(self):
        """``'https'`` when the server has a certificate, else ``'http'``."""
        return 'https' if self.cert else 'http'

    @property
    def url(self):
        """Base URL of the server, e.g. ``'http://127.0.0.1:5123'``."""
        return '%s://%s:%s' % (self.scheme, LOOPBACK, self.port)

    @property
    def running(self):
        """Whether the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def connect_kwargs(self):
        """Connection keywords that send boto's requests to this server.

        For a pool or boto's ``connect_to_region``: plain HTTP through the
        server as a proxy, with :data:`TEST_CREDENTIALS`. A server with a
        certificate speaks HTTPS only, which boto does not send through a
        proxy: give its pools ``endpoint_url=server.url`` instead.

        :rtype: dict
        """
        kwargs = {'is_secure': False, 'proxy': LOOPBACK,
                  'proxy_port': self.port}
        kwargs.update(TEST_CREDENTIALS)
        return kwargs

    def pool(self, pool_class, connect=True, **kwargs):
        """Make a pool of ``pool_class`` whose connections reach this server.

        :param pool_class: a :class:`~mangrove.pool.ServicePool` or
            :class:`~mangrove.pool.ServiceMixinPool` subclass.
        :type pool_class: type
        :param connect: build the region connections now.
        :type connect: bool
        :param kwargs: more pool arguments (``regions``, ``default_region``,
            ...); they override :attr:`connect_kwargs`.
        :rtype: ServicePool or ServiceMixinPool
        """
        if not isinstance(pool_class, type):
            raise wrong_type('pool_class', 'a pool class such as Ec2Pool',
                             pool_class)
        options = self.connect_kwargs
        options.update(kwargs)
        return pool_class(connect=connect, **options)

    def write_boto_config(self, path, extra=None):
        """Write a boto config that sends boto's requests to this server.

        See :func:`write_boto_config`.

        :returns: ``path``
        :rtype: str
        """
        return write_boto_config(path, self.port, extra)

    def start(self):
        """Start the server and wait until its port accepts TCP.

        :rtype: MotoServer
        :raises MotoServerError: when the process dies or the port does not
            open within :data:`START_TIMEOUT` seconds; the message carries
            the tail of the server's log.
        """
        with self._lock:
            if self.running:
                return self
            python = moto_python(self.python)
            self._tmpdir = tempfile.mkdtemp(prefix='mangrove-moto-')
            self.log_path = os.path.join(self._tmpdir, 'moto.log')
            # A port picked by free_port() can be taken by another program
            # before moto binds it; only then is a second port worth a try.
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
                    raise MotoServerError(
                        'moto server on port %s did not come up:\n%s'
                        % (self.port, tail))
        return self

    def _spawn(self, python):
        argv = [python, '-c', _SERVER_MAIN, '-H', LOOPBACK,
                '-p', str(self.port)]
        if self.cert:
            argv += ['-c', self.cert, '-k', self.key]
        self._log = open(self.log_path, 'ab')
        with open(os.devnull, 'rb') as devnull:
            self._proc = subprocess.Popen(
                argv, stdin=devnull, stdout=self._log,
                stderr=subprocess.STDOUT, env=_child_env(python),
                close_fds=True)

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
        """Return the last ``lines`` lines of the server's log.

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

        A server that has had no request since the last reset that could
        have changed anything (only reads: ``Describe*``, ``List*``,
        ``Get*``, REST ``GET`` and ``HEAD``) is already as a reset leaves
        it, and answers at once.

        :raises MotoServerError: when the server does not answer 200.
        """
        if self.cert:
            import ssl
            # The server's certificate is a throw-away one, on loopback;
            # a reset is no place to check it.
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
            raise MotoServerError('moto reset answered %s: %r'
                                  % (response.status, body[:200]))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        return '<MotoServer %s%s>' % (
            self.url, '' if self.running else ' (stopped)')
