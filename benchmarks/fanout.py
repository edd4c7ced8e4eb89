# -*- coding: utf-8 -*-
"""
Fan-out against a sequential loop, over every EC2 region boto knows.

    python benchmarks/fanout.py [--rounds N]

A loopback proxy between boto and a local moto server delays each request
by a round trip for its region (read from the Host header), from the table
below (15 ms to 300 ms, a plausible view from one place). One run measures,
interleaved:

- the slowest region's call on its own;
- a fan-out of ``get_all_instances`` across all regions at once, with
  default settings (a thread per region);
- a sequential loop over the same regions.

Goal: the fan-out costs at most 1.05x the slowest single region's call.
Nothing leaves 127.0.0.1.
"""
from __future__ import print_function

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, HERE)

from mangrove.testing import MotoServer  # noqa: E402

from bed.proxy import LoopbackProxy  # noqa: E402
from common import median  # noqa: E402
from fanout_scale import services_by_regions, throttled_runs  # noqa: E402

#: Round trip per region from one place (us-east-1), in seconds.
ROUND_TRIPS = {
    'us-east-1': 0.015, 'us-east-2': 0.025, 'us-west-1': 0.070,
    'us-west-2': 0.075, 'ca-central-1': 0.030, 'ca-west-1': 0.065,
    'mx-central-1': 0.060, 'sa-east-1': 0.120, 'us-gov-east-1': 0.030,
    'us-gov-west-1': 0.080, 'eu-west-1': 0.080, 'eu-west-2': 0.085,
    'eu-west-3': 0.090, 'eu-central-1': 0.095, 'eu-central-2': 0.100,
    'eu-north-1': 0.110, 'eu-south-1': 0.105, 'eu-south-2': 0.100,
    'il-central-1': 0.140, 'me-central-1': 0.180, 'me-south-1': 0.175,
    'af-south-1': 0.230, 'ap-south-1': 0.200, 'ap-south-2': 0.210,
    'ap-northeast-1': 0.160, 'ap-northeast-2': 0.180,
    'ap-northeast-3': 0.170, 'ap-east-1': 0.210, 'ap-east-2': 0.220,
    'ap-southeast-1': 0.230, 'ap-southeast-2': 0.210,
    'ap-southeast-3': 0.240, 'ap-southeast-4': 0.220,
    'ap-southeast-5': 0.235, 'ap-southeast-6': 0.240,
    'ap-southeast-7': 0.245, 'cn-north-1': 0.300, 'cn-northwest-1': 0.290,
}


def timed(func):
    start = time.time()
    func()
    return time.time() - start


def measure(pool, names, rounds):
    """Median seconds of (slowest region alone, fan-out, sequential loop)."""
    slowest = max(names, key=lambda n: ROUND_TRIPS[n])
    single, fan, loop = [], [], []
    for _ in range(rounds):
        single.append(timed(
            lambda: pool.regions[slowest].get_all_instances()))
        fan.append(timed(lambda: pool.map(
            lambda region: region.get_all_instances()).raise_for_errors()))
        loop.append(timed(lambda: [
            pool.regions[n].get_all_instances() for n in names]))
    return slowest, median(single), median(fan), median(loop)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()

    import boto.ec2
    from mangrove.services import Ec2Pool

    region_sets = [
        ("boto's EC2 regions", sorted(r.name for r in boto.ec2.regions())),
        ("every EC2 region of the catalog",
         list(Ec2Pool(partition='all').regions.keys())),
    ]
    print('Python %s, %d rounds, round trips %d-%d ms'
          % (sys.version.split()[0], args.rounds,
             min(ROUND_TRIPS.values()) * 1000,
             max(ROUND_TRIPS.values()) * 1000))
    with MotoServer() as server:
        with LoopbackProxy(server.port) as proxy:
            for label, names in region_sets:
                names = [n.replace('_', '-') for n in names]
                pool = Ec2Pool(connect=True, regions=names, is_secure=False,
                               proxy='127.0.0.1', proxy_port=proxy.port,
                               aws_access_key_id='testing',
                               aws_secret_access_key='testing')
                # Open every keep-alive connection before the clock starts.
                proxy.latency.clear()
                pool.call('get_all_instances').raise_for_errors()
                proxy.latency.update(
                    dict((n, ROUND_TRIPS[n]) for n in names))
                slowest, s, f, loop = measure(pool, names, args.rounds)
                pool.close()
                print('%s (%d):' % (label, len(names)))
                print('  slowest region alone (%s): %.0f ms'
                      % (slowest, s * 1000))
                print('  fan-out of one call:       %.0f ms = %.3fx the '
                      'slowest region (goal <= 1.05x)' % (f * 1000, f / s))
                print('  sequential loop:           %.0f ms = %.1fx the '
                      'fan-out' % (loop * 1000, loop / f))
            services_by_regions(proxy, ROUND_TRIPS, args.rounds)
            throttled_runs(proxy)


if __name__ == '__main__':
    main()
