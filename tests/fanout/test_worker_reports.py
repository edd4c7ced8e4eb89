# -*- coding: utf-8 -*-
"""
How a fan-out on an executor hears of each key as it finishes in its
worker (``on_result``), and what may never follow from it: a socket anyone
on the machine can connect to and hold, reports lost in a burst of workers,
a program that cannot exit after its caller stopped listening, or results
pickled inside one process.

Each subprocess here is waited on with a guard far above what it needs, so
a hang fails its test rather than the run.
"""
from __future__ import absolute_import

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import executor_workers as work
from mangrove import services
from mangrove.fanout.progress import ReportDirectory, ReportWriter

pytestmark = pytest.mark.slow

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: How long a subprocess may take before it counts as hung.
HANG_GUARD = 120


def process_pool(workers):
    if sys.version_info < (3, 7):
        return ProcessPoolExecutor(workers)
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context('fork'))


def listening_sockets(pid='self'):
    """Inodes of the TCP sockets process ``pid`` listens on (Linux)."""
    listening = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except IOError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == '0A':   # TCP_LISTEN
                listening.add(fields[9])
    own = set()
    fds = '/proc/%s/fd' % pid
    for fd in os.listdir(fds):
        try:
            target = os.readlink(os.path.join(fds, fd))
        except OSError:
            continue
        if target.startswith('socket:[') and target[8:-1] in listening:
            own.add(target[8:-1])
    return own


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='reads /proc')
def test_a_fan_out_with_on_result_listens_on_nothing(moto_port):
    # Nothing to connect to, so no silent peer can hold the fan-out; and
    # nothing for a forked worker to inherit.
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    seen = []
    with process_pool(2) as processes:
        before = listening_sockets()

        def on_result(key, result, error):
            # pid -> process on Python 3, the processes on 2.7's futures.
            workers = [getattr(worker, 'pid', worker) for worker in
                       getattr(processes, '_processes', None) or ()]
            seen.append((listening_sockets(), [
                listening_sockets(pid) for pid in workers]))

        results = pool.map(work.zones, executor=processes,
                           on_result=on_result)
    assert results.ok, results.errors
    assert len(seen) == len(work.REGIONS)
    for own, workers in seen:
        assert own == before
        assert workers and all(not inherited for inherited in workers)


def test_a_burst_of_workers_loses_no_report(moto_port):
    # 32 keys on 16 worker processes at once, twice: every key's outcome
    # is heard once, and none is taken for a timeout.
    pools = dict(('%02d' % index, services.Ec2Pool(
        connect=True, regions=['us-east-1', 'eu-west-1']))
        for index in range(16))
    from mangrove.pool import map_pools
    with process_pool(16) as processes:
        for _ in range(2):
            heard = []
            results = map_pools(
                pools, work.zones, executor=processes, timeout=HANG_GUARD,
                on_result=lambda key, result, error: heard.append(
                    (key, error)))
            assert results.ok, results.errors
            assert len(results) == 32
            assert sorted(heard) == sorted(
                (key, None) for key in results)


def test_a_thread_executor_hands_results_over_unpickled(moto_port):
    # A lock cannot be pickled: on threads each key's result reaches
    # on_result and the results as the very object the task returned.
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    made = {}

    def holds_a_lock(region):
        made[region.region_key] = threading.Lock()
        return made[region.region_key]

    heard = {}
    with ThreadPoolExecutor(2) as threads:
        results = pool.map(holds_a_lock, executor=threads,
                           on_result=lambda key, result, error:
                           heard.__setitem__(key, result))
    assert results.ok, results.errors
    assert all(results[key] is made[key] for key in made)
    assert all(heard[key] is made[key] for key in made)


def test_a_report_after_the_caller_stopped_waiting_fails_at_once():
    reports = ReportDirectory()
    writer = ReportWriter(reports.destination())
    writer.send('us_east_1', 'answer', None)
    assert [key for key, _ in reports.take()] == ['us_east_1']
    assert oct(os.stat(reports.path).st_mode & 0o777) == oct(0o700)
    reports.close()
    assert not os.path.exists(reports.path)
    # The directory is gone: the report fails, no file is left behind
    # and the writer makes no further attempt.
    writer.send('eu_west_1', 'answer', None)
    writer.send('ap_southeast_2', None, RuntimeError('late'))
    assert not os.path.exists(reports.path)
    assert writer._broken


def test_a_report_that_cannot_pickle_waits_for_its_chunk():
    reports = ReportDirectory()
    try:
        writer = ReportWriter(reports.destination())
        writer.send('us_east_1', threading.Lock(), None)
        writer.send('eu_west_1', 'answer', None)
        arrived = reports.take()
        assert [key for key, _ in arrived] == ['eu_west_1']
        assert arrived[0][1]['eu_west_1'] == 'answer'
        assert not writer._broken
    finally:
        reports.close()


EXIT_SCRIPT = textwrap.dedent('''
    import multiprocessing, os, signal, sys
    from concurrent.futures import ProcessPoolExecutor
    sys.path.insert(0, %(here)r)
    import executor_workers as work
    from mangrove import services

    how = sys.argv[1]
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    if sys.version_info < (3, 7):
        processes = ProcessPoolExecutor(1)
    else:
        processes = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context('fork'))

    interrupted = []

    def on_result(key, result, error):
        # eu_west_1 is still at work in the worker, which goes on
        # reporting after the caller has left.
        if how == 'exit':
            raise SystemExit(3)
        if not interrupted:
            # One Ctrl-C: a second one during the clean-up would cut that
            # short, in this program as in any other.
            interrupted.append(key)
            os.kill(os.getpid(), signal.SIGINT)

    pool.map(work.NeverFinishes(os.devnull + '.never', limit=3),
             executor=processes, on_result=on_result)
    print('not reached')
''')


@pytest.mark.parametrize('how', ['exit', 'interrupt'])
def test_the_program_exits_when_on_result_leaves_the_fan_out(
        moto_port, tmpdir, how):
    # SystemExit from on_result, or a KeyboardInterrupt to the calling
    # process alone (a notebook's interrupt): the program ends, its
    # worker's late reports fail at once.
    script = str(tmpdir.join('leave.py'))
    with open(script, 'w') as handle:
        handle.write(EXIT_SCRIPT % {'here': HERE})
    env = dict(os.environ)
    # Where the fan-out makes its report directory, looked at below.
    env['TMPDIR'] = str(tmpdir)
    child = subprocess.Popen([sys.executable, script, how],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env)
    try:
        out, err = communicate(child, HANG_GUARD)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert b'not reached' not in out
    if how == 'exit':
        assert child.returncode == 3, err
    else:
        assert child.returncode != 0
        assert b'KeyboardInterrupt' in err, err
    # The caller removed its report directory on its way out.
    assert sorted(os.listdir(str(tmpdir))) == ['leave.py']


def communicate(child, guard):
    """``child.communicate()``, failing the test after ``guard`` seconds
    (Python 2's communicate has no timeout)."""
    if sys.version_info >= (3,):
        try:
            return child.communicate(timeout=guard)
        except subprocess.TimeoutExpired:
            pytest.fail('the program did not exit within %ds' % guard)
    timer = threading.Timer(guard, child.kill)
    timer.start()
    try:
        out, err = child.communicate()
    finally:
        timer.cancel()
    if child.returncode == -signal.SIGKILL:
        pytest.fail('the program did not exit within %ds' % guard)
    return out, err
