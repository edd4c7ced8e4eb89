# -*- coding: utf-8 -*-
"""Test bed for mangrove: a real moto server on loopback and a fault proxy.

mangrove is tested against a real AWS emulator speaking HTTP, never against
mocks of boto.  One module per job:

- :mod:`bed.loopback`: the loopback address, free ports, port probes;
- :mod:`bed.server`: the moto server process (:class:`MotoServer`), run by
  the interpreter :func:`bed.server.moto_python` names;
- ``bed/moto_runner.py``: the script that server runs (moto with a cheap
  reset);
- :mod:`bed.botoconfig`: the boto config that points unmodified boto code
  at a port;
- :mod:`bed.certs`: throw-away TLS certificates;
- :mod:`bed.names`: AWS region names, host names and SigV4 scopes;
- :mod:`bed.proxy`: :class:`LoopbackProxy`, which adds per-region latency,
  injects faults and records what was sent.

It is one source for Python 2.7 and 3.6 and newer and needs only the
standard library and ``six``.
"""
