# -*- coding: utf-8 -*-
"""
Region lookups of this tree against another revision, side by side.

    python benchmarks/lookups.py --against v1.1.0 [--rounds N]

Runs the four lookups of ``benchmarks/core.py`` (``regions['us_east_1']``,
``regions['us-east-1']``, ``regions.us_east_1``, ``pool.regions[...]``, each
followed by ``.host``) in a fresh interpreter per tree, the two trees taking
turns for ``N`` rounds, so that a busy machine slows both alike; prints the
median extra nanoseconds of each over a dict of connections. Times are the
process's CPU time, so that the other processes of a shared machine do not
count (what they do to its caches still does). The other revision is
extracted with ``git archive`` into a temporary directory.
"""
from __future__ import print_function

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import median  # noqa: E402

CASES = ("regions['us_east_1']", "regions['us-east-1']", 'regions.us_east_1',
         "pool.regions['us_east_1']")

# Run in a fresh interpreter with ROOT set to the tree under test.
_PROGRAM = r'''
import os, sys, time, timeit
sys.path.insert(0, os.path.join(ROOT, 'benchmarks'))
sys.path.insert(0, ROOT)
import core
os.environ['BOTO_CONFIG'] = core._boto_config()
import boto.ec2
from mangrove.services import Ec2Pool
conns = {'us_east_1': boto.ec2.connect_to_region('us-east-1')}
pool = Ec2Pool(connect=True, regions=['us-east-1'])
regions = pool.regions
direct = lambda: conns['us_east_1'].host
cases = [lambda: regions['us_east_1'].host,
         lambda: regions['us-east-1'].host,
         lambda: regions.us_east_1.host,
         lambda: pool.regions['us_east_1'].host]
n = 100000
# CPU time of this process (time.clock on Python 2.7).
cpu = getattr(time, 'process_time', None) or time.clock
extra = []
for case in cases:
    d = min(timeit.repeat(direct, timer=cpu, number=n, repeat=3)) / n
    m = min(timeit.repeat(case, timer=cpu, number=n, repeat=3)) / n
    extra.append((m - d) * 1e9)
print(' '.join('%.1f' % x for x in extra))
'''


def _measure(root):
    out = subprocess.check_output(
        [sys.executable, '-c', 'ROOT = %r\n%s' % (root, _PROGRAM)])
    return [float(x) for x in out.decode('ascii').split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--against', required=True,
                        help='a git revision to compare with')
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    other = tempfile.mkdtemp(prefix='mangrove-lookups-')
    try:
        archive = subprocess.Popen(['git', 'archive', args.against],
                                   cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.check_call(['tar', '-x', '-C', other],
                              stdin=archive.stdout)
        if archive.wait() != 0:
            sys.exit('git archive %s failed' % args.against)
        figures = {'this tree': [], args.against: []}
        for _ in range(args.rounds):
            figures['this tree'].append(_measure(ROOT))
            figures[args.against].append(_measure(other))
    finally:
        shutil.rmtree(other)
    print('Python %s, median of %d rounds, extra ns (CPU time) over a dict '
          'of connections (goal < 2000 ns)'
          % (sys.version.split()[0], args.rounds))
    for label in (args.against, 'this tree'):
        columns = zip(*figures[label])
        print('%-12s %s' % (label, '  '.join(
            '%s +%.0f' % (case, median(column))
            for case, column in zip(CASES, columns))))


if __name__ == '__main__':
    main()
