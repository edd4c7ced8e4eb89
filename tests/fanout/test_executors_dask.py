# -*- coding: utf-8 -*-
"""
A fan-out on a dask cluster: ``executor=`` a dask.distributed ``Client`` (or
its ``get_executor()``), first an in-process ``LocalCluster``, then a real
``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 started as
a user starts them on a cluster. The same accounts x regions fan-out as on
threads and processes (tests/test_executors.py) gives the same results, each
key apart; progress is reported per key; workers keep their pools.

dask installs on Python 3.6+ (tox.ini); elsewhere these tests are skipped.
Every process started here ends by itself (idle and death timeouts) and is
stopped at the end; every wait is bounded.
"""
from __future__ import absolute_import

import os
import socket
import subprocess
import sys
import time

import pytest

import executor_workers as work
from mangrove import services
from mangrove.accounts import AccountPool
from mangrove.pool import map_pools
from test_executors import account_pools, check_fleet, check_timed_out

# Every test here is slow: its own processes (see conftest.py).
pytestmark = pytest.mark.slow

distributed = pytest.importorskip(
    'distributed', reason='dask.distributed does not install on Python %s'
    % sys.version.split()[0])

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Bounds the waits only a bug would make endless; never asserted on.
START_GUARD = 90


def free_port():
    sock = socket.socket()
    try:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def check_on_cluster(client, tmpdir):
    """The fleet, per-key progress and cached pools through ``client``."""
    pools = account_pools()
    expected = check_fleet(map_pools(pools, work.inventory))
    assert check_fleet(map_pools(pools, work.inventory,
                                 executor=client)) == expected
    executor = client.get_executor()
    assert check_fleet(map_pools(pools, work.inventory,
                                 executor=executor)) == expected
    # An account pool: each worker assumes its accounts' roles itself.
    fleet = AccountPool(services.Ec2Pool, work.ACCOUNTS, role_name='fleet',
                        regions=work.REGIONS)
    assert check_fleet(fleet.map(work.inventory,
                                 executor=client)) == expected
    assert all(fleet.accounts.slot(a).pool is None for a in work.ACCOUNTS)

    # Progress per key: eu_west_1 ends only once the caller has heard of
    # us_east_1, in the same chunk (one thread per worker: two chunks).
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    flag = str(tmpdir.join('us_east_1-reported'))
    heard = []

    def on_result(key, result, error):
        heard.append(key)
        if key == 'us_east_1':
            open(flag, 'w').close()

    results = pool.map(work.WaitForFile(flag, limit=30), executor=client,
                       on_result=on_result)
    assert results.ok, results.errors
    assert results['eu_west_1'] == 'heard in time'
    assert sorted(heard) == sorted(results)
    check_timed_out(pool.map(work.WaitForFile(str(tmpdir.join('never')),
                                              limit=5),
                             executor=client, timeout=3))

    # dask ships functions with cloudpickle: a lambda travels.
    assert dict(pool.map(lambda region: region.region_name,
                         executor=client)) == dict(
        (name.replace('-', '_'), name) for name in work.REGIONS)

    # Each worker keeps the pool unpickled, connections and all.
    first = pool.map(work.where, executor=client)
    second = pool.map(work.where, executor=client)
    assert first.ok and second.ok
    pids = set(pid for pid, _ in first.values()) | set(
        pid for pid, _ in second.values())
    assert os.getpid() not in pids and len(pids) <= 2
    for key in first:
        if first[key][0] == second[key][0]:
            assert first[key] == second[key]


def test_a_fleet_fan_out_on_a_local_dask_cluster(tmpdir):
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True,
        host='127.0.0.1', dashboard_address=None,
        local_directory=str(tmpdir.mkdir('dask')))
    try:
        with distributed.Client(cluster, timeout=START_GUARD) as client:
            check_on_cluster(client, tmpdir)
    finally:
        cluster.close()


def dask_command(role):
    """``dask scheduler`` / ``dask worker`` from this interpreter's
    environment (``dask-scheduler`` before the ``dask`` command)."""
    bindir = os.path.dirname(sys.executable)
    dask = os.path.join(bindir, 'dask')
    if os.path.exists(dask):
        return [dask, role]
    return [os.path.join(bindir, 'dask-' + role)]


class RealCluster(object):
    """A scheduler and two worker processes on 127.0.0.1, as a user starts
    them; each process ends by itself if left alone (idle timeout, death
    timeout), and :meth:`stop` ends them now."""

    def __init__(self, tmpdir):
        self.port = free_port()
        self.address = 'tcp://127.0.0.1:%d' % self.port
        self.tmpdir = tmpdir
        self.processes = []
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [HERE] + [p for p in os.environ.get('PYTHONPATH', '').split(
                os.pathsep) if p]))

    def start(self):
        self._spawn('scheduler', dask_command('scheduler') + [
            '--host', '127.0.0.1', '--port', str(self.port),
            '--dashboard-address', '127.0.0.1:%d' % free_port(),
            '--idle-timeout', '300'])
        for number in range(2):
            self._spawn('worker-%d' % number, dask_command('worker') + [
                self.address, '--host', '127.0.0.1', '--nthreads', '1',
                '--dashboard-address', '127.0.0.1:%d' % free_port(),
                '--death-timeout', '60',
                '--local-directory', str(self.tmpdir.mkdir(
                    'worker-%d' % number))])
        return self

    def _spawn(self, name, argv):
        log = open(str(self.tmpdir.join(name + '.log')), 'wb')
        self.processes.append((name, log, subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
            cwd=str(self.tmpdir))))

    def logs(self):
        text = []
        for name, log, _ in self.processes:
            log.flush()
            with open(log.name) as handle:
                text.append('--- %s\n%s' % (name, handle.read()[-3000:]))
        return '\n'.join(text)

    def stop(self):
        for _, _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        end = time.time() + 15
        for _, log, process in self.processes:
            while process.poll() is None and time.time() < end:
                time.sleep(0.1)
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()


def test_a_fleet_fan_out_on_a_real_scheduler_and_two_worker_processes(
        tmpdir):
    cluster = RealCluster(tmpdir).start()
    try:
        client = distributed.Client(cluster.address, timeout=START_GUARD)
        try:
            try:
                client.wait_for_workers(2, timeout=START_GUARD)
            except Exception:
                pytest.fail('the workers never joined:\n' + cluster.logs())
            assert len(client.scheduler_info()['workers']) == 2
            check_on_cluster(client, tmpdir)
        finally:
            client.close()
    finally:
        cluster.stop()
    assert all(process.poll() is not None
               for _, _, process in cluster.processes)
