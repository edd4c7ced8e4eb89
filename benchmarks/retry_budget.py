# -*- coding: utf-8 -*-
"""
Sends and seconds of one call into an endpoint that throttles every
request: what a retry budget bounds.

Starts its own moto server and the test bed's loopback proxy in front of
it, in its throttling mode for us-east-1 (EC2 answers 503
``RequestLimitExceeded``, S3 503 ``SlowDown``), and for each policy and
service prints the sends the proxy received, the call's seconds, the
key's ``stats`` and the error the caller got. Run it from the repository
root::

    python benchmarks/retry_budget.py [--num-retries 6]

``MANGROVE_MOTO_PYTHON`` names the interpreter that runs the moto server,
as for the tests. Nothing leaves 127.0.0.1.
"""
from __future__ import absolute_import, print_function

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from mangrove.testing import MotoServer  # noqa: E402

from bed.proxy import LoopbackProxy  # noqa: E402
from bed.throttle import Throttle  # noqa: E402


def run(server, pool_class, method, policy):
    from mangrove.fanout import fan_out
    with LoopbackProxy(server.port) as proxy:
        proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
        kwargs = server.connect_kwargs
        kwargs['proxy_port'] = proxy.port
        pool = pool_class(connect=True, regions=['us-east-1'], **kwargs)
        region = pool.regions.us_east_1
        start = time.time()
        results = fan_out([('key', getattr(region, method))], retry=policy)
        took = time.time() - start
        error, stats = results.errors['key'], results.stats['key']
        print('%-10s %-55r %2d sends %6.1f s; stats: %d requests, %d '
              'retries; %s %s %s' % (
                  pool_class.__name__, policy, len(proxy.records), took,
                  stats.requests, stats.retries, type(error).__name__,
                  error.status, error.error_code))
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--num-retries', type=int, default=6,
                        help="boto's num_retries (default 6, boto's own)")
    args = parser.parse_args()

    import boto
    from mangrove.services import Ec2Pool, S3Pool
    from mangrove.throttling import RetryPolicy

    if not boto.config.has_section('Boto'):
        boto.config.add_section('Boto')
    boto.config.set('Boto', 'num_retries', str(args.num_retries))
    print('Python %s, num_retries = %d' % (sys.version.split()[0],
                                           args.num_retries))
    with MotoServer() as server:
        for policy in (RetryPolicy(attempts=1), RetryPolicy()):
            for pool_class, method in ((Ec2Pool, 'get_all_zones'),
                                       (S3Pool, 'get_all_buckets')):
                run(server, pool_class, method, policy)


if __name__ == '__main__':
    main()
