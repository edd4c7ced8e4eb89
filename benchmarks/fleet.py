# -*- coding: utf-8 -*-
"""
A fleet fan-out (accounts x regions x services) on threads, processes, loky
and dask, against the floors it cannot beat.

    python benchmarks/fleet.py [--accounts 25] [--regions 16] [--rounds 3]

Python 3 with the ``loky`` and ``dask`` extras (``pip install
boto-mangrove[loky,dask]``); Linux (client CPU is read from ``/proc``).

Each account is a role assumed in moto (its own credentials, its own
state); each account's pool is a ServiceMixinPool of five services (EC2,
SQS, SNS, ELB, Auto Scaling) over ``--regions`` regions, asked one listing
call per service and region: 25 x 16 x 5 = 2,000 calls, one
``map_pools`` fan-out. Requests go through a latency proxy in its own
process (benchmarks/replayproxy.py) that waits each region's round trip
(benchmarks/fanout.py's table) and replays moto's answers, so that the
figures are the client's, not the emulator's.

For each executor: the wall time of the fan-out (median of the rounds), the
client CPU per call (this process and its worker processes), against

- the CPU floor: the single-thread CPU per call (each call made in turn
  on one thread, no latency) x calls / cores;
- the network floor: the slowest chain of round trips (each key is one
  call, so the slowest region's round trip, measured alone);
- the machine's floor: the proxy stands for the network but runs on the
  same cores as the client (about 0.2 ms of CPU a request), so no fan-out
  here can beat (single-thread CPU x calls + the test bed's CPU in the
  run) / cores; each row shows it too.

Each executor runs the fan-out twice before the clock starts, so that
every worker process holds every pool and its connections.

A second run is CPU-bound: ``get_all_images(owners=['amazon'])`` (a large
answer: tens of milliseconds of parsing each) per account and region, no
latency: processes against threads. Goals: the best executor within 1.3x
of max(floors); processes at least 1.7x faster than threads when
CPU-bound. Nothing leaves 127.0.0.1.
"""
from __future__ import print_function

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from mangrove.testing import MotoServer  # noqa: E402

from common import median, proc_stat  # noqa: E402
from fanout import ROUND_TRIPS  # noqa: E402
import fleetwork  # noqa: E402

CORES = multiprocessing.cpu_count()


def start_proxy(upstream_port, latency):
    """A replay proxy process; its port."""
    path = os.path.join(tempfile.mkdtemp(prefix='mangrove-fleet-'),
                        'latency.json')
    with open(path, 'w') as handle:
        json.dump(latency, handle)
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, 'replayproxy.py'),
         str(upstream_port), path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(process.stdout.readline())
    return process, port


# -- client CPU, from /proc -------------------------------------------------

def _test_bed(pid):
    """Whether a process is the emulator's or a proxy's."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            argv = handle.read()
    except (IOError, OSError):
        return False
    return b'moto' in argv or b'replayproxy' in argv


def client_cpu(excluded):
    """CPU seconds of this process and its descendants, less the test bed's
    processes (the emulator, the proxies: pids in ``excluded``)."""
    stats = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            stat = proc_stat(int(name))
            if stat is not None:
                stats[int(name)] = stat
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        if pid in excluded or pid not in stats:
            continue
        total += stats[pid][1]
        todo.extend(children.get(pid, ()))
    return total


# -- the runs --------------------------------------------------------------


def bed_cpu(excluded):
    """CPU seconds of the test bed's processes (the emulator, the
    proxies)."""
    return sum(stat[1] for stat in map(proc_stat, excluded)
               if stat is not None)


def timed_fan_out(pools, func, executor, excluded):
    from mangrove.pool import map_pools
    cpu, bed, start = client_cpu(excluded), bed_cpu(excluded), time.time()
    results = map_pools(pools, func, executor=executor)
    wall = time.time() - start
    results.raise_for_errors()
    return (wall, client_cpu(excluded) - cpu, len(results),
            bed_cpu(excluded) - bed)


def single_thread_cpu(pools, func):
    """CPU seconds per call, every call one after another on one thread."""
    calls, start = 0, time.process_time()
    for _, pool in pools:
        services = getattr(pool, 'services', None)
        for service in services.values() if isinstance(services, dict) \
                else [pool]:
            for region in service.regions.values():
                func(region)
                calls += 1
    return (time.process_time() - start) / calls, calls


def executors(which):
    """(label, executor, closer) for each engine asked for."""
    made = []
    if 'threads' in which:
        made.append(('threads', None, None))
    for method in ('fork', 'spawn'):
        if 'processes' in which:
            pool = ProcessPoolExecutor(
                CORES, mp_context=multiprocessing.get_context(method))
            made.append(('processes (%s)' % method, pool, pool.shutdown))
    if 'loky' in which:
        import loky
        executor = loky.get_reusable_executor(max_workers=CORES)
        made.append(('loky', executor, None))
    if 'dask' in which:
        import distributed
        cluster = distributed.LocalCluster(
            n_workers=CORES, threads_per_worker=1, processes=True,
            host='127.0.0.1', dashboard_address=None)
        client = distributed.Client(cluster)

        def close():
            client.close()
            cluster.close()
        made.append(('dask LocalCluster', client, close))
    return made


def run_table(title, pools, func, engines, rounds, excluded, floors,
              per_call):
    """One row per executor: wall time, client CPU per call, the ratio
    to max(floors), the test bed's CPU in the run, and the ratio to the
    machine's floor: the client's single-thread CPU and the test bed's
    CPU together, over the cores (the proxy and the emulator stand for the
    network but run on the same cores as the client)."""
    print('\n%s' % title)
    print('  %-20s %9s %14s %12s %12s %14s' % (
        'executor', 'wall (s)', 'CPU/call (ms)', 'x max(floor)',
        'bed CPU (s)', 'x machine'))
    walls = {}
    for label, executor, _ in engines:
        # Warm twice: a worker process unpickles a pool and opens its
        # connections the first time a chunk of it lands there, and which
        # worker gets which chunk varies from run to run.
        for _ in range(2):
            timed_fan_out(pools, func, executor, excluded)
        runs = [timed_fan_out(pools, func, executor, excluded)
                for _ in range(rounds)]
        wall = median([run[0] for run in runs])
        cpu = median([run[1] / run[2] for run in runs])
        bed = median([run[3] for run in runs])
        machine = (per_call * runs[0][2] + bed) / CORES
        walls[label] = wall
        print('  %-20s %9.3f %14.2f %12.2f %12.3f %14.2f' % (
            label, wall, cpu * 1000, wall / max(floors), bed,
            wall / max(list(floors) + [machine])))
    return walls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--accounts', type=int, default=25)
    parser.add_argument('--regions', type=int, default=16)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--executors', default='threads,processes,loky,dask')
    args = parser.parse_args()
    which = args.executors.split(',')

    regions = fleetwork.fleet_regions(args.regions, ROUND_TRIPS)
    latency = dict((name, ROUND_TRIPS[name]) for name in regions)
    print('Python %s, %d cores; %d accounts x %d regions x %d services; '
          'round trips %d-%d ms; median of %d rounds'
          % (sys.version.split()[0], CORES, args.accounts, len(regions),
             len(fleetwork.SERVICES), min(latency.values()) * 1000,
             max(latency.values()) * 1000, args.rounds))
    with MotoServer() as server:
        slow_proxy, slow_port = start_proxy(server.port, latency)
        fast_proxy, fast_port = start_proxy(server.port, {})
        excluded = set(pid for pid in map(int, filter(
            str.isdigit, os.listdir('/proc'))) if _test_bed(pid))
        engines = executors(which)
        try:
            accounts = fleetwork.assume_roles(server.port, args.accounts)
            pools = fleetwork.account_pools(accounts, regions, slow_port)
            quick = fleetwork.account_pools(accounts, regions, fast_port)
            fleetwork.warm(pools)
            fleetwork.warm(quick)
            per_call, calls = single_thread_cpu(quick, fleetwork.inventory)
            cpu_floor = per_call * calls / CORES
            network_floor = fleetwork.slowest_chain(pools, latency)
            print('calls: %d; single-thread CPU per call %.2f ms; CPU floor '
                  '%.3f s; network floor (slowest chain) %.3f s'
                  % (calls, per_call * 1000, cpu_floor, network_floor))
            walls = run_table(
                'Fleet fan-out (%d calls, through the latency proxy)'
                % calls, pools, fleetwork.inventory, engines, args.rounds,
                excluded, (cpu_floor, network_floor), per_call)
            best = min(walls, key=walls.get)
            print('  best: %s, %.2fx max(CPU floor, network floor) '
                  '(goal <= 1.3x)' % (best, walls[best] / max(
                      cpu_floor, network_floor)))

            images = fleetwork.image_pools(accounts, regions[:4], fast_port)
            fleetwork.warm(images, fleetwork.images)
            per_call, calls = single_thread_cpu(images, fleetwork.images)
            floor = per_call * calls / CORES
            walls = run_table(
                'CPU-bound: get_all_images(owners=[amazon]) x %d, no '
                'latency (%.1f ms CPU a call; CPU floor %.3f s)' % (
                    calls, per_call * 1000, floor),
                images, fleetwork.images, engines, args.rounds, excluded,
                (floor,), per_call)
            if 'threads' in walls:
                fastest = min((wall, label) for label, wall in walls.items()
                              if label != 'threads')
                print('  %s: %.2fx faster than threads (goal >= 1.7x)'
                      % (fastest[1], walls['threads'] / fastest[0]))
        finally:
            for _, _, close in engines:
                if close is not None:
                    close()
            for proxy in (slow_proxy, fast_proxy):
                proxy.stdin.close()
                proxy.wait()


if __name__ == '__main__':
    main()
