# -*- coding: utf-8 -*-
"""
A pool used before ``fork()``: the child builds connections of its own and
never sends on the parent's keep-alive sockets, and both keep working.

Which TCP connection carried each request is read at the loopback proxy
(the client port of the socket it arrived on), so "the child never used the
parent's socket" is checked where the bytes arrive, not inferred. Every
child is bounded: a child that hangs (a deadlock) is killed and the test
fails.
"""
from __future__ import absolute_import

import json
import multiprocessing
import os
import select
import signal
import threading
import time
import traceback
import warnings

import pytest

from mangrove.exceptions import RegionNotInPoolError
from mangrove.services import Ec2Pool
from workers import (
    HANG_GUARD, REGIONS, Ec2SqsPool, InstrumentedEc2Pool,
    connection_ids_in_child, pooled_socket_ports, record_client_ports,
    run_threads)

# Every test here is slow: its own processes (see conftest.py).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, 'fork'),
                       reason='this platform has no os.fork()')]

KEYS = [name.replace('-', '_') for name in REGIONS]


@pytest.fixture
def recording_proxy(proxy):
    return record_client_ports(proxy)


@pytest.fixture
def pool(recording_proxy, connect_kwargs):
    """An ec2 pool in front of the recording proxy, used in this process:
    a request made in each region, its keep-alive socket left open."""
    connect_kwargs['proxy_port'] = recording_proxy.port
    pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
    for key in KEYS:
        pool.regions[key].create_key_pair('parent-%s' % key)
        assert pooled_socket_ports(pool.regions[key].connection)
    return pool


_warnings_lock = threading.Lock()


def _silenced_fork(start):
    # Python 3.12+ warns that forking a process with threads may deadlock;
    # these tests fork such a process on purpose. (catch_warnings changes
    # process-wide state: one thread at a time.)
    with _warnings_lock:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            return start()


def run_in_fork(func):
    """Run ``func()`` in a child made by ``os.fork()``; return what it
    returned (JSON-able), or fail with the child's traceback."""
    read_fd, write_fd = os.pipe()
    pid = _silenced_fork(os.fork)
    if pid == 0:
        code = 1
        try:
            os.close(read_fd)
            try:
                answer = {'ok': func()}
            except BaseException:
                answer = {'error': traceback.format_exc()}
            data = json.dumps(answer).encode('utf-8')
            while data:
                data = data[os.write(write_fd, data):]
            code = 0
        finally:
            # Never return into the parent's test run (nor run its atexit
            # handlers, which would stop the session's moto server).
            os._exit(code)
    os.close(write_fd)
    chunks = []
    deadline = time.time() + HANG_GUARD
    try:
        while True:
            ready = select.select([read_fd], [], [],
                                  max(0, deadline - time.time()))[0]
            if not ready:
                os.kill(pid, signal.SIGKILL)
                pytest.fail('the forked child hung (killed after %ss)'
                            % HANG_GUARD)
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        _reap(pid, deadline)
    answer = json.loads(b''.join(chunks).decode('utf-8') or '{}')
    if 'ok' not in answer:
        pytest.fail('the forked child failed:\n%s'
                    % answer.get('error', 'no answer'))
    return answer['ok']


def _reap(pid, deadline):
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def _client_ports(records, since=0):
    return set(r['client_port'] for r in records[since:])


def test_forked_child_builds_new_connections_on_new_sockets(
        pool, recording_proxy):
    parent_conns = dict((key, pool.regions[key].connection) for key in KEYS)
    parent_ids = dict((key, id(conn)) for key, conn in parent_conns.items())
    parent_ports = set()
    for key in KEYS:
        parent_ports |= pooled_socket_ports(pool.regions[key].connection)
    before = len(recording_proxy.records)
    assert _client_ports(recording_proxy.records) == parent_ports

    def child():
        answer = {}
        for key in KEYS:
            inherited = parent_conns[key]
            assert pool.regions[key].state == 'inherited'
            conn = pool.regions[key].connection
            names = [kp.name for kp in pool.regions[key].get_all_key_pairs()]
            pool.regions[key].create_key_pair('child-%s' % key)
            answer[key] = {
                'id': id(conn),
                'is_inherited': conn is inherited,
                'key_pairs': sorted(names),
                'ports': sorted(pooled_socket_ports(conn)),
                # The parent's connection object, untouched in the child.
                'inherited_ports': sorted(pooled_socket_ports(inherited)),
            }
        return answer

    answer = run_in_fork(child)
    child_records = recording_proxy.records[before:]
    assert len(child_records) == 2 * len(KEYS)

    for key in KEYS:
        got = answer[key]
        assert got['id'] != parent_ids[key]
        assert not got['is_inherited']
        assert got['key_pairs'] == ['parent-%s' % key]
        assert got['ports'] and not set(got['ports']) & parent_ports
        assert set(got['inherited_ports']) <= parent_ports
    # Where the bytes arrived: every request of the child came in on a
    # socket of its own, none on a socket the parent had open.
    child_ports = _client_ports(child_records)
    assert not child_ports & parent_ports

    # The parent goes on with the same connections and the same sockets.
    after = len(recording_proxy.records)
    for key in KEYS:
        assert id(pool.regions[key].connection) == parent_ids[key]
        names = [kp.name for kp in pool.regions[key].get_all_key_pairs()]
        assert sorted(names) == ['child-%s' % key, 'parent-%s' % key]
    assert _client_ports(recording_proxy.records, after) <= parent_ports


def test_multiprocessing_fork_child_builds_its_own_connections(
        pool, recording_proxy):
    if hasattr(multiprocessing, 'get_context'):
        context = multiprocessing.get_context('fork')
    else:  # Python 2.7: fork is the only start method on POSIX
        context = multiprocessing
    parent_ids = dict((key, id(pool.regions[key].connection))
                      for key in KEYS)
    parent_ports = _client_ports(recording_proxy.records)
    before = len(recording_proxy.records)

    receiver, sender = context.Pipe(duplex=False)
    inherited = dict((key, pool.regions[key].connection) for key in KEYS)
    child = context.Process(target=connection_ids_in_child,
                            args=(pool, sender, inherited))
    _silenced_fork(child.start)
    try:
        sender.close()
        assert receiver.poll(HANG_GUARD), 'the child sent nothing'
        answer = receiver.recv()
    finally:
        child.join(HANG_GUARD)
        if child.is_alive():
            child.terminate()
            child.join(HANG_GUARD)
    assert 'error' not in answer, answer.get('error')
    assert child.exitcode == 0
    assert answer['pid'] == child.pid != os.getpid()
    for key in KEYS:
        assert answer['ids'][key] != parent_ids[key]
        assert answer['same_object'][key] is False
        assert answer['states'][key] == 'inherited'
        assert answer['found'][key] == []
    assert not _client_ports(recording_proxy.records, before) & parent_ports

    assert pool.call('get_all_instances').ok
    for key in KEYS:
        assert id(pool.regions[key].connection) == parent_ids[key]


def test_mixin_pool_in_a_forked_child(recording_proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = recording_proxy.port
    mixin = Ec2SqsPool(connect=True, **connect_kwargs)
    mixin.sqs.regions.eu_west_1.create_queue('from-parent')
    parent_ids = dict(((attr, key), id(pool.regions[key].connection))
                      for attr, pool in mixin.services.items()
                      for key in pool.regions)

    def child():
        results = mixin.map(lambda region: id(region.connection))
        queues = [q.name for q in
                  mixin.sqs.regions.eu_west_1.get_all_queues()]
        return {'ids': [[list(k), v] for k, v in results.items()],
                'ok': results.ok, 'queues': queues}

    answer = run_in_fork(child)
    assert answer['ok']
    assert answer['queues'] == ['from-parent']
    for (attr, key), child_id in answer['ids']:
        assert child_id != parent_ids[(attr, key)]
    assert mixin.sqs.regions.eu_west_1.get_all_queues()[0].name == \
        'from-parent'


class _WaitingName(str):
    """A region name whose hashing waits for the test: the pool looks a
    name up under its lock (``remove_region``, ``default_region``), so the
    thread that asked stays inside the pool's lock until ``release`` is
    set."""

    def __new__(cls, name, held, release):
        self = str.__new__(cls, name)
        self.held, self.release = held, release
        return self

    def __hash__(self):
        self.held.set()
        assert self.release.wait(HANG_GUARD)
        return str.__hash__(self)


def _start_holding(pool, release):
    """Start a thread that holds ``pool``'s lock until ``release`` is set
    (it asks to remove a region that is not there, under a name that waits
    as it is looked up); return the thread once it holds the lock."""
    held = threading.Event()
    name = _WaitingName('nowhere-1', held, release)

    def hold():
        with pytest.raises(RegionNotInPoolError):
            pool.remove_region(name)

    holder = threading.Thread(target=hold)
    holder.daemon = True
    holder.start()
    assert held.wait(HANG_GUARD)
    return holder


def test_fork_while_another_thread_holds_the_pool_lock(pool):
    release = threading.Event()
    holder = _start_holding(pool, release)
    try:
        def child():
            # Every one of these takes the pool's lock, which the parent's
            # holder thread (absent here) held at the fork.
            pool.add_region('us-west-2')
            pool.default_region = 'us-west-2'
            conn_ids = [id(pool.regions[key].connection) for key in KEYS]
            return {'instances': len(pool.regions.us_west_2
                                     .get_all_instances()),
                    'regions': sorted(pool.regions),
                    'default': pool.default_region,
                    'ids': conn_ids}

        answer = run_in_fork(child)
    finally:
        release.set()
        holder.join(HANG_GUARD)
    assert not holder.is_alive()
    assert answer['regions'] == sorted(KEYS + ['us_west_2'])
    assert answer['default'] == 'us-west-2'
    assert answer['instances'] == 0
    # The parent did not see the child's changes and still works.
    assert sorted(pool.regions) == sorted(KEYS)
    assert pool.default_region is None
    assert pool.call('get_all_instances').ok


def test_fork_while_other_threads_hold_the_mixin_and_member_locks(
        recording_proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = recording_proxy.port
    publishing, release = threading.Event(), threading.Event()

    class PublishingWaits(Ec2SqsPool):
        # add_service publishes a service as an attribute under the
        # mixin's lock: publishing cloudwatch waits there for the test.
        def __setattr__(self, attr, value):
            if attr == 'cloudwatch':
                publishing.set()
                assert release.wait(HANG_GUARD)
            super(PublishingWaits, self).__setattr__(attr, value)

    mixin = PublishingWaits(connect=True, **connect_kwargs)
    adding = threading.Thread(target=lambda: mixin.add_service(
        'cloudwatch', regions=REGIONS))
    adding.daemon = True
    adding.start()
    holders = [adding]
    try:
        assert publishing.wait(HANG_GUARD)
        holders.append(_start_holding(mixin.ec2, release))
        answer = run_in_fork(lambda: {
            'sns': bool(mixin.add_service('sns', regions=REGIONS).connected),
            'ec2': sorted(mixin.ec2.call('get_all_instances').keys()),
        })
    finally:
        release.set()
        for holder in holders:
            holder.join(HANG_GUARD)
    assert not any(holder.is_alive() for holder in holders)
    assert answer == {'sns': True, 'ec2': sorted(KEYS)}
    assert 'sns' not in mixin.services
    assert 'cloudwatch' in mixin.services


def test_fork_while_another_thread_is_building_a_connection(connect_kwargs):
    pool = InstrumentedEc2Pool(regions=REGIONS, hold_region='eu-west-1',
                               **connect_kwargs)

    def child():
        # The parent's build never finishes here (its thread is not in the
        # child): the child must build its own, not wait for it.
        pool.hold_region = None
        conn = pool.regions.eu_west_1.connection
        return {'region': conn.region.name,
                'instances': len(pool.regions.eu_west_1.get_all_instances()),
                'builds': dict(pool.builds)}

    with pool.held_build(pool.connect):
        answer = run_in_fork(child)
    assert answer['region'] == 'eu-west-1'
    assert answer['instances'] == 0
    # The child built eu-west-1 itself (the parent's build was in flight).
    assert answer['builds']['eu-west-1'] == 2
    assert pool.builds['eu-west-1'] == 1
    assert pool.call('get_all_instances').ok


def test_parent_and_children_work_at_once(pool):
    # Forks happen while the parent's threads have requests in flight on
    # their keep-alive sockets.
    def child():
        return [len(pool.regions[key].get_all_key_pairs()) for key in KEYS
                for _ in range(5)]

    answers = []

    def fork_one():
        answers.append(run_in_fork(child))

    def parent_calls():
        for _ in range(10):
            assert pool.call('get_all_key_pairs').ok

    assert run_threads([fork_one, fork_one, parent_calls]) == []
    assert answers == [[1] * 10, [1] * 10]


def test_fork_while_another_thread_is_inside_a_module_lock(connect_kwargs):
    # mangrove's process-wide caches (the region catalog, boto's region
    # lists) and its boto repairs are guarded by locks of their own; a fork
    # while another thread is inside one must not leave the child stuck.
    from mangrove import boto_repairs, catalog
    from mangrove.classic import backend
    locks = [backend.boto_backend._lock, catalog._lock, boto_repairs._lock]
    held, release = threading.Event(), threading.Event()

    def hold_all():
        for lock in locks:
            lock.__enter__()
        held.set()
        try:
            assert release.wait(HANG_GUARD)
        finally:
            for lock in reversed(locks):
                lock.__exit__(None, None, None)

    holder = threading.Thread(target=hold_all)
    holder.daemon = True
    holder.start()
    try:
        assert held.wait(HANG_GUARD)

        def child():
            # Forget what the parent had cached, so that the child has to
            # fill the caches (and take their locks) itself.
            catalog._catalog = None
            backend.boto_backend._boto_regions.clear()
            boto_repairs.install()
            pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
            return pool.call('get_all_instances').ok

        assert run_in_fork(child) is True
    finally:
        release.set()
        holder.join(HANG_GUARD)
    assert not holder.is_alive()
