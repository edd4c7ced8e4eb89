# -*- coding: utf-8 -*-
"""
What a fan-out promises when things go wrong around it: results that cross
a process boundary with their errors, timeouts of any length, Ctrl-C on
every interpreter, stuck tasks that never hold the process open, a slow
progress callback that cannot make a call late.

Processes that must end on their own (after SIGINT, or with a task stuck on
a server that never answers) run as subprocesses; each wait on them is
bounded only so that a bug fails the test instead of hanging it, and no
test asserts on elapsed time.
"""
from __future__ import absolute_import

import copy
import multiprocessing
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from fanout_workers import (
    MISSING_INSTANCE, NeedsTwoArguments, connected_pool, fan_out_in_worker,
    raise_for_errors_in_worker)
from mangrove.exceptions import (
    FanOutError, InvalidArgumentError,
    InvalidArgumentTypeError, UnpicklableError)
from mangrove.fanout import RegionResults, fan_out

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)

#: Bounds waits that only a bug would make endless; never asserted on. It is
#: well under the socket timeout the subprocesses give boto (600 s), so a
#: process that only ends once its stuck calls end fails the test.
HANG_GUARD = 60

KEYS = ['us_east_1', 'eu_west_1', 'ap_southeast_2']


# -- results and errors cross processes --------------------------------------


@pytest.fixture(autouse=True)
def plain_exception_pickling():
    """Exceptions pickle as Python itself pickles them. dask.distributed,
    once imported (by another test module of the same process), registers
    tblib's pickling for every exception class defined by then, which
    rebuilds an exception without calling its __init__: an error that
    cannot be rebuilt from its args (this module's subject) then can, and
    whether it could would depend on which test files a worker collected
    first."""
    from six.moves import copyreg
    foreign = dict(
        (cls, reducer) for cls, reducer in copyreg.dispatch_table.items()
        if isinstance(cls, type) and issubclass(cls, BaseException) and
        getattr(reducer, '__module__', '').startswith('tblib'))
    for cls in foreign:
        del copyreg.dispatch_table[cls]
    try:
        yield
    finally:
        copyreg.dispatch_table.update(foreign)


def _failing(error):
    def task():
        raise error
    return task


def _results_with_every_kind_of_error():
    local = type('LocalError', (Exception,), {})  # not importable by name
    from fanout_workers import HoldsALock
    return fan_out([
        ('us_east_1', lambda: 'answer'),
        ('eu_west_1', _failing(ValueError('eu_west_1 is down'))),
        ('ap_southeast_2', _failing(HoldsALock('holds a lock'))),
        ('sa_east_1', _failing(local('defined in a function'))),
        ('ca_central_1', _failing(NeedsTwoArguments('ca_central_1', 'x'))),
    ])


def _check_arrived(original, arrived):
    assert type(arrived) is RegionResults
    assert dict(arrived) == dict(original) == {'us_east_1': 'answer'}
    assert arrived.failed == original.failed
    error = arrived.errors['eu_west_1']
    assert type(error) is ValueError and str(error) == 'eu_west_1 is down'
    for key, type_name in (('ap_southeast_2', 'HoldsALock'),
                           ('sa_east_1', 'LocalError'),
                           ('ca_central_1', 'NeedsTwoArguments')):
        stand_in = arrived.errors[key]
        assert isinstance(stand_in, UnpicklableError), key
        assert stand_in.type_name.endswith(type_name)
        assert stand_in.text == str(original.errors[key])
        assert type_name in str(stand_in)
    for key in original.failed:
        # The traceback text travels whole, naming the original type and
        # the line that raised.
        text = arrived.format_error(key)
        assert text == original.format_error(key)
        assert 'raise error' in text
    assert 'ValueError: eu_west_1 is down' in arrived.format_error(
        'eu-west-1')


def test_results_with_errors_pickle_with_every_error_or_a_stand_in():
    original = _results_with_every_kind_of_error()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        _check_arrived(original, pickle.loads(pickle.dumps(original,
                                                           protocol)))
    # The original is untouched: its traceback objects are still there.
    assert original.tracebacks['eu_west_1'] is not None


def test_results_with_errors_deep_copy_as_they_pickle():
    original = _results_with_every_kind_of_error()
    _check_arrived(original, copy.deepcopy(original))
    assert copy.copy(original) is not original


def test_fan_out_error_pickles_with_its_results():
    with pytest.raises(FanOutError) as raised:
        _results_with_every_kind_of_error().raise_for_errors()
    for clone in (pickle.loads(pickle.dumps(raised.value)),
                  copy.deepcopy(raised.value)):
        assert type(clone) is FanOutError
        assert str(clone) == str(raised.value)
        _check_arrived(raised.value.results, clone.results)


def test_an_error_whose_bad_value_cannot_pickle_still_pickles():
    with pytest.raises(InvalidArgumentTypeError) as raised:
        fan_out([('us_east_1', lambda: 1)], on_result=threading.Lock())
    clone = pickle.loads(pickle.dumps(raised.value))
    assert str(clone) == str(raised.value)
    assert 'lock' in clone.value


def _spawn_run(func, arg):
    from concurrent.futures import ProcessPoolExecutor
    kwargs = {}
    if sys.version_info >= (3, 7):
        kwargs['mp_context'] = multiprocessing.get_context('spawn')
    executor = ProcessPoolExecutor(max_workers=1, **kwargs)
    try:
        return executor.submit(func, arg).result(timeout=HANG_GUARD)
    finally:
        executor.shutdown(wait=True)


needs_spawn = pytest.mark.skipif(
    sys.version_info < (3, 7),
    reason='a spawn ProcessPoolExecutor needs Python 3.7 (mp_context)')


@pytest.mark.slow
@needs_spawn
def test_results_with_errors_return_from_a_spawned_worker():
    from boto.exception import EC2ResponseError

    pool = connected_pool()
    pool.regions.us_east_1.create_security_group('spawned', 'a group')

    results = _spawn_run(fan_out_in_worker, pool)

    assert type(results) is RegionResults
    assert sorted(results['us-east-1']) == ['default', 'spawned']
    assert results.failed == ['eu_west_1', 'ap_southeast_2']
    aws = results.errors['eu_west_1']
    assert isinstance(aws, EC2ResponseError)
    assert aws.error_code == 'InvalidInstanceID.NotFound'
    assert MISSING_INSTANCE in results.format_error('eu_west_1')
    assert 'mixed_outcomes' in results.format_error('eu_west_1')
    stand_in = results.errors['ap_southeast_2']
    assert isinstance(stand_in, UnpicklableError)
    assert stand_in.type_name == 'fanout_workers.NeedsTwoArguments'
    assert 'rebuilt wrongly' in str(stand_in)


@pytest.mark.slow
@needs_spawn
def test_a_fan_out_error_raised_in_a_spawned_worker_reaches_the_caller():
    pool = connected_pool()

    with pytest.raises(FanOutError) as raised:
        _spawn_run(raise_for_errors_in_worker, pool)

    error = raised.value
    assert 'eu_west_1: EC2ResponseError: 400' in str(error)
    assert error.results.failed == ['eu_west_1', 'ap_southeast_2']
    assert 'us_east_1' in error.results


# -- timeouts of any length ---------------------------------------------------


@pytest.mark.parametrize('timeout', [
    1e10, threading.TIMEOUT_MAX * 4 if hasattr(threading, 'TIMEOUT_MAX')
    else 1e12, 1e300, 10 ** 30])
def test_a_timeout_longer_than_the_platform_can_wait_is_no_timeout(timeout):
    pool = connected_pool()

    results = pool.map(lambda region: region.region_name, timeout=timeout)

    assert results.ok and list(results.values()) == [
        'us-east-1', 'eu-west-1', 'ap-southeast-2']


def test_the_command_line_takes_a_timeout_longer_than_the_platform_waits():
    child = subprocess.Popen(
        [sys.executable, '-m', 'mangrove', 'call', 'ec2', 'get_all_instances',
         '--regions', 'us-east-1,eu-west-1', '--timeout', '1e10'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))

    status, output = _exit_of(child)

    assert status == 0, output
    assert 'Traceback' not in output and 'Overflow' not in output
    assert 'us-east-1: 0 results' in output


@pytest.mark.parametrize('timeout', [10 ** 400, float('inf'), -1e300])
def test_an_endless_or_overflowing_timeout_is_refused_before_any_task(
        timeout):
    ran = []
    with pytest.raises(InvalidArgumentError) as raised:
        fan_out([('us_east_1', lambda: ran.append(1))], timeout=timeout)
    assert 'None' in str(raised.value)
    assert ran == []


# -- a progress callback cannot make a fan-out late ---------------------------


@pytest.mark.slow
def test_a_blocking_on_result_cannot_make_the_fan_out_overrun_its_timeout():
    release = threading.Event()
    calls = []

    def blocking_progress(key, result, error):
        calls.append(key)
        release.wait(HANG_GUARD)

    try:
        # Returning while the first report still blocks proves the call
        # did not wait for it.
        results = fan_out([(key, (lambda k: lambda: k)(key))
                           for key in KEYS],
                          timeout=2, on_result=blocking_progress)
        assert not release.is_set()
        returned_with = list(calls)
    finally:
        release.set()

    assert results.ok and list(results) == KEYS
    assert len(returned_with) == 1
    for thread in threading.enumerate():
        if thread.name == 'mangrove-fanout-report':
            thread.join(HANG_GUARD)
    # No report starts once the fan-out has returned.
    assert calls == returned_with


def test_a_blocking_on_result_cannot_hold_a_chunked_fan_out_either():
    # The same on an executor: its keys' reports go through the fan-out's
    # report thread, not the thread that waits for the chunks.
    from concurrent.futures import ThreadPoolExecutor
    from mangrove.pool import map_pools
    from mangrove.services import Ec2Pool
    release = threading.Event()
    calls = []

    def blocking_progress(key, result, error):
        calls.append(key)
        release.wait(HANG_GUARD)

    pool = Ec2Pool(connect=True, regions=[key.replace('_', '-')
                                          for key in KEYS])
    try:
        with ThreadPoolExecutor(2) as threads:
            results = map_pools({'one': pool}, lambda region:
                                region.region_key, executor=threads,
                                timeout=2, on_result=blocking_progress)
            assert not release.is_set()
            returned_with = list(calls)
    finally:
        release.set()
    assert results.ok and sorted(results) == sorted(
        ('one', key) for key in KEYS)
    assert len(returned_with) == 1


@pytest.mark.parametrize('leave', [SystemExit(3), KeyboardInterrupt()],
                         ids=['SystemExit', 'KeyboardInterrupt'])
@pytest.mark.parametrize('executor', ['threads', 'thread-pool'])
def test_on_result_leaving_the_program_ends_a_fan_out_at_once(
        leave, executor):
    # Raised on the report thread alone it would end nothing: a fan-out
    # with no timeout would wait for ever for reports no one takes. It is
    # raised by the call, while a task is still at work.
    from concurrent.futures import ThreadPoolExecutor
    from mangrove.pool import map_pools
    from mangrove.services import Ec2Pool
    release = threading.Event()
    calls = []

    def task(key):
        if key != 'us_east_1':
            release.wait(HANG_GUARD)
        return key

    def on_result(key, result, error):
        calls.append(key)
        raise leave

    threads = ThreadPoolExecutor(2) if executor == 'thread-pool' else None
    try:
        with pytest.raises(type(leave)):
            if threads is None:
                fan_out([(key, (lambda k: lambda: task(k))(key))
                         for key in KEYS], on_result=on_result)
            else:
                # Connections are made here; no request is sent.
                pool = Ec2Pool(connect=True, regions=[
                    key.replace('_', '-') for key in KEYS])
                map_pools({'one': pool}, lambda region: task(
                    region.region_key), executor=threads,
                    on_result=on_result)
        assert not release.is_set()
    finally:
        release.set()
        if threads is not None:
            threads.shutdown(wait=True)
    assert calls == ['us_east_1'] if threads is None else calls == [
        ('one', 'us_east_1')]


def test_every_report_is_made_before_the_call_returns_when_in_time():
    calls = []

    results = fan_out([(key, (lambda k: lambda: k)(key)) for key in KEYS],
                      timeout=HANG_GUARD, on_result=lambda *a: calls.append(a))

    assert sorted(calls) == sorted((key, key, None) for key in KEYS)
    assert results.ok


# -- keys ---------------------------------------------------------------------


def test_format_error_of_an_unhashable_key_is_a_type_error():
    results = fan_out([('us_east_1', _failing(ValueError('x')))])

    with pytest.raises(InvalidArgumentTypeError) as raised:
        results.format_error([])
    assert 'list []' in str(raised.value)
    assert results.get([]) is None and [] not in results


# -- Ctrl-C and exit, in a process of their own ------------------------------


class SilentServer(object):
    """A loopback TCP server that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._accept)
        self.thread.daemon = True
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except (OSError, socket.error):
                return
            with self.cond:
                self.accepted.append(conn)
                self.cond.notify_all()

    def wait_accepted(self, count):
        deadline = time.time() + HANG_GUARD
        with self.cond:
            while len(self.accepted) < count and time.time() < deadline:
                self.cond.wait(0.5)
            return len(self.accepted)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, socket.error):
            pass
        self.sock.close()
        with self.cond:
            for conn in self.accepted:
                conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


_CHILD = r'''
import signal
import sys
from mangrove.services import Ec2Pool

# What Python does in a terminal; a test run in the background starts its
# processes with SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)

pool = Ec2Pool(connect=True, regions=%(regions)r,
               endpoint_url='http://127.0.0.1:%(port)d',
               aws_access_key_id='testing', aws_secret_access_key='testing')
try:
    results = pool.map(lambda region: region.get_all_instances(),
                       timeout=%(timeout)r)
except KeyboardInterrupt:
    sys.stdout.write('interrupted\n')
else:
    sys.stdout.write('returned %%d timed out\n' %% len(results.errors))
sys.stdout.flush()
'''


def _start_child(tmpdir, port, regions, timeout):
    from mangrove.testing import write_boto_config
    env = dict(os.environ)
    env['BOTO_CONFIG'] = write_boto_config(
        str(tmpdir.join('boto.cfg')), port,
        {'Boto': {'http_socket_timeout': 600}})
    env['PYTHONPATH'] = os.pathsep.join(
        [p for p in [os.environ.get('PYTHONPATH')] if p])
    return subprocess.Popen(
        [sys.executable, '-c', _CHILD % dict(
            regions=regions, port=port, timeout=timeout)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _exit_of(child):
    """The child's (status, output), or fail once it has run too long."""
    deadline = time.time() + HANG_GUARD
    while child.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    if child.poll() is None:
        child.kill()
        out, err = child.communicate()
        pytest.fail('the process did not exit by itself:\n%s%s' % (
            out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')))
    out, err = child.communicate()
    return child.returncode, out.decode('utf-8') + err.decode('utf-8')


@pytest.mark.slow
def test_a_task_given_up_on_never_holds_the_process_open(silent_server,
                                                         tmpdir):
    regions = ['us-east-1', 'eu-west-1']
    # Long enough for a loaded machine's child to reach the server.
    child = _start_child(tmpdir, silent_server.port, regions, 3)

    status, output = _exit_of(child)

    assert status == 0, output
    assert 'returned 2 timed out' in output
    assert silent_server.wait_accepted(2) == 2


@pytest.mark.skipif(sys.platform == 'win32', reason='POSIX signals')
def test_ctrl_c_ends_a_fan_out_with_no_timeout_at_once(silent_server,
                                                       tmpdir):
    regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
    child = _start_child(tmpdir, silent_server.port, regions, None)
    try:
        # Every region's request is in flight, each stuck for good.
        assert silent_server.wait_accepted(3) == 3
        os.kill(child.pid, signal.SIGINT)
    except BaseException:
        child.kill()
        child.communicate()
        raise

    status, output = _exit_of(child)

    assert status == 0, output
    assert 'interrupted' in output
