# -*- coding: utf-8 -*-
"""
Reliability figures of one shared pool under load and across an outage.

Starts its own moto server and a loopback proxy in front of it (the test
bed of ``tests/bed/``), builds one pool of two services (ec2, sqs) in
two regions, and prints:

* load: threads x calls through the pool, errors, open file descriptors
  after a warm-up round and at the end, calls per second;
* outage: the proxy stopped and restarted on the same port while threads
  keep calling, once with boto's ``num_retries = 0`` and once with 1:
  calls and errors before, during and after the outage (by exception
  type), how long after the restart each thread's first call succeeded,
  and whether the pool or any of its connections was replaced.

Run it from the repository root::

    python benchmarks/reliability.py
    python benchmarks/reliability.py --threads 32 --calls 500 --outage 3

``MANGROVE_MOTO_PYTHON`` names the interpreter that runs the moto server
(one with ``moto[server]==4.2.14``), as for the tests.
"""
from __future__ import absolute_import, division, print_function

import argparse
import collections
import os
import shutil
import socket
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for _path in (ROOT, os.path.join(ROOT, 'tests')):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from six.moves import http_client  # noqa: E402

from mangrove.testing import MotoServer, write_boto_config  # noqa: E402

from bed.proxy import LoopbackProxy  # noqa: E402

NETWORK_ERRORS = (socket.error, http_client.HTTPException)

_now = getattr(time, 'monotonic', time.time)

#: When an outage test's call started (and ended), relative to the stop and
#: the restart of the proxy.
PERIODS = ('before', 'in flight at the stop', 'outage', 'across the restart',
           'after')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--threads', type=int, default=32,
                        help='threads sharing the pool (default 32)')
    parser.add_argument('--calls', type=int, default=500,
                        help='calls per thread in the load (default 500)')
    parser.add_argument('--outage', type=float, default=2.0,
                        help='seconds the proxy stays stopped (default 2)')
    parser.add_argument('--phase', type=float, default=4.0,
                        help='seconds of calls before the outage and after '
                             'the restart (default 4)')
    return parser.parse_args(argv)


def make_pool(workers, proxy):
    mixin = workers.Ec2SqsPool(
        connect=True, aws_access_key_id='bench',
        aws_secret_access_key='bench', is_secure=False, proxy='127.0.0.1',
        proxy_port=proxy.port)
    for key in mixin.sqs.regions:
        mixin.sqs.regions[key].create_queue('bench-%s' % key)
    return mixin


def operations(mixin):
    def ec2(key):
        def call():
            if mixin.ec2.regions[key].get_all_reservations() != []:
                raise AssertionError('ec2 %s answered wrongly' % key)
        return call

    def sqs(key):
        def call():
            names = [q.name for q in mixin.sqs.regions[key].get_all_queues()]
            if names != ['bench-%s' % key]:
                raise AssertionError('sqs %s answered %r' % (key, names))
        return call

    return [ec2('us_east_1'), sqs('us_east_1'), ec2('eu_west_1'),
            sqs('eu_west_1')]


def connections(mixin):
    return [pool.regions[key].connection
            for pool in mixin.services.values() for key in pool.regions]


def warm_up(workers, mixin, proxy, threads):
    """Every thread calls each (service, region) once, all held in flight
    together, so boto opens as many keep-alive sockets as the load can
    use."""
    for call in operations(mixin):
        proxy.faults['*'] = 'stall'
        errors = []
        callers = threading.Thread(target=lambda call=call: errors.extend(
            workers.run_threads([call] * threads)))
        callers.start()
        proxy.wait_held(threads)
        proxy.faults.pop('*')
        proxy.release()
        callers.join(workers.HANG_GUARD)
        if errors:
            raise RuntimeError('warm-up failed:\n%s' % errors[0][1])


def run_load(workers, mixin, proxy, threads, calls):
    warm_up(workers, mixin, proxy, threads)
    ops = operations(mixin)
    before_ids = [id(c) for c in connections(mixin)]
    fds_before = workers.open_fds()
    errors = collections.Counter()
    done = [0]
    lock = threading.Lock()
    barrier = workers.Barrier(threads + 1)

    def worker(index):
        barrier.wait()
        for n in range(calls):
            try:
                ops[(index + n) % len(ops)]()
            except Exception as exc:
                with lock:
                    errors[type(exc).__name__] += 1
            with lock:
                done[0] += 1

    started = [None]

    def timer():
        barrier.wait()
        started[0] = _now()

    crashed = workers.run_threads(
        [timer] + [lambda i=i: worker(i) for i in range(threads)],
        timeout=max(workers.HANG_GUARD, threads * calls / 50.0))
    elapsed = _now() - started[0]
    fds_after = workers.open_fds()
    return {
        'threads': threads, 'calls_per_thread': calls, 'calls': done[0],
        'errors': sum(errors.values()), 'error_types': dict(errors),
        'crashed_threads': len(crashed), 'fds_after_warm_up': fds_before,
        'fds_at_end': fds_after, 'seconds': elapsed,
        'calls_per_second': done[0] / elapsed if elapsed else float('nan'),
        'connections_replaced': [id(c) for c in connections(mixin)] !=
        before_ids,
    }


def run_outage(workers, mixin, proxy, threads, phase, outage, num_retries):
    with workers.boto_setting('num_retries', num_retries):
        result = _run_outage(workers, mixin, proxy, threads, phase, outage)
    result['num_retries'] = num_retries
    return result


def _period(started, ended, marks):
    """Which of PERIODS a call from ``started`` to ``ended`` falls in."""
    if ended < marks['stop']:
        return 'before'
    if started < marks['stop']:
        return 'in flight at the stop'
    if ended < marks['restart']:
        return 'outage'
    if started < marks['restart']:
        return 'across the restart'
    return 'after'


def _run_outage(workers, mixin, proxy, threads, phase, outage):
    ops = operations(mixin)
    services_before = dict(mixin.services)
    before_ids = [id(c) for c in connections(mixin)]
    log = []    # (call started, call ended, thread, outcome)
    lock = threading.Lock()
    stop = threading.Event()
    marks = {}

    def worker(index):
        n = index
        while not stop.is_set():
            started = _now()
            try:
                ops[n % len(ops)]()
            except NETWORK_ERRORS as exc:
                outcome = type(exc).__name__
            except Exception as exc:
                outcome = 'unexpected %s' % type(exc).__name__
            else:
                outcome = 'ok'
            with lock:
                log.append((started, _now(), index, outcome))
            n += 1

    def conductor():
        try:
            time.sleep(phase)
            marks['stop'] = _now()
            proxy.stop()
            time.sleep(outage)
            proxy.restart()
            marks['restart'] = _now()
            time.sleep(phase)
        finally:
            stop.set()

    crashed = workers.run_threads(
        [conductor] + [lambda i=i: worker(i) for i in range(threads)],
        timeout=workers.HANG_GUARD + 2 * phase + outage)
    periods = dict((name, collections.Counter()) for name in PERIODS)
    first_ok = {}
    for when, ended, index, outcome in log:
        periods[_period(when, ended, marks)][outcome] += 1
        if outcome == 'ok' and ended >= marks['restart']:
            # How long after the restart this thread had an answer again.
            first_ok[index] = min(first_ok.get(index, ended), ended)
    recovery = sorted(when - marks['restart'] for when in first_ok.values())
    return {
        'threads': threads, 'periods': periods,
        'threads_recovered': len(first_ok), 'crashed_threads': len(crashed),
        'recovery_first_ok_ms': (
            [1000 * recovery[0], 1000 * recovery[len(recovery) // 2],
             1000 * recovery[-1]] if recovery else None),
        'pool_replaced': dict(mixin.services) != services_before,
        'connections_replaced': [id(c) for c in connections(mixin)] !=
        before_ids,
    }


def _count(counter):
    ok = counter.get('ok', 0)
    failed = sum(v for k, v in counter.items() if k != 'ok')
    kinds = ', '.join('%s %d' % (k, v) for k, v in sorted(counter.items())
                      if k != 'ok')
    return '%d calls, %d ok, %d failed%s' % (
        ok + failed, ok, failed, ' (%s)' % kinds if kinds else '')


def report_load(load):
    print('mangrove reliability (Python %s, %s CPUs)'
          % (sys.version.split()[0], getattr(os, 'cpu_count', lambda: '?')()))
    print()
    print('load: one ServiceMixinPool (ec2 + sqs, us-east-1 + eu-west-1) '
          'through a loopback proxy')
    print('  threads x calls       %d x %d = %d calls'
          % (load['threads'], load['calls_per_thread'], load['calls']))
    print('  errors                %d%s' % (load['errors'], (
        ' %r' % load['error_types']) if load['errors'] else ''))
    print('  open fds              %d after warm-up, %d at the end (%+d)'
          % (load['fds_after_warm_up'], load['fds_at_end'],
             load['fds_at_end'] - load['fds_after_warm_up']))
    print('  throughput            %.0f calls/s (%.2f s)'
          % (load['calls_per_second'], load['seconds']))
    print('  connections           %s' % (
        'replaced!' if load['connections_replaced'] else
        'the same 4 boto connections throughout'))


def report_outage(outage, seconds):
    print()
    print('outage: the proxy stopped for %gs, then restarted on the same '
          'port, while %d threads call; boto num_retries = %d'
          % (seconds, outage['threads'], outage['num_retries']))
    for period in PERIODS:
        print('  %-21s %s' % (period, _count(outage['periods'][period])))
    rec = outage['recovery_first_ok_ms']
    print('  recovery              %d of %d threads succeeded after the '
          'restart; first success %s'
          % (outage['threads_recovered'], outage['threads'],
             'min %.0f / median %.0f / max %.0f ms after it' % tuple(rec)
             if rec else 'never'))
    print('  pool                  %s' % (
        'replaced!' if outage['pool_replaced'] or
        outage['connections_replaced'] else
        'never replaced: same service pools and boto connections'))


NOTES = """
notes: boto sleeps up to 2**attempt seconds (random) after each failed
attempt, num_retries = 0 included, so a thread may still be asleep when the
server comes back. With num_retries = 0 a keep-alive socket that the
restarted server no longer knows fails the one call that meets it (boto then
drops it); with num_retries >= 1 boto retries that call on a new socket.
mangrove leaves both settings to boto and never replaces a pool or a
connection: the errors above are boto's own exceptions, raised as they are.
"""


def main(argv=None):
    args = parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix='mangrove-bench-')
    server = MotoServer().start()
    proxy = None
    try:
        # boto reads its config once, at import: write it first.
        os.environ['BOTO_CONFIG'] = write_boto_config(
            os.path.join(tmpdir, 'boto.cfg'), server.port)
        for name in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                     'AWS_SECURITY_TOKEN', 'AWS_PROFILE'):
            os.environ.pop(name, None)
        import workers
        proxy = LoopbackProxy(server).start()
        mixin = make_pool(workers, proxy)
        load = run_load(workers, mixin, proxy, args.threads, args.calls)
        report_load(load)
        failed = (load['errors'] or load['crashed_threads'] or
                  load['fds_at_end'] > load['fds_after_warm_up'])
        for num_retries in (0, 1):
            outage = run_outage(workers, mixin, proxy, args.threads,
                                args.phase, args.outage, num_retries)
            report_outage(outage, args.outage)
            failed = failed or (
                outage['crashed_threads'] or
                outage['periods']['outage'].get('ok') or
                outage['threads_recovered'] != args.threads or
                outage['pool_replaced'] or outage['connections_replaced'] or
                # With a retry, no call after the restart may fail.
                (num_retries and sum(outage['periods']['after'].values()) !=
                 outage['periods']['after']['ok']))
        print(NOTES.rstrip())
        return 1 if failed else 0
    finally:
        if proxy is not None:
            proxy.stop()
        server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
