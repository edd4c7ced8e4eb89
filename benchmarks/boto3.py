# -*- coding: utf-8 -*-
"""
A pool of boto3 clients over every EC2 region, ready and answered, against
plain boto3 (and boto-session-manager where it is installed).

    python benchmarks/boto3.py [--rounds N]

Needs Python 3.9+ with boto, boto3 and moto[server]==4.2.14 (or
MANGROVE_MOTO_PYTHON naming a Python that has moto); boto-session-manager
is measured when it imports. A loopback proxy between the clients and a
local moto server delays each request by a round trip for its region (the
table of ``benchmarks/fanout.py``, 15 ms to 300 ms); every client reaches it
through ``Config(proxies=...)`` with AWS's own host names. One round
measures, interleaved, from nothing to every region's
``describe_instances`` answered:

- plain boto3: a dict of clients built in a loop, then a thread pool of
  one thread per region;
- mangrove: ``client_pool('ec2', connect=True).call('describe_instances')``
  (each client built inside its region's task);
- boto-session-manager: a ``BotoSesManager`` per region, each asked for
  its cached EC2 client inside the same thread pool.

Each contender gets a boto3 session made before its clock starts. Then the
lookup overhead of ``pool.regions.us_east_1.describe_instances`` over a
dict of clients. Goals: at most half the plain loop's time; lookups under
2 microseconds. Nothing leaves 127.0.0.1.
"""
from __future__ import print_function

import argparse
import concurrent.futures
import os
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# This file is named like the package it measures: keep its directory from
# shadowing boto3, and find the helpers after the installed packages.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != HERE]
sys.path.insert(0, ROOT)
sys.path.append(os.path.join(ROOT, 'tests'))
sys.path.append(HERE)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from mangrove.pool.client import client_pool  # noqa: E402
from mangrove.testing import MotoServer  # noqa: E402

from bed.proxy import LoopbackProxy  # noqa: E402
from common import median  # noqa: E402
from fanout import ROUND_TRIPS  # noqa: E402

KEYS = {'aws_access_key_id': 'testing', 'aws_secret_access_key': 'testing'}
CPU = time.process_time

# A region the table of round trips lacks is as far as a typical far one.
FAR = 0.200

try:
    from boto_session_manager.api import BotoSesManager
except ImportError:
    BotoSesManager = None


def answered_by_plain_boto3(session, regions, config):
    clients = dict((name, session.client('ec2', region_name=name,
                                         use_ssl=False, config=config))
                   for name in regions)
    with concurrent.futures.ThreadPoolExecutor(len(regions)) as executor:
        return list(executor.map(
            lambda name: clients[name].describe_instances(), regions))


def answered_by_mangrove(session, regions, config):
    pool = client_pool('ec2', regions=regions, connect=True, session=session,
                       use_ssl=False, config=config)
    pool.call('describe_instances').raise_for_errors()
    return pool


def answered_by_session_manager(session, regions, config):
    # One manager per region (each caches one client per service), on the
    # session made for this contender; each client is built on first use,
    # in the thread that asks.
    managers = dict((name, BotoSesManager(
        region_name=name, botocore_session=session._session))
        for name in regions)
    with concurrent.futures.ThreadPoolExecutor(len(regions)) as executor:
        return list(executor.map(
            lambda name: managers[name].get_client(
                'ec2', use_ssl=False, config=config).describe_instances(),
            regions))


def timed(func, *args):
    start = time.time()
    func(*args)
    return time.time() - start


def lookup_overhead(pool, attribute):
    """Extra nanoseconds of reading ``attribute`` of a region through the
    pool over a dict of its connections, for three spellings, in the
    process's CPU time (other processes of a busy machine do not count)."""
    conns = {'us_east_1': pool.regions.us_east_1.connection}
    regions = pool.regions
    cases = [lambda: getattr(regions['us_east_1'], attribute),
             lambda: getattr(regions['us-east-1'], attribute),
             lambda: getattr(regions.us_east_1, attribute)]
    n = 100000
    extra = []
    for case in cases:
        plain = min(timeit.repeat(lambda: getattr(conns['us_east_1'],
                                                  attribute),
                                  number=n, repeat=5, timer=CPU)) / n
        pooled = min(timeit.repeat(case, number=n, repeat=5, timer=CPU)) / n
        extra.append((pooled - plain) * 1e9)
    return extra


def classic_pool():
    """A boto 2 pool of one region, for the same lookups, or None without
    boto."""
    try:
        from mangrove.services import Ec2Pool
        return Ec2Pool(connect=True, regions=['us-east-1'], **KEYS)
    except ImportError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    contenders = [('plain boto3', answered_by_plain_boto3),
                  ('mangrove', answered_by_mangrove)]
    if BotoSesManager is not None:
        contenders.append(('boto-session-manager',
                           answered_by_session_manager))
    with MotoServer() as server:
        with LoopbackProxy(server.port) as proxy:
            config = Config(proxies={'http': 'http://127.0.0.1:%d'
                                     % proxy.port},
                            max_pool_connections=4)
            regions = list(client_pool('ec2').regions)
            regions = [key.replace('_', '-') for key in regions]
            # moto makes each region's default resources on first use.
            answered_by_mangrove(boto3.Session(**KEYS), regions, config)
            proxy.latency.update(dict(
                (name, ROUND_TRIPS.get(name, FAR)) for name in regions))
            times = dict((name, []) for name, _ in contenders)
            pool = None
            for _ in range(args.rounds):
                for name, func in contenders:
                    session = boto3.Session(**KEYS)
                    times[name].append(timed(func, session, regions,
                                             config))
            pool = answered_by_mangrove(boto3.Session(**KEYS), ['us-east-1'],
                                        config)
            extra = lookup_overhead(pool, 'describe_instances')
            classic = classic_pool()
            classic_extra = None if classic is None else \
                lookup_overhead(classic, 'get_all_instances')
    print('Python %s, boto3 %s, %d EC2 regions, %d rounds, round trips '
          '%d-%d ms' % (sys.version.split()[0], boto3.__version__,
                        len(regions), args.rounds,
                        min(ROUND_TRIPS.values()) * 1000,
                        max(ROUND_TRIPS.values()) * 1000))
    print('From nothing to every region answered (median):')
    plain = median(times['plain boto3'])
    slowest = max(ROUND_TRIPS.get(name, FAR) for name in regions)
    for name, _ in contenders:
        value = median(times[name])
        print('  %-22s %5.0f ms = %.2fx plain boto3' % (
            name, value * 1000, value / plain))
    if BotoSesManager is None:
        print('  (boto-session-manager is not installed here)')
    print('  (the slowest region\'s round trip alone: %.0f ms; goal for '
          'mangrove: <= 0.50x)' % (slowest * 1000))
    print('Lookup overhead over a dict of connections in CPU time (goal < '
          '2000 ns), '
          "regions['us_east_1'] / ['us-east-1'] / .us_east_1:")
    print('  boto3 clients:         +%.0f / +%.0f / +%.0f ns' % tuple(extra))
    if classic_extra is not None:
        print('  boto 2 (same run):     +%.0f / +%.0f / +%.0f ns'
              % tuple(classic_extra))


if __name__ == '__main__':
    main()
