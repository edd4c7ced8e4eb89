# -*- coding: utf-8 -*-
"""
Fan-out against a sequential loop, over every EC2 region boto knows.

    python benchmarks/fanout.py [--rounds N]

A loopback proxy between boto and a local moto server delays each request
by a round trip for its region (read from the Host header), from the table
below (15 ms to 300 ms, a plausible view from one place). One run measures,
interleaved:

- the slowest region's call on its own;
- ``pool.call('get_all_instances')`` across all regions at once;
- a sequential loop over the same regions.

Goal: the fan-out costs at most 1.05x the slowest single region's call.
Nothing leaves 127.0.0.1.
"""
from __future__ import print_function

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'tests'))

import testbed  # noqa: E402

#: One-way-and-back delay per region, in seconds.
ROUND_TRIPS = {
    'us-east-1': 0.015, 'us-east-2': 0.025, 'us-west-1': 0.070,
    'us-west-2': 0.075, 'ca-central-1': 0.030, 'sa-east-1': 0.120,
    'eu-west-1': 0.080, 'eu-west-2': 0.085, 'eu-west-3': 0.090,
    'eu-central-1': 0.095, 'ap-south-1': 0.200, 'ap-northeast-1': 0.160,
    'ap-northeast-2': 0.180, 'ap-northeast-3': 0.170,
    'ap-southeast-1': 0.230, 'ap-southeast-2': 0.210,
    'cn-north-1': 0.300, 'cn-northwest-1': 0.260,
    'us-gov-west-1': 0.080, 'us-gov-east-1': 0.030,
}
DEFAULT_ROUND_TRIP = 0.300


def timed(func):
    start = time.time()
    func()
    return time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()

    import boto.ec2
    from mangrove.services import Ec2Pool

    names = sorted(r.name for r in boto.ec2.regions())
    latency = dict((n, ROUND_TRIPS.get(n, DEFAULT_ROUND_TRIP)) for n in names)
    slowest = max(names, key=latency.get)
    with testbed.MotoServer() as server:
        with testbed.LoopbackProxy(server.port) as proxy:
            pool = Ec2Pool(connect=True, regions=names, is_secure=False,
                           proxy='127.0.0.1', proxy_port=proxy.port,
                           aws_access_key_id='testing',
                           aws_secret_access_key='testing')
            # Open every keep-alive connection before the clock starts.
            pool.call('get_all_instances').raise_for_errors()
            proxy.latency.update(latency)

            single, fan, loop = [], [], []
            for _ in range(args.rounds):
                single.append(timed(
                    lambda: pool.regions[slowest].get_all_instances()))
                fan.append(timed(
                    lambda: pool.call('get_all_instances')
                    .raise_for_errors()))
                loop.append(timed(lambda: [
                    pool.regions[n].get_all_instances() for n in names]))
            pool.close()
    s, f, l = (statistics.median(x) for x in (single, fan, loop))
    print('Python %s, %d EC2 regions, round trips %d-%d ms, %d rounds'
          % (sys.version.split()[0], len(names),
             min(latency.values()) * 1000, max(latency.values()) * 1000,
             args.rounds))
    print('slowest region alone (%s): %.0f ms' % (slowest, s * 1000))
    print('fan-out, all regions:      %.0f ms  = %.3fx the slowest region '
          '(goal <= 1.05x)' % (f * 1000, f / s))
    print('sequential loop:           %.0f ms  = %.2fx the fan-out'
          % (l * 1000, l / f))


if __name__ == '__main__':
    main()
