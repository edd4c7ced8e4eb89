# -*- coding: utf-8 -*-
"""
``mangrove demo``: mangrove at work against a local AWS emulator.

:func:`run` starts a moto server (``moto[server]``, installed by
``pip install 'boto-mangrove[demo]'``) with this interpreter on a free
127.0.0.1 port, points a multi-service pool at it, creates a little state
in several regions, shows the pool, its regions and fan-outs across regions
and services, and stops the server, also on error or interrupt.

The pools get every connection setting as explicit keywords: a proxy on
127.0.0.1 (boto then sends each request, AWS host name and all, to the
emulator), plain HTTP and throw-away credentials. While the demo runs, the
environment variables that could send a request elsewhere or bring in real
credentials (``no_proxy``, ``AWS_*``, ``BOTO_CONFIG``) are set aside, and
boto, if not yet imported, reads no configuration file at all. Nothing is
sent anywhere but 127.0.0.1.

The demo writes only to the stream it is given.
"""
from __future__ import absolute_import

import collections
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

LOOPBACK = '127.0.0.1'

#: How long :meth:`LocalEndpoint.start` waits for the server's port.
START_TIMEOUT = 30.0

#: The pool the demo builds: three services, each in a few regions.
SERVICES = collections.OrderedDict([
    ('ec2', {'regions': ['us-east-1', 'eu-west-1', 'ap-southeast-2',
                         'us-west-2'],
             'default_region': 'us-east-1'}),
    ('sqs', {'regions': ['us-east-1', 'eu-west-1']}),
    ('s3', {'regions': ['us-east-1']}),
])

# Any AMI id will do for the emulator; this is one of its own.
_AMI = 'ami-03cf127a'

# Variables that would make boto send requests past the proxy (no_proxy),
# use real credentials, or read the user's boto configuration.
_ISOLATED_ENV = ('no_proxy', 'NO_PROXY', 'BOTO_CONFIG', 'BOTO_PATH',
                 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                 'AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
                 'AWS_CREDENTIAL_FILE', 'AWS_SHARED_CREDENTIALS_FILE')


def unavailable():
    """Why the demo cannot run here, as one line, or None when it can.

    :rtype: str or None
    """
    if sys.version_info < (3, 7):
        return ("the demo needs moto[server]==4.2.14, which needs Python 3.7 "
                "or newer (this is Python %s)" % sys.version.split()[0])
    from importlib.util import find_spec
    if find_spec('moto') is None:
        return ("the demo needs moto: pip install 'boto-mangrove[demo]'")
    return None


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

    :rtype: bool
    """
    try:
        sock = socket.create_connection((LOOPBACK, port), timeout)
    except socket.error:
        return False
    sock.close()
    return True


class LocalEndpoint(object):
    """A moto server on a free 127.0.0.1 port, run by this interpreter.

    :ivar port: the port it listens on, once started.
    """

    def __init__(self):
        self.port = None
        self._proc = None
        self._tmpdir = None

    @property
    def connect_kwargs(self):
        """Connection keywords that send boto's requests to this server.

        :rtype: dict
        """
        return {'is_secure': False, 'proxy': LOOPBACK,
                'proxy_port': self.port, 'aws_access_key_id': 'testing',
                'aws_secret_access_key': 'testing'}

    def start(self):
        """Start the server and wait until its port accepts connections.

        :raises RuntimeError: the server did not come up; the message ends
            with the tail of its log.
        """
        self._tmpdir = tempfile.mkdtemp(prefix='mangrove-demo-')
        log_path = os.path.join(self._tmpdir, 'moto.log')
        # Another program may take the free port before moto binds it.
        for attempt in range(3):
            self.port = free_port()
            with open(log_path, 'wb') as log, \
                    open(os.devnull, 'rb') as devnull:
                self._proc = subprocess.Popen(
                    [sys.executable, '-m', 'moto.server', '-H', LOOPBACK,
                     '-p', str(self.port)],
                    stdin=devnull, stdout=log, stderr=subprocess.STDOUT,
                    close_fds=True)
            if self._wait_until_up():
                return self
            self._terminate()
            with io.open(log_path, encoding='utf-8', errors='replace') as log:
                tail = log.read()[-2000:]
            if 'in use' not in tail or attempt == 2:
                self.stop()
                raise RuntimeError('the moto server did not start:\n%s'
                                   % tail.strip())
        return self

    def _wait_until_up(self):
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self._proc.poll() is not None:
                return False
            if port_accepts(self.port):
                return True
            time.sleep(0.1)
        return False

    def _terminate(self):
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        deadline = time.time() + 5
        while proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    def stop(self):
        """Stop the server (terminate, then kill) and remove its log."""
        self._terminate()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class _Isolated(object):
    """Set aside the environment that could lead boto away from loopback."""

    def __enter__(self):
        self.saved = dict((name, os.environ.pop(name))
                          for name in _ISOLATED_ENV if name in os.environ)
        if 'boto' not in sys.modules:
            # boto reads its configuration files once, when imported.
            os.environ['BOTO_CONFIG'] = os.devnull
        return self

    def __exit__(self, *exc_info):
        for name in _ISOLATED_ENV:
            os.environ.pop(name, None)
        os.environ.update(self.saved)


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that the server is stopped."""


def _on_sigterm(signum, frame):
    raise _Terminated()


class _Transcript(object):
    """Writes the demo as a REPL session: code, then what it gave."""

    def __init__(self, out):
        self.out = out

    def line(self, text=''):
        self.out.write(text + '\n')
        self.out.flush()

    def code(self, text):
        lines = text.strip('\n').split('\n')
        self.line('>>> ' + lines[0])
        for more in lines[1:]:
            self.line('... ' + more)

    def comment(self, text):
        self.line()
        self.line('# ' + text)

    def lines(self, lines):
        for text in lines:
            self.line(text)


def run(out):
    """Run the demo, writing it to ``out``.

    The server is stopped whatever happens, SIGTERM and
    :exc:`KeyboardInterrupt` included.

    :param out: a text stream such as :data:`sys.stdout`.
    :returns: the exit status: 0, or 143 when stopped by SIGTERM.
    :rtype: int
    :raises RuntimeError: the moto server did not start.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:
        previous = None  # not the main thread: SIGTERM is not ours to catch
    try:
        with _Isolated():
            endpoint = LocalEndpoint()
            out.write('Starting a moto server (a local AWS emulator)... ')
            out.flush()
            try:
                endpoint.start()
                out.write('listening on %s:%d. Nothing here leaves this '
                          'machine.\n' % (LOOPBACK, endpoint.port))
                _show(_Transcript(out), endpoint)
            finally:
                endpoint.stop()
                out.write('\nThe moto server is stopped.\n')
                out.flush()
    except _Terminated:
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _show(say, endpoint):
    from mangrove import ServiceMixinPool
    from mangrove.tables import format_errors, format_results

    class DemoPool(ServiceMixinPool):
        services = SERVICES

    say.line()
    say.code('from mangrove import ServiceMixinPool')
    say.code("""class DemoPool(ServiceMixinPool):
    services = {
        'ec2': {'regions': ['us-east-1', 'eu-west-1',
                            'ap-southeast-2', 'us-west-2'],
                'default_region': 'us-east-1'},
        'sqs': {'regions': ['us-east-1', 'eu-west-1']},
        's3': {'regions': ['us-east-1']},
    }
""")
    say.code("local = dict(is_secure=False, proxy='127.0.0.1', "
             "proxy_port=%d,\n"
             "             aws_access_key_id='testing', "
             "aws_secret_access_key='testing')" % endpoint.port)
    pool = DemoPool(connect=True, **endpoint.connect_kwargs)
    say.code('pool = DemoPool(connect=True, **local)')
    say.code('pool')
    say.line(repr(pool))
    say.code('pool.ec2.regions')
    say.line(repr(pool.ec2.regions))
    say.code('pool.ec2.regions.eu_west_1')
    say.line(repr(pool.ec2.regions.eu_west_1))

    say.comment('A little state: a security group in three EC2 regions, an '
                'instance in two,\n# a queue in both SQS regions, a bucket.')
    for name in ('us_east_1', 'eu_west_1', 'ap_southeast_2'):
        pool.ec2.regions[name].create_security_group('demo-web',
                                                     'mangrove demo')
    say.code("""for name in ('us_east_1', 'eu_west_1', 'ap_southeast_2'):
    pool.ec2.regions[name].create_security_group('demo-web', 'mangrove demo')
""")
    for name in ('us_east_1', 'eu_west_1'):
        pool.ec2.regions[name].run_instances(
            _AMI, instance_type='t2.micro', security_groups=['demo-web'])
    say.code("""for name in ('us_east_1', 'eu_west_1'):
    pool.ec2.regions[name].run_instances(
        '%s', instance_type='t2.micro', security_groups=['demo-web'])
""" % _AMI)
    for region in pool.sqs.regions.values():
        region.create_queue('demo-orders')
    say.code("""for region in pool.sqs.regions.values():
    region.create_queue('demo-orders')
""")
    say.code("pool.s3.regions.us_east_1.create_bucket('mangrove-demo')")
    say.line(repr(pool.s3.regions.us_east_1.create_bucket('mangrove-demo')))

    say.comment('Every region at once: a thread per region, results in '
                'region order.')
    results = pool.ec2.call('get_all_instances')
    say.code("results = pool.ec2.call('get_all_instances')")
    say.code('results')
    say.line(repr(results))
    say.code("results['eu_west_1'][0].instances")
    say.line(repr(results['eu_west_1'][0].instances))
    say.comment('Region by region, as "mangrove call" prints them:')
    say.lines(format_results(results))
    say.line()
    queues = pool.sqs.call('get_all_queues')
    say.code("queues = pool.sqs.call('get_all_queues')")
    say.code('queues')
    say.line(repr(queues))
    say.comment('Region by region:')
    say.lines(format_results(queues))

    say.comment('Several services at once: results keyed by (service, '
                'region).')
    hosts = pool.map(lambda region: region.host)
    say.code('hosts = pool.map(lambda region: region.host)')
    say.code('hosts')
    say.line(repr(hosts))
    say.comment('Region by region:')
    say.lines(format_results(hosts))

    say.comment('A region that fails costs only its own result.')
    results = pool.ec2.call('get_all_security_groups',
                            groupnames=['demo-web'])
    say.code("results = pool.ec2.call('get_all_security_groups', "
             "groupnames=['demo-web'])")
    say.code('results')
    say.line(repr(results))
    say.code('results.failed')
    say.line(repr(results.failed))
    say.comment('Region by region, the failed one with its error:')
    say.lines(format_results(results))
    say.lines(format_errors(results))
    pool.close()
