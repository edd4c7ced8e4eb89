# -*- coding: utf-8 -*-
"""
Core costs of mangrove against hand-written boto, measured side by side.

    python benchmarks/core.py [--rounds N]

Prints three figures:

- building a pool over boto's known EC2 regions, against a dict of
  ``boto.ec2.connect_to_region`` calls (ratio of CPU times; goal at most
  1.1x);
- a region lookup plus attribute read through the pool's proxy, against the
  same read on a dict of connections (extra nanoseconds of CPU time; goal
  under 2 us);
- ``import mangrove.services`` against ``import boto``, each in a fresh
  interpreter (goal: mangrove cheaper).

Both sides of each comparison run interleaved in one process (or one run),
so a busy machine slows both alike; medians are reported. No request leaves
the process: building boto connections opens no socket.
"""
from __future__ import print_function

import argparse
import os
import subprocess
import sys
import tempfile
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import median  # noqa: E402


def _boto_config():
    # Credentials in a config file keep boto from asking an instance
    # metadata service for them.
    handle, path = tempfile.mkstemp(suffix='.cfg')
    with os.fdopen(handle, 'w') as cfg:
        cfg.write('[Credentials]\naws_access_key_id = bench\n'
                  'aws_secret_access_key = bench\n')
    return path


# The process's CPU time (time.clock on Python 2.7): builds and lookups are
# timed without what the other processes of a shared machine take of it.
_cpu = getattr(time, 'process_time', None) or time.clock


def bench_build(rounds):
    import boto.ec2
    from mangrove.services import Ec2Pool

    names = sorted(r.name for r in boto.ec2.regions())

    def by_hand():
        return dict((n, boto.ec2.connect_to_region(n)) for n in names)

    def by_pool():
        return Ec2Pool(connect=True, regions=names)

    by_hand(), by_pool()  # warm caches on both sides
    hand, pool = [], []
    for _ in range(rounds):
        hand.append(min(timeit.repeat(by_hand, timer=_cpu, number=5,
                                      repeat=3)) / 5)
        pool.append(min(timeit.repeat(by_pool, timer=_cpu, number=5,
                                      repeat=3)) / 5)
    h, p = median(hand), median(pool)
    print('build over %d boto EC2 regions: dict of connect_to_region %.2f ms, '
          'Ec2Pool %.2f ms, ratio %.3fx (goal <= 1.1x)'
          % (len(names), h * 1e3, p * 1e3, p / h))
    return p / h


def bench_lookup(rounds):
    import boto.ec2
    from mangrove.services import Ec2Pool

    conns = {'us_east_1': boto.ec2.connect_to_region('us-east-1')}
    pool = Ec2Pool(connect=True, regions=['us-east-1'])
    regions = pool.regions
    n = 200000
    cases = [
        ("regions['us_east_1'].host", lambda: regions['us_east_1'].host),
        ("regions['us-east-1'].host", lambda: regions['us-east-1'].host),
        ('regions.us_east_1.host', lambda: regions.us_east_1.host),
        ("pool.regions['us_east_1'].host",
         lambda: pool.regions['us_east_1'].host),
    ]
    direct = lambda: conns['us_east_1'].host  # noqa: E731
    for label, case in cases:
        extra = []
        for _ in range(rounds):
            d = min(timeit.repeat(direct, timer=_cpu, number=n, repeat=3)) / n
            m = min(timeit.repeat(case, timer=_cpu, number=n, repeat=3)) / n
            extra.append(m - d)
        print('lookup + attribute read, %-32s +%.0f ns (CPU) over a dict '
              'of connections (goal < 2000 ns)'
              % (label, median(extra) * 1e9))


def bench_import(rounds):
    path = os.pathsep.join(p for p in (ROOT, os.environ.get('PYTHONPATH'))
                           if p)
    env = dict(os.environ, PYTHONPATH=path)
    env.pop('PYTHONDONTWRITEBYTECODE', None)

    def run(stmt):
        code = ('import timeit; t = timeit.default_timer(); %s; '
                'print(timeit.default_timer() - t)' % stmt)
        out = subprocess.check_output([sys.executable, '-c', code], env=env)
        return float(out)

    run('import boto'), run('import mangrove.services')  # bytecode compiled
    boto_t, mg_t = [], []
    for _ in range(rounds * 3):
        boto_t.append(run('import boto'))
        mg_t.append(run('import mangrove.services'))
    b, m = median(boto_t), median(mg_t)
    print('import: boto %.1f ms, mangrove.services %.1f ms, ratio %.2fx '
          '(goal < 1x)' % (b * 1e3, m * 1e3, m / b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=7)
    args = parser.parse_args()
    os.environ['BOTO_CONFIG'] = _boto_config()
    sys.path.insert(0, ROOT)
    print('Python %s' % sys.version.split()[0])
    bench_build(args.rounds)
    bench_lookup(args.rounds)
    bench_import(args.rounds)


if __name__ == '__main__':
    main()
