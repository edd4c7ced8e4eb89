# -*- coding: utf-8 -*-
"""
The wide and the throttled fan-outs of ``benchmarks/fanout.py``: ten
services over every commercial region at once, and fan-outs into endpoints
that throttle.
"""
from __future__ import print_function

import time

from mangrove import limits
from mangrove.fanout import fan_out
from mangrove.services import (
    AutoScalePool, CloudFormationPool, CloudWatchPool, DynamoDb2Pool,
    Ec2Pool, ElbPool, KinesisPool, RdsPool, SnsPool, SqsPool)

from bed.names import COMMERCIAL_REGIONS
from bed.throttle import Throttle
from common import median

#: A cheap listing per service: pool class -> method.
LISTINGS = [
    (Ec2Pool, 'get_all_zones'), (SqsPool, 'get_all_queues'),
    (SnsPool, 'get_all_topics'), (CloudFormationPool, 'list_stacks'),
    (AutoScalePool, 'get_all_groups'), (CloudWatchPool, 'list_metrics'),
    (ElbPool, 'get_all_load_balancers'), (RdsPool, 'get_all_dbinstances'),
    (KinesisPool, 'list_streams'), (DynamoDb2Pool, 'list_tables'),
]


def _keywords(proxy, key='testing'):
    return dict(is_secure=False, proxy='127.0.0.1', proxy_port=proxy.port,
                aws_access_key_id=key, aws_secret_access_key='testing')


def _tasks(pools):
    tasks = []
    for pool, method in pools:
        for key, region in pool.regions.items():
            tasks.append(((pool.service, key), getattr(region, method)))
    return tasks


def _timed(func):
    start = time.time()
    value = func()
    return time.time() - start, value


def services_by_regions(proxy, round_trips, rounds):
    """Ten services x 34 regions with default settings, against the
    slowest region alone."""
    pools = [(cls(connect=True, regions=COMMERCIAL_REGIONS,
                  **_keywords(proxy)), method) for cls, method in LISTINGS]
    tasks = _tasks(pools)
    proxy.latency.clear()
    fan_out(tasks).raise_for_errors()   # keep-alive sockets, moto's state
    proxy.latency.update(dict((n, round_trips[n])
                              for n in COMMERCIAL_REGIONS))
    latency = dict(proxy.latency)
    slowest = max(COMMERCIAL_REGIONS, key=round_trips.get)
    single, fan, floor = [], [], []
    for _ in range(rounds):
        single.append(_timed(
            lambda: pools[0][0].regions[slowest].get_all_zones())[0])
        seconds, results = _timed(lambda: fan_out(tasks))
        results.raise_for_errors()
        fan.append(seconds)
        # The same calls with no round trip: what the client and the
        # emulator's CPU alone take on this machine.
        proxy.latency.clear()
        floor.append(_timed(lambda: fan_out(tasks).raise_for_errors())[0])
        proxy.latency.update(latency)
    for pool, _ in pools:
        pool.close()
    s, f, c = median(single), median(fan), median(floor)
    print('%d services x %d commercial regions (%d calls):'
          % (len(pools), len(COMMERCIAL_REGIONS), len(tasks)))
    print('  slowest region alone (%s): %.0f ms' % (slowest, s * 1000))
    print('  the same calls without round trips (CPU floor, client and '
          'emulator): %.0f ms' % (c * 1000))
    print('  fan-out, default settings:  %.0f ms = %.3fx the slowest region, '
          '%.3fx max(slowest region, CPU floor)'
          % (f * 1000, f / s, f / max(s, c)))


def throttled_runs(proxy):
    """Fan-outs into throttling endpoints: zero errors is the goal."""
    proxy.latency.clear()
    proxy.latency['*'] = 0.02
    pool = Ec2Pool(connect=True, regions=COMMERCIAL_REGIONS,
                   **_keywords(proxy))
    runs = [
        ('200 calls into one endpoint that throttles beyond 4 in flight',
         {'us-east-1': Throttle(max_in_flight=4)},
         [(n, pool.regions.us_east_1.get_all_zones) for n in range(200)]),
        ('200 calls into one endpoint throttling above 40/s (burst 20)',
         {'us-east-1': Throttle(rate=40, burst=20)},
         [(n, pool.regions.us_east_1.get_all_zones) for n in range(200)]),
        ('34 regions x 6 calls, every endpoint beyond 2 in flight',
         {'*': Throttle(max_in_flight=2)},
         [((key, n), region.get_all_zones)
          for key, region in pool.regions.items() for n in range(6)]),
    ]
    print('throttled fan-outs (20 ms round trips, default settings):')
    for label, throttle, tasks in runs:
        limits.reset_endpoints()
        proxy.throttle = throttle
        proxy.clear()
        seconds, results = _timed(lambda: fan_out(tasks))
        answers = sum(1 for r in proxy.records if r['throttled'])
        print('  %s: %d calls, %d errors, %d throttled answers, %d retries '
              '(%.1fs backing off in all), %.2fs'
              % (label, len(tasks), len(results.errors), answers,
                 results.stats.retries, results.stats.backoff, seconds))
    proxy.throttle = {}
    proxy.latency.clear()
    pool.close()
