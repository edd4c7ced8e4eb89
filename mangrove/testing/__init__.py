# -*- coding: utf-8 -*-
"""
Test against a local AWS emulator: a moto server on 127.0.0.1.

Code that uses mangrove is best tested against a real endpoint speaking
AWS's HTTP APIs rather than against mocks of boto. This module starts one,
``moto[server]`` (``pip install 'boto-mangrove[demo]'``), on a free loopback
port, and points pools at it::

    >>> from mangrove.services import Ec2Pool
    >>> from mangrove.testing import MotoServer
    >>> with MotoServer() as server:
    ...     pool = server.pool(Ec2Pool, regions=['us-east-1', 'eu-west-1'])
    ...     pool.regions.eu_west_1.create_security_group('web', 'a group')
    ...     pool.call('get_all_security_groups')

Pools reach the server through boto's proxy settings: boto then sends each
request, AWS host name and all, to the server, which keeps state per region
from those names. :attr:`MotoServer.connect_kwargs` holds those settings as
connection keywords; :meth:`MotoServer.write_boto_config` writes them as a
boto config file for code that builds its own connections.

moto 4.2 needs Python 3.7 or newer; the code under test may run on 2.7. The
server runs from the interpreter :func:`moto_python` names (``python=``,
else ``$MANGROVE_MOTO_PYTHON``, else this one), and only shares a port with
the tests.

With pytest, ``pytest_plugins = ['mangrove.testing']`` in a
``conftest.py`` brings three fixtures: ``moto_server`` (one server for the
session), ``moto_pool_class`` (:class:`~mangrove.services.Ec2Pool`;
override it to test another pool) and ``moto_pool``, a connected pool of
that class pointed at a freshly reset server.

Nothing is ever sent anywhere but 127.0.0.1.
"""
from __future__ import absolute_import

import sys

from mangrove.testing.loopback import (LOOPBACK, TEST_CREDENTIALS, free_port,
                                       isolated_environ, port_accepts,
                                       write_boto_config)
from mangrove.testing.server import MotoServer, MotoServerError, moto_python

__all__ = ['LOOPBACK', 'TEST_CREDENTIALS', 'MotoServer', 'MotoServerError',
           'free_port', 'port_accepts', 'moto_python', 'write_boto_config',
           'isolated_environ']

# The fixtures exist when pytest runs (it loads this module as a plugin);
# importing this module elsewhere, as the demo does, never imports pytest.
if 'pytest' in sys.modules:
    import pytest

    @pytest.fixture(scope='session')
    def moto_server():
        """A :class:`MotoServer` for the whole test session."""
        with MotoServer() as server:
            yield server

    @pytest.fixture
    def moto_pool_class():
        """The pool class ``moto_pool`` makes; override this fixture to
        test another one (a :class:`~mangrove.pool.ServiceMixinPool`
        subclass too)."""
        from mangrove.services import Ec2Pool
        return Ec2Pool

    @pytest.fixture
    def moto_pool(moto_server, moto_pool_class, monkeypatch):
        """A connected pool of ``moto_pool_class`` pointed at
        ``moto_server``, which is reset first; closed after the test."""
        # boto would send a host that no_proxy names past the proxy.
        for name in ('no_proxy', 'NO_PROXY'):
            monkeypatch.delenv(name, raising=False)
        moto_server.reset()
        pool = moto_server.pool(moto_pool_class)
        try:
            yield pool
        finally:
            pool.close()
