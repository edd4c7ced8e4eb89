# -*- coding: utf-8 -*-
"""pytest wiring of the test bed: one moto server for the whole session,
started when the first test that needs it runs.

With pytest-xdist (``-n 2``, as ``tools/test`` runs every environment), each
worker is a session of its own with its own moto server; the controller,
which runs no test, starts none. A module whose tests need no server says so
(``pytestmark = pytest.mark.no_server``): its tests neither start nor reset
it, and a request one of them sent by mistake would be refused, not served.

boto reads its config once, when it is first imported, so the config that
points boto at the session's moto server is written and ``BOTO_CONFIG`` set
in :func:`pytest_configure`, before any test module can import boto.  Test
modules import boto inside their tests, never at module level.
"""
from __future__ import absolute_import

import os
import random
import shutil
import socket
import sys
import tempfile

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
if os.environ.get('PYTEST_XDIST_WORKER'):
    # pytest-xdist 1.x (Python 2.7) starts its workers with `python -c` in
    # the source tree, which puts the tree first on sys.path: the tests
    # import the installed mangrove, as pytest's own process does.
    _TREE = os.path.dirname(_HERE)
    sys.path[:] = [entry for entry in sys.path
                   if os.path.abspath(entry or os.curdir) != _TREE]

# mangrove's own fixtures (moto_pool, moto_pool_class), as users get them;
# moto_server below is the session's server, started before boto's import.
# pytest imports the plugin after this module: importing it here first would
# keep pytest from preparing it (and make it warn).
pytest_plugins = ['mangrove.testing', 'bed.progress']

# Variables that would make boto ignore the test config: credentials and
# no_proxy are read from the environment before the config file.
_SCRUBBED_ENV = ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                 'AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
                 'BOTO_PATH', 'no_proxy', 'NO_PROXY')

_session = {}


def _runs_no_test(config):
    """Whether this process is pytest-xdist's controller, whose workers
    run the tests."""
    workers = getattr(config.option, 'numprocesses', None)
    return bool(workers) and not hasattr(config, 'workerinput')


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: takes a second or more: processes of its own '
        '(commands, workers, clusters, terminals, installs), or many '
        "requests through a fault proxy; 'tools/test --quick' leaves it out")
    config.addinivalue_line(
        'markers', 'no_server: needs no moto server (none is started or '
        'reset for it)')
    if _runs_no_test(config):
        return
    if 'boto' in sys.modules:
        raise pytest.UsageError(
            'boto was imported before tests/conftest.py could set '
            'BOTO_CONFIG; boto reads its config only at import, so it would '
            'talk to real AWS instead of the test moto server. Import boto '
            'inside test functions, not at module level or in plugins.')
    from mangrove.testing import MotoServer, write_boto_config
    # boto's config names the server's port now; the server starts when a
    # test first needs it.
    server = MotoServer(port=_unshared_port())
    tmpdir = tempfile.mkdtemp(prefix='mangrove-tests-')
    saved_env = dict((name, os.environ.get(name))
                     for name in _SCRUBBED_ENV + ('BOTO_CONFIG',))
    for name in _SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ['BOTO_CONFIG'] = write_boto_config(
        os.path.join(tmpdir, 'boto.cfg'), server.port)
    _session.update(server=server, tmpdir=tmpdir, saved_env=saved_env)


def pytest_unconfigure(config):
    server = _session.pop('server', None)
    if server is not None:
        server.stop()
    tmpdir = _session.pop('tmpdir', None)
    if tmpdir is not None:
        shutil.rmtree(tmpdir, ignore_errors=True)
    for name, value in _session.pop('saved_env', {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _unshared_port():
    """A free port of 127.0.0.1 below the range the system takes ports from
    for outgoing connections, so that none of the suite's many connections
    can take it before the server, started later, binds it."""
    try:
        with open('/proc/sys/net/ipv4/ip_local_port_range') as handle:
            first = int(handle.read().split()[0])
    except (IOError, OSError, ValueError, IndexError):
        first = 32768
    choose = random.Random()
    for _ in range(200):
        port = choose.randrange(max(1024, first - 12000), first)
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind(('127.0.0.1', port))
        except socket.error:
            continue
        finally:
            probe.close()
        return port
    raise pytest.UsageError('no free port of 127.0.0.1 in %d-%d for the '
                            'moto server' % (first - 12000, first - 1))


@pytest.fixture(scope='session')
def moto_server():
    """The session's :class:`mangrove.testing.MotoServer`, started on first
    use."""
    return _session['server'].start()


@pytest.fixture(scope='session')
def moto_port(moto_server):
    """Port of the session's moto server."""
    return moto_server.port


@pytest.fixture(scope='session')
def boto_config_path():
    """Path of the boto config that ``BOTO_CONFIG`` names."""
    return os.environ['BOTO_CONFIG']


@pytest.fixture(autouse=True)
def fresh_moto(request):
    """Every test starts from an empty moto server (none for a test marked
    ``no_server``)."""
    if request.node.get_closest_marker('no_server') is not None:
        return None
    server = request.getfixturevalue('moto_server')
    server.reset()
    return server


@pytest.fixture(autouse=True)
def full_endpoint_limits():
    """Every test starts with every endpoint at its full limit: a throttling
    answer halves its endpoint's limit for the rest of the process, and a
    later test that needs all of its requests in flight at once would get
    half of them."""
    from mangrove import limits
    limits.reset_endpoints()


@pytest.fixture
def proxy(moto_server):
    """A started :class:`bed.proxy.LoopbackProxy` in front of moto."""
    from bed.proxy import LoopbackProxy
    loopback = LoopbackProxy(moto_server).start()
    try:
        yield loopback
    finally:
        loopback.stop()


@pytest.fixture
def connect_kwargs(moto_server):
    """Connection keywords that reach moto without relying on the config."""
    return moto_server.connect_kwargs


@pytest.fixture
def fast_thread_switching():
    """Switch threads as often as the interpreter can, so that a race in a
    few bytecodes shows up in a few thousand rounds."""
    if hasattr(sys, 'setswitchinterval'):
        saved = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        yield
        sys.setswitchinterval(saved)
    else:  # Python 2.7
        saved = sys.getcheckinterval()
        sys.setcheckinterval(1)
        yield
        sys.setcheckinterval(saved)
