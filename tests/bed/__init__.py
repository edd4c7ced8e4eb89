# -*- coding: utf-8 -*-
"""Test bed for mangrove: what the tests need beyond :mod:`mangrove.testing`.

mangrove is tested against a real AWS emulator speaking HTTP, never against
mocks of boto. The moto server, free ports and the boto config come from
the public :mod:`mangrove.testing`; this package holds the rest, one module
per job:

- :mod:`bed.accounts`: what the account tests share (an organization with
  units, an STS that refuses a role, the way through the proxy);
- :mod:`bed.certs`: throw-away TLS certificates;
- :mod:`bed.names`: AWS region names, host names and SigV4 scopes;
- :mod:`bed.proxy`: :class:`LoopbackProxy`, which adds per-region latency,
  injects faults and records what was sent;
- :mod:`bed.connect_proxy`: :class:`ConnectProxy`, an HTTP ``CONNECT``
  proxy for HTTPS through a proxy, with authentication and refusals.

It is one source for Python 2.7 and 3.6 and newer and needs only the
standard library, ``six`` and mangrove.
"""
