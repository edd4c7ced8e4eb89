# -*- coding: utf-8 -*-
"""
A pool shared by many threads: nothing lost, one connection per region, no
half-built entry, and the pool's lock never held across network I/O.

Interleavings that matter are forced with events (a connection build or a
request held until the test lets it go), never with sleeps; every wait is
bounded only so that a bug fails the test instead of hanging it.
"""
from __future__ import absolute_import

import collections
import random
import threading
import time

import pytest

from mangrove import NotConnectedError, ServiceMixinPool
from mangrove.exceptions import InvalidArgumentError, RegionNotInPoolError
from mangrove.services import Ec2Pool
from workers import (
    HANG_GUARD, REGIONS, Barrier, Ec2SqsPool, InstrumentedEc2Pool,
    region_summary, run_threads)

THREADS = 16

MORE_REGIONS = ['us-west-1', 'us-west-2', 'us-east-2', 'eu-central-1',
                'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1',
                'sa-east-1', 'ca-central-1', 'eu-west-2', 'ap-south-1',
                'eu-north-1']


def lock_is_free(pool):
    """Whether another thread can take the pool's lock right now: it sets
    the default region (which takes the lock) within the hang guard."""
    done = threading.Event()

    def set_default():
        pool.default_region = pool.default_region
        done.set()

    thread = threading.Thread(target=set_default)
    thread.daemon = True
    thread.start()
    return done.wait(HANG_GUARD)


def wait_for(condition):
    """Wait (at most the hang guard) until ``condition()`` is true."""
    deadline = time.time() + HANG_GUARD
    while not condition():
        assert time.time() < deadline, 'waited in vain'
        time.sleep(0.01)


@pytest.mark.slow
def test_threads_racing_first_use_share_one_connection_per_region(
        connect_kwargs):
    regions = REGIONS + MORE_REGIONS[:2]
    pool = InstrumentedEc2Pool(regions=regions, hold_region=regions[0],
                               **connect_kwargs)
    barrier = Barrier(THREADS)
    seen = collections.defaultdict(list)
    seen_lock = threading.Lock()
    asking = []

    def worker():
        barrier.wait()
        with seen_lock:
            asking.append(1)
        pool.connect()
        for key in pool.regions:
            conn = pool.regions[key].connection
            with seen_lock:
                seen[key].append(conn)

    errors = []
    runner = threading.Thread(target=lambda: errors.extend(
        run_threads([worker] * THREADS)))
    runner.start()
    # Every other thread is asking for the first region while its one
    # build is held: they must wait for that build, not start their own.
    assert pool.building.wait(HANG_GUARD)
    wait_for(lambda: len(asking) == THREADS)
    # Give the other threads time to reach the held build (a late one
    # finds it built, which is as correct).
    time.sleep(0.2)
    assert pool.builds[regions[0]] == 1
    pool.gate.set()
    runner.join(HANG_GUARD * 2)
    assert not runner.is_alive()

    assert errors == []
    assert dict(pool.builds) == dict((name, 1) for name in regions)
    assert sorted(seen) == sorted(k.replace('-', '_') for k in regions)
    for key, conns in seen.items():
        assert len(conns) == THREADS
        assert len(set(id(conn) for conn in conns)) == 1, key
        assert conns[0] is pool.regions[key].connection
    assert pool.call('get_all_instances').ok


@pytest.mark.slow
def test_readers_never_see_a_half_built_region_while_writers_add(
        connect_kwargs, fast_thread_switching):
    pool = Ec2Pool(connect=True, regions=['us-east-1'],
                   default_region='us-east-1', **connect_kwargs)
    writers_done = threading.Event()
    barrier = Barrier(THREADS)
    seen = collections.defaultdict(set)
    added = collections.defaultdict(list)
    lock = threading.Lock()
    reader_rounds = []

    def writer(seed):
        order = list(MORE_REGIONS)
        random.Random(seed).shuffle(order)
        barrier.wait()
        for name in order:
            proxy = pool.add_region(name)
            with lock:
                added[proxy.region_key].append(proxy)

    def reader():
        barrier.wait()
        rounds, last_len = 0, 0
        while True:
            done = writers_done.is_set()
            keys = list(pool.regions)
            assert len(keys) >= last_len
            last_len = len(keys)
            for key, proxy in pool.regions.items():
                # A region of a connected pool is published whole: its
                # connection built before anyone can see it.
                assert proxy.state == 'built'
                conn = proxy.connection
                assert conn is not None
                assert conn.region.name == proxy.region_name
                assert proxy.region_key == key
                assert key in pool.regions
                assert pool.regions[proxy.region_name] is proxy
                with lock:
                    seen[key].add(id(conn))
            assert pool.regions.default.region_key == 'us_east_1'
            assert repr(pool.regions).startswith('<RegionMapping')
            rounds += 1
            if done:
                break
        with lock:
            reader_rounds.append(rounds)

    writers_left = [THREADS // 2]

    def writer_then_count(seed):
        try:
            writer(seed)
        finally:
            with lock:
                writers_left[0] -= 1
                if not writers_left[0]:
                    writers_done.set()

    errors = run_threads(
        [lambda i=i: writer_then_count(i) for i in range(THREADS // 2)] +
        [reader] * (THREADS // 2))
    assert errors == []
    assert len(reader_rounds) == THREADS // 2

    expected = ['us_east_1'] + [n.replace('-', '_') for n in MORE_REGIONS]
    assert sorted(pool.regions) == sorted(expected)
    for key, proxies in added.items():
        # Every writer that added a region got the one published proxy.
        assert len(set(id(p) for p in proxies)) == 1, key
        assert proxies[0] is pool.regions[key]
    for key in pool.regions:
        ids = seen[key] | set([id(pool.regions[key].connection)])
        assert len(ids) == 1, (key, ids)
    assert pool.call('get_all_instances').ok


def look_up_every_region(mixin, lookups, conn_ids, lock):
    """Read every region's connection of every service once, counting in
    ``lookups`` and keeping each connection's id in ``conn_ids``."""
    for attr, pool in list(mixin.services.items()):
        for key in list(pool.regions):
            try:
                conn = pool.regions[key].connection
            except NotConnectedError:
                with lock:
                    lookups['not connected yet'] += 1
                continue
            with lock:
                lookups['ok'] += 1
                conn_ids[(attr, key)].add(id(conn))


def test_connect_add_region_add_service_and_default_from_many_threads(
        connect_kwargs, fast_thread_switching):
    mixin = Ec2SqsPool(**connect_kwargs)
    barrier = Barrier(THREADS)
    lookups = collections.Counter()
    conn_ids = collections.defaultdict(set)
    lock = threading.Lock()

    connected = threading.Event()

    def connector():
        barrier.wait()
        mixin.connect()
        connected.set()

    def adder(index):
        barrier.wait()
        mixin.add_service('sns', regions=REGIONS)
        mixin.ec2.add_region(MORE_REGIONS[index % 3])

    def defaulter(index):
        barrier.wait()
        for _ in range(20):
            mixin.ec2.default_region = REGIONS[index % 2]
            assert mixin.ec2.default_region in REGIONS

    def looker():
        # Lookups race the connects for 50 rounds, then go on until the
        # mixin is connected and one more round has seen it so: under load
        # the 50 rounds can all end before a connector has run at all.
        barrier.wait()
        deadline = time.time() + HANG_GUARD
        rounds = 0
        while rounds < 50 or not connected.is_set():
            assert time.time() < deadline, 'the mixin never connected'
            look_up_every_region(mixin, lookups, conn_ids, lock)
            rounds += 1
        look_up_every_region(mixin, lookups, conn_ids, lock)

    def target(i):
        return [connector, lambda: adder(i), lambda: defaulter(i),
                looker][i % 4]

    assert run_threads([target(i) for i in range(THREADS)]) == []

    # Nothing lost: every service and region added is there, and connected
    # because the mixin was connected by the time the calls returned.
    assert list(mixin.services) == ['ec2', 'sqs', 'sns']
    for attr, pool in mixin.services.items():
        assert pool.connected, attr
    assert sorted(mixin.ec2.regions) == sorted(
        ['us_east_1', 'eu_west_1', 'us_west_1', 'us_west_2', 'us_east_2'])
    assert mixin.ec2.default_region in REGIONS
    for (attr, key), ids in conn_ids.items():
        current = id(mixin.services[attr].regions[key].connection)
        assert ids == set([current]), (attr, key)
    assert lookups['ok'] > 0
    assert mixin.map(lambda region: region.region_name).ok


class GatedMixin(ServiceMixinPool):
    """Holds the first ec2 connection build until the test opens the gate."""

    services = {'ec2': {'regions': REGIONS}, 'sqs': {'regions': REGIONS}}

    def _make_pool(self, decl, use_override=True):
        pool = super(GatedMixin, self)._make_pool(decl, use_override)
        if decl.service == 'ec2':
            connect = pool._connect_module_to_region
            gate, building = self.gate, self.building

            def held(region_name):
                building.set()
                assert gate.wait(HANG_GUARD), 'the test never opened the gate'
                return connect(region_name)
            pool._connect_module_to_region = held
        return pool

    def __init__(self, **kwargs):
        self.gate = threading.Event()
        self.building = threading.Event()
        super(GatedMixin, self).__init__(**kwargs)


def test_service_added_while_the_mixin_connects_ends_up_connected(
        connect_kwargs):
    mixin = GatedMixin(**connect_kwargs)
    connecting = threading.Thread(target=mixin.connect)
    connecting.daemon = True
    connecting.start()
    assert mixin.building.wait(HANG_GUARD)
    sns = mixin.add_service('sns', regions=REGIONS)
    mixin.gate.set()
    connecting.join(HANG_GUARD)
    assert not connecting.is_alive()

    assert mixin.ec2.connected and mixin.sqs.connected
    # add_service follows the mixin: connected, since connect() has run.
    assert sns.connected
    assert sns.regions.us_east_1.get_all_topics()


def test_lock_is_free_while_a_request_is_in_flight(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    pool = Ec2Pool(connect=True, regions=REGIONS, default_region='us-east-1',
                   **connect_kwargs)
    proxy.faults['eu-west-1'] = 'stall'
    stalled = []

    def stalled_call():
        stalled.append(pool.regions.eu_west_1.get_all_instances())

    caller = threading.Thread(target=stalled_call)
    caller.daemon = True
    caller.start()
    try:
        proxy.wait_held(1)
        assert lock_is_free(pool)

        done = threading.Event()
        other = []

        def meanwhile():
            pool.add_region('us-west-2')
            pool.default_region = 'us_west_2'
            pool.default_region = 'us-east-1'
            other.append(pool.regions.us_east_1.get_all_instances())
            other.append(pool.regions.us_west_2.get_all_zones())
            pool.connect()
            other.append(sorted(pool.regions))
            other.append(repr(pool))
            done.set()

        assert run_threads([meanwhile]) == []
        assert done.is_set()
        # All of that ran while the eu-west-1 request was still held.
        assert proxy.held == 1
        assert caller.is_alive()
        assert other[2] == ['eu_west_1', 'us_east_1', 'us_west_2']
    finally:
        proxy.release()
        caller.join(HANG_GUARD)
    assert not caller.is_alive()
    assert stalled == [[]]


def test_lock_is_free_while_a_fan_out_region_is_in_flight(
        proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    mixin = Ec2SqsPool(connect=True, **connect_kwargs)
    proxy.faults['eu-west-1'] = 'stall'
    results = []
    caller = threading.Thread(
        target=lambda: results.append(
            mixin.map(region_summary)))
    caller.daemon = True
    caller.start()
    try:
        proxy.wait_held(2)
        assert lock_is_free(mixin.ec2) and lock_is_free(mixin.sqs)
        assert run_threads([
            lambda: mixin.add_service('sns', regions=REGIONS),
            lambda: mixin.ec2.add_region('us-west-2'),
            lambda: mixin.sqs.regions.us_east_1.get_all_queues(),
        ]) == []
        assert proxy.held == 2
        assert 'sns' in mixin.services and 'us_west_2' in mixin.ec2.regions
    finally:
        proxy.release()
        caller.join(HANG_GUARD)
    assert not caller.is_alive()
    (outcome,) = results
    assert outcome.ok and len(outcome) == 4


def test_lock_is_free_while_a_connection_is_being_built(connect_kwargs):
    pool = InstrumentedEc2Pool(connect=True, regions=REGIONS,
                               **connect_kwargs)
    pool.instrument(hold_region='us-west-2')
    with pool.held_build(pool.add_region, 'us-west-2') as adding:
        assert lock_is_free(pool)
        assert run_threads([
            lambda: pool.add_region('ap-southeast-1'),
            lambda: pool.regions.us_east_1.get_all_instances(),
            lambda: setattr(pool, 'default_region', 'eu-west-1'),
            lambda: list(pool.regions.items()),
            lambda: repr(pool),
            pool.connect,
        ]) == []
        assert adding.is_alive()
        assert 'us_west_2' not in pool.regions
        assert 'ap_southeast_1' in pool.regions
    assert pool.regions.us_west_2.get_all_instances() == []
    assert pool.builds['us-west-2'] == 1


def test_lock_is_free_while_connect_builds(connect_kwargs):
    pool = InstrumentedEc2Pool(regions=REGIONS, hold_region='eu-west-1',
                               **connect_kwargs)
    with pool.held_build(pool.connect) as connecting:
        assert lock_is_free(pool)
        assert run_threads([
            lambda: pool.add_region('us-west-2'),
            lambda: setattr(pool, 'default_region', 'us-east-1'),
            lambda: 'eu-west-1' in pool.regions,
            lambda: repr(pool),
        ]) == []
        assert connecting.is_alive()
    assert pool.call('get_all_instances').ok
    assert dict(pool.builds) == {'us-east-1': 1, 'eu-west-1': 1,
                                 'us-west-2': 1}


def test_default_region_never_names_a_region_removed_meanwhile(
        connect_kwargs, fast_thread_switching):
    # Each round one thread makes us-west-2 the default while another
    # removes it: either may win, but the default never ends up naming a
    # region the pool no longer has.
    rounds = 1000
    pools = [Ec2Pool(regions=REGIONS + ['us-west-2'],
                     default_region='us-east-1', **connect_kwargs)
             for _ in range(rounds)]
    starts = [Barrier(2) for _ in range(rounds)]
    outcomes = collections.Counter()

    def set_default():
        for pool, start in zip(pools, starts):
            start.wait()
            try:
                pool.default_region = 'us-west-2'
            except RegionNotInPoolError:
                outcomes['removed first'] += 1

    def remove():
        for pool, start in zip(pools, starts):
            start.wait()
            try:
                pool.remove_region('us-west-2')
            except InvalidArgumentError:
                outcomes['default first'] += 1

    assert run_threads([set_default, remove]) == []
    broken = [i for i, pool in enumerate(pools)
              if pool.default_region not in pool.regions]
    assert broken == []
    assert sum(outcomes.values()) == rounds
