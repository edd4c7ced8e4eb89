# -*- coding: utf-8 -*-
"""
A pool pickles to its declaration and settings, never its sockets, and the
unpickled pool works, connecting lazily: in this process, in a fresh
interpreter, and in a ``ProcessPoolExecutor`` worker started with
``spawn`` that runs a fan-out and sends back plain results.

Requests go through a loopback proxy that only the pickled settings name
(the session's boto config points at the moto server directly), so a
request recorded at the proxy proves the settings travelled.
"""
from __future__ import absolute_import

import io
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
import threading

import pytest

from mangrove import NotConnectedError
from mangrove.services import Ec2Pool
from workers import (
    HANG_GUARD, REGIONS, Ec2SqsPool, call_in_worker, instance_ids,
    map_in_worker, pooled_socket_ports)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KEYS = [name.replace('-', '_') for name in REGIONS]
PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))

# Everything a pickled pool may refer to: its declaration and settings are
# plain data; sockets, boto connections, locks and threads belong to one
# process and must never be in it.
ALLOWED_GLOBALS = ('mangrove.pool.', 'mangrove.pool.service.',
                   'mangrove.pool.mixin.',
                   'mangrove.pool.declaration.Declaration',
                   'mangrove.services.', 'workers.', 'collections.OrderedDict',
                   'copy_reg._reconstructor', 'copyreg._reconstructor',
                   '__builtin__.object', 'builtins.object',
                   '__builtin__.tuple', 'builtins.tuple')


def globals_in(data):
    """The ``module.name`` of every class or function a pickle refers to."""
    found = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            found.add('%s.%s' % (module, name))
            return pickle.Unpickler.find_class(self, module, name)

    Recorder(io.BytesIO(data)).load()
    assert found, 'a pool pickles as its class at least'
    return found


def assert_no_process_state(data):
    for name in globals_in(data):
        assert name.startswith(ALLOWED_GLOBALS), name


@pytest.fixture
def via_proxy(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    return connect_kwargs


@pytest.fixture
def used_pool(via_proxy):
    """An ec2 pool that has made requests and holds keep-alive sockets, with
    one instance running in each region."""
    pool = Ec2Pool(connect=True, regions=REGIONS, default_region='eu-west-1',
                   **via_proxy)
    for key in KEYS:
        pool.regions[key].run_instances('ami-12c6146b')
        assert pooled_socket_ports(pool.regions[key].connection)
    return pool


def expected_instances(pool):
    return dict((key, instance_ids(pool.regions[key].get_all_instances()))
                for key in KEYS)


@pytest.mark.parametrize('protocol', PROTOCOLS)
def test_pickled_pool_holds_no_socket_and_works_again(used_pool, proxy,
                                                      protocol):
    data = pickle.dumps(used_pool, protocol)
    assert_no_process_state(data)

    pool = pickle.loads(data)
    assert type(pool) is Ec2Pool
    assert list(pool.regions) == list(used_pool.regions)
    assert pool.default_region == 'eu-west-1'
    assert pool.connected
    assert pool._connect_kwargs == used_pool._connect_kwargs
    assert repr(pool) == repr(used_pool)

    # Lazily reconnected: a new boto connection, through the proxy the
    # pickled settings name.
    before = len(proxy.records)
    assert expected_instances(pool) == expected_instances(used_pool)
    assert len(proxy.records) > before
    for key in KEYS:
        assert pool.regions[key].connection is not \
            used_pool.regions[key].connection
    assert pool.regions.default.region_name == 'eu-west-1'


def test_unconnected_pool_unpickles_unconnected(via_proxy):
    pool = pickle.loads(pickle.dumps(Ec2Pool(regions=REGIONS, **via_proxy)))
    assert not pool.connected
    with pytest.raises(NotConnectedError):
        pool.regions.us_east_1
    assert pool.connect().regions.us_east_1.get_all_instances() == []


def test_pool_pickles_with_regions_added_and_default_changed(used_pool):
    used_pool.add_region('us-west-2')
    used_pool.default_region = 'us-west-2'
    pool = pickle.loads(pickle.dumps(used_pool))
    assert list(pool.regions) == KEYS + ['us_west_2']
    assert pool.default_region == 'us-west-2'
    assert pool.regions.default.get_all_instances() == []


def test_region_proxy_pickles_as_the_same_region_of_the_pool(used_pool):
    proxy_copy = pickle.loads(pickle.dumps(used_pool.regions.eu_west_1))
    assert proxy_copy.region_key == 'eu_west_1'
    assert proxy_copy.pool is not used_pool
    assert len(instance_ids(proxy_copy.get_all_instances())) == 1

    pool, proxy_copy = pickle.loads(pickle.dumps(
        (used_pool, used_pool.regions.us_east_1)))
    assert proxy_copy is pool.regions.us_east_1


@pytest.mark.parametrize('protocol', PROTOCOLS)
def test_pickled_mixin_holds_no_socket_and_works_again(via_proxy, proxy,
                                                       protocol):
    mixin = Ec2SqsPool(connect=True, **via_proxy)
    mixin.sqs.regions.us_east_1.create_queue('pickled')
    mixin.add_service('sns', regions=['eu-west-1'])
    data = pickle.dumps(mixin, protocol)
    assert_no_process_state(data)

    copy = pickle.loads(data)
    assert type(copy) is Ec2SqsPool
    assert list(copy.services) == ['ec2', 'sqs', 'sns']
    assert copy.ec2 is copy.services['ec2']
    assert copy.sns is copy.services['sns']
    for attr, pool in mixin.services.items():
        twin = copy.services[attr]
        assert list(twin.regions) == list(pool.regions)
        assert twin.default_region == pool.default_region
        assert twin.connected == pool.connected
        assert twin._connect_kwargs == pool._connect_kwargs
    assert copy.ec2.default_region == 'us-east-1'

    before = len(proxy.records)
    results = copy.map(lambda region: region.region_name)
    assert results.ok and len(results) == 5
    assert [q.name for q in copy.sqs.regions.us_east_1.get_all_queues()] == \
        ['pickled']
    assert len(proxy.records) > before
    assert copy.add_service('cloudwatch', regions=REGIONS).connected


def _spawn_executor():
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context('spawn'))


def _run_spawned(func, arg):
    """``func(arg)`` in a worker started with the spawn start method."""
    if sys.version_info >= (3, 7):
        executor = _spawn_executor()
        try:
            future = executor.submit(func, arg)
            try:
                return future.result(timeout=HANG_GUARD)
            except BaseException:
                # A worker that hangs must not hang the test run with it.
                for process in list((executor._processes or {}).values()):
                    process.terminate()
                raise
        finally:
            executor.shutdown(wait=True)
    # Python 3.6: concurrent.futures takes no mp_context yet.
    workers = multiprocessing.get_context('spawn').Pool(1)
    try:
        return workers.apply_async(func, (arg,)).get(HANG_GUARD)
    finally:
        workers.terminate()
        workers.join()


needs_spawn = pytest.mark.skipif(
    not hasattr(multiprocessing, 'get_context'),
    reason='Python 2.7 has no spawn start method (the fresh-interpreter '
           'test covers unpickling in another process there)')


@pytest.mark.slow
@needs_spawn
def test_pool_fans_out_in_a_spawned_process_pool_worker(used_pool, proxy):
    expected = expected_instances(used_pool)
    before = len(proxy.records)

    answer = _run_spawned(call_in_worker, used_pool)

    assert answer['pid'] != os.getpid()
    assert answer['ok'] and answer['errors'] == []
    assert answer['connected'] is True
    assert dict(answer['results']) == expected
    # The worker reached the server through the proxy its settings name.
    assert len(proxy.records) - before == len(KEYS)


@pytest.mark.slow
@needs_spawn
def test_mixin_fans_out_in_a_spawned_process_pool_worker(via_proxy, proxy):
    mixin = Ec2SqsPool(connect=True, **via_proxy)
    mixin.sqs.regions.eu_west_1.create_queue('spawned')
    mixin.ec2.regions.us_east_1.run_instances('ami-12c6146b')
    before = len(proxy.records)

    answer = _run_spawned(map_in_worker, mixin)

    assert answer['ok'] and answer['errors'] == []
    assert answer['pid'] != os.getpid()
    found = dict((tuple(key), value) for key, value in answer['results'])
    assert sorted(found) == sorted(
        (attr, key) for attr in ('ec2', 'sqs') for key in KEYS)
    assert found[('sqs', 'eu_west_1')]['found'] == ['spawned']
    assert found[('sqs', 'us_east_1')]['found'] == []
    assert len(found[('ec2', 'us_east_1')]['found']) == 1
    assert found[('ec2', 'eu_west_1')]['found'] == []
    assert set(v['pid'] for v in found.values()) == set([answer['pid']])
    assert len(proxy.records) - before == 4


_FRESH_INTERPRETER = '''
import json, pickle, sys
data = getattr(sys.stdin, 'buffer', sys.stdin).read()
pool = pickle.loads(data)
import workers
print(json.dumps(workers.call_in_worker(pool)))
'''


@pytest.mark.slow
def test_pool_unpickles_in_a_fresh_interpreter(used_pool, proxy):
    expected = expected_instances(used_pool)
    before = len(proxy.records)
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT, HERE] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    child = subprocess.Popen(
        [sys.executable, '-c', _FRESH_INTERPRETER], env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    killer = threading.Timer(HANG_GUARD, child.kill)
    killer.start()
    try:
        out, err = child.communicate(pickle.dumps(used_pool, 2))
    finally:
        killer.cancel()
    assert child.returncode == 0, err.decode('utf-8', 'replace')
    answer = json.loads(out.decode('utf-8').strip().splitlines()[-1])
    assert answer['ok'] and answer['connected']
    assert dict(answer['results']) == expected
    assert len(proxy.records) - before == len(KEYS)
