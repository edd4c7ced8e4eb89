# -*- coding: utf-8 -*-
"""
A region's connection through its lifecycle, through public names only:
states, one build per region, close racing a build, sockets closed and
released, pools as context managers, and the edges of bad input.
"""
from __future__ import absolute_import

import collections
import gc
import os
import pickle
import sys
import threading
import time
import weakref

import pytest
import six

from mangrove import (
    InvalidArgumentTypeError, InvalidDeclarationError, InvalidServiceError,
    MangroveError, NotConnectedError, RegionNotInPoolError, ServiceMixinPool,
    ServicePool)
from mangrove.pool.declaration import parse_options
from mangrove.services import Ec2Pool, SqsPool
from workers import (
    HANG_GUARD, REGIONS, Barrier, InstrumentedEc2Pool, pooled_socket_ports,
    run_threads)


def wait_for(condition):
    """Wait (at most the hang guard) until ``condition()`` is true."""
    deadline = time.time() + HANG_GUARD
    while not condition():
        assert time.time() < deadline, 'waited in vain'
        time.sleep(0.01)


def waiting_in(function, threads):
    """How many of ``threads`` are blocked in a wait called (at any depth)
    from a function named ``function``."""
    frames = sys._current_frames()
    count = 0
    for thread in threads:
        names = []
        frame = frames.get(thread.ident)
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        if 'wait' in names[:3] and function in names:
            count += 1
    return count


def open_fds():
    return len(os.listdir('/proc/self/fd'))


needs_proc = pytest.mark.skipif(not os.path.isdir('/proc/self/fd'),
                                reason='counts descriptors in /proc')


# -- states -------------------------------------------------------------------

def test_a_region_goes_closed_built_closed_removed(connect_kwargs):
    pool = Ec2Pool(regions=REGIONS, default_region='us-east-1',
                   **connect_kwargs)
    proxy = pool.region_proxy('eu-west-1')
    assert proxy.state == 'closed'
    pool.connect()
    assert proxy.state == 'built'
    pool.close()
    assert proxy.state == 'closed'
    pool.connect()
    pool.remove_region('eu_west_1')
    assert proxy.state == 'removed'
    with pytest.raises(RegionNotInPoolError):
        proxy.connection
    assert pool.region_proxy('us-east-1').state == 'built'


def test_an_unpickled_pool_builds_each_region_on_first_use(connect_kwargs):
    pool = pickle.loads(pickle.dumps(
        Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)))
    assert pool.connected
    assert [pool.regions[k].state for k in pool.regions] == ['closed'] * 2
    assert pool.regions.us_east_1.get_all_instances() == []
    assert pool.regions.us_east_1.state == 'built'
    assert pool.regions.eu_west_1.state == 'closed'


@pytest.mark.slow
def test_a_region_unpickled_alone_keeps_its_pool_until_built(connect_kwargs):
    pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
    proxy = pickle.loads(pickle.dumps(pool.regions.eu_west_1))
    gc.collect()
    assert proxy.pool is not None and proxy.pool is not pool
    assert proxy.get_all_instances() == []
    assert proxy.state == 'built'


def test_a_region_outlives_its_dropped_pool(connect_kwargs):
    proxy = Ec2Pool(connect=True, regions=REGIONS,
                    **connect_kwargs).regions.us_east_1
    gc.collect()
    assert proxy.pool is None
    assert proxy.get_all_instances() == []
    assert repr(proxy) == '<Ec2Pool us_east_1>'


def test_hasattr_on_a_region_of_a_pool_not_connected_is_false(
        connect_kwargs):
    proxy = Ec2Pool(regions=REGIONS, **connect_kwargs).region_proxy(
        'us-east-1')
    assert not hasattr(proxy, 'host')
    assert getattr(proxy, 'host', 'nothing') == 'nothing'
    with pytest.raises(NotConnectedError):
        proxy.host
    assert 'region_key' in dir(proxy)


# -- one build per region -----------------------------------------------------

def test_eight_threads_adding_one_region_build_it_once(connect_kwargs):
    pool = InstrumentedEc2Pool(connect=True, regions=REGIONS,
                               **connect_kwargs)
    barrier = Barrier(8)
    proxies = []

    def add():
        barrier.wait()
        proxies.append(pool.add_region('us-west-2'))

    assert run_threads([add] * 8) == []
    assert pool.builds['us-west-2'] == 1
    assert len(set(id(p) for p in proxies)) == 1
    assert proxies[0] is pool.regions.us_west_2
    assert proxies[0].state == 'built'


class FailingEc2Pool(InstrumentedEc2Pool):
    """Its next ``fail`` builds fail (after the gate, if held)."""

    fail = 0

    def _connect_module_to_region(self, region_name):
        conn = super(FailingEc2Pool, self)._connect_module_to_region(
            region_name)
        with self.cond:
            if self.fail:
                self.fail -= 1
                raise IOError('no route to %s' % region_name)
        return conn


def test_threads_adding_a_region_whose_build_fails_all_get_the_error(
        connect_kwargs):
    pool = FailingEc2Pool(connect=True, regions=REGIONS, **connect_kwargs)
    pool.instrument(hold_region='us-west-2')
    pool.fail = 1
    outcomes = []

    def add():
        try:
            pool.add_region('us-west-2')
            outcomes.append('added')
        except IOError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert pool.building.wait(HANG_GUARD)
    # The builder waits at the gate, the seven others for its one build
    # (not for a build of their own).
    wait_for(lambda: waiting_in('add_region', threads) == 8)
    pool.gate.set()
    for thread in threads:
        thread.join(HANG_GUARD)
    assert outcomes == ['no route to us-west-2'] * 8
    assert pool.builds['us-west-2'] == 1
    assert 'us_west_2' not in pool.regions
    # The next try builds again, and works.
    assert pool.add_region('us-west-2').state == 'built'


def test_racing_connects_both_get_the_failed_build_error(connect_kwargs):
    pool = FailingEc2Pool(regions=REGIONS, hold_region='us-east-1',
                          **connect_kwargs)
    pool.fail = 1
    outcomes = []

    def connect():
        try:
            pool.connect()
            outcomes.append('connected')
        except IOError as exc:
            outcomes.append(str(exc))

    first = threading.Thread(target=connect)
    first.start()
    assert pool.building.wait(HANG_GUARD)
    second = threading.Thread(target=connect)
    second.start()
    pool.gate.set()
    first.join(HANG_GUARD)
    second.join(HANG_GUARD)
    assert outcomes == ['no route to us-east-1'] * 2
    assert pool.builds['us-east-1'] == 1
    assert not pool.connected
    assert pool.connect() is pool and pool.connected


# -- close racing builds ------------------------------------------------------

@pytest.mark.slow
def test_close_racing_lazy_builds_never_raises_a_raw_error(
        connect_kwargs, fast_thread_switching):
    # The repro: a pickled connected pool, readers building its region
    # lazily, and close() (then connect()) racing them.
    template = pickle.dumps(
        Ec2Pool(connect=True, regions=['us-east-1'], **connect_kwargs))
    raw = []
    outcomes = collections.Counter()

    def reader(pool, start):
        start.wait()
        for _ in range(200):
            try:
                pool.regions['us_east_1'].host
                outcomes['host'] += 1
            except MangroveError as exc:
                assert isinstance(exc, NotConnectedError), exc
                outcomes[type(exc).__name__] += 1
            except Exception as exc:  # a raw error: the bug
                raw.append(repr(exc))

    for _ in range(30):
        pool = pickle.loads(template)
        start = Barrier(5)

        def closer():
            start.wait()
            for _ in range(20):
                pool.close()
                pool.connect()

        errors = run_threads([lambda: reader(pool, start)] * 4 + [closer])
        assert errors == []
    assert raw == []
    assert outcomes['host']


# -- sockets ------------------------------------------------------------------

def test_close_closes_every_idle_socket(proxy, connect_kwargs):
    # The loopback proxy keeps connections alive (moto's server does not).
    connect_kwargs['proxy_port'] = proxy.port
    pool = SqsPool(connect=True, regions=REGIONS, **connect_kwargs)
    conns = [pool.regions[key].connection for key in pool.regions]
    for key in pool.regions:
        pool.regions[key].get_all_queues()
    assert all(pooled_socket_ports(conn) for conn in conns)
    http_conns = [http for conn in conns
                  for host_pool in conn._pool.host_to_pool.values()
                  for http, _ in host_pool.queue]

    pool.close()

    assert all(not pooled_socket_ports(conn) for conn in conns)
    assert http_conns and all(http.sock is None for http in http_conns)


def test_a_pool_is_a_context_manager(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    with Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs) as pool:
        assert pool.regions.us_east_1.get_all_instances() == []
        conn = pool.regions.us_east_1.connection
        assert pooled_socket_ports(conn)
    assert not pool.connected
    assert not pooled_socket_ports(conn)

    class Pair(ServiceMixinPool):
        services = {'ec2': {'regions': REGIONS}, 'sqs': {'regions': REGIONS}}

    with Pair(connect=True, **connect_kwargs) as mixin:
        assert mixin.map(lambda region: region.host).ok
    assert not mixin.connected and not mixin.ec2.connected


@pytest.mark.slow
@needs_proc
def test_a_dropped_pool_releases_its_sockets_without_the_collector(
        connect_kwargs):
    def use_and_drop():
        pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
        assert pool.call('get_all_zones').ok
        mapping, proxy = pool.regions, pool.regions.us_east_1
        assert proxy.pool is pool and len(mapping) == 2

    use_and_drop()   # boto's modules and caches loaded
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        before = open_fds()
        for _ in range(20):
            use_and_drop()
        after = open_fds()
    finally:
        if enabled:
            gc.enable()
    assert after <= before


def test_a_dropped_unpickled_pool_used_in_part_is_freed_without_the_collector(
        connect_kwargs):
    # An unpickled pool builds each region on first use; the regions not
    # used yet must not keep the pool (and the used ones' sockets) alive.
    data = pickle.dumps(Ec2Pool(connect=True, regions=REGIONS,
                                **connect_kwargs))
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        pool = pickle.loads(data)
        assert pool.regions.us_east_1.get_all_zones()
        assert pool.regions[REGIONS[1]].state == 'closed'
        dropped = weakref.ref(pool)
        del pool
        assert dropped() is None
    finally:
        if enabled:
            gc.enable()


def test_a_region_unpickled_on_its_own_keeps_its_pool_until_it_connects(
        connect_kwargs):
    pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)

    proxy = pickle.loads(pickle.dumps(pool.regions.us_east_1))

    assert proxy.pool is not pool and proxy.pool is not None
    gc.collect()
    assert proxy.get_all_zones()
    assert proxy.state == 'built'


# -- the edges of bad input ---------------------------------------------------

@pytest.mark.parametrize('call', [
    lambda pool: pool.regions[['us-east-1']],
    lambda pool: pool.regions.get({}),
    lambda pool: pool.remove_region(['us-east-1']),
    lambda pool: setattr(pool, 'default_region', ['us-east-1']),
    lambda pool: pool.add_region({}),
    lambda pool: pool.call(5),
    lambda pool: pool.map(lambda r: r, regions=[['us-east-1']]),
], ids=['getitem', 'get', 'remove', 'default', 'add', 'call', 'map'])
def test_unhashable_or_wrong_arguments_give_documented_errors(
        call, connect_kwargs):
    pool = Ec2Pool(connect=True, regions=REGIONS, default_region='us-east-1',
                   **connect_kwargs)
    with pytest.raises(InvalidArgumentTypeError) as raised:
        call(pool)
    assert isinstance(raised.value, TypeError)
    assert sorted(pool.regions) == ['eu_west_1', 'us_east_1']
    assert pool.default_region == 'us-east-1'


def test_mixin_call_checks_the_method_name(connect_kwargs):
    class Pair(ServiceMixinPool):
        services = ['ec2', 'sqs']

    with pytest.raises(InvalidArgumentTypeError):
        Pair(regions=REGIONS, **connect_kwargs).call(5)


def test_a_services_list_of_lists_is_a_declaration_error():
    class Nested(ServiceMixinPool):
        services = [['ec2']]

    with pytest.raises(InvalidDeclarationError):
        Nested()


def test_a_non_ascii_service_name_is_an_unknown_service(connect_kwargs):
    name = u'\xe9c2'

    class Accented(ServiceMixinPool):
        services = {name: {}}

    with pytest.raises(InvalidServiceError) as raised:
        Accented()
    assert 'ec2' in raised.value.suggestions or raised.value.valid

    class Pair(ServiceMixinPool):
        services = ['sqs']

    mixin = Pair(regions=REGIONS, **connect_kwargs)
    with pytest.raises(InvalidServiceError):
        mixin.add_service(name)
    assert list(mixin.services) == ['sqs']
    six.text_type(raised.value)


def test_a_service_defined_as_a_method_is_a_declaration_error():
    class Odd(ServicePool):
        def service(self):
            return 'ec2'

    with pytest.raises(InvalidDeclarationError) as raised:
        Odd()
    assert 'Odd' in str(raised.value)


@pytest.mark.parametrize('name', ['EC2', ' ec2 ', 'Ec2'])
def test_add_service_by_another_spelling_returns_the_same_pool(
        name, connect_kwargs):
    class Pair(ServiceMixinPool):
        services = ['ec2', 'cloudwatch']

    mixin = Pair(regions=REGIONS, **connect_kwargs)
    assert mixin.add_service(name) is mixin.ec2
    assert mixin.add_service('monitoring') is mixin.cloudwatch
    assert list(mixin.services) == ['ec2', 'cloudwatch']


def test_a_service_declared_twice_under_two_names_is_refused():
    class Twice(ServiceMixinPool):
        services = ['cloudwatch', 'monitoring']

    with pytest.raises(InvalidDeclarationError) as raised:
        Twice()
    assert 'cloudwatch' in str(raised.value)


@pytest.mark.slow
def test_errors_of_a_huge_pool_list_a_bounded_number_of_regions():
    names = ['zone-%05d' % i for i in range(10000)]
    pool = SqsPool(connect=True, regions=names,
                   endpoint_url='http://127.0.0.1:9', aws_access_key_id='a',
                   aws_secret_access_key='b')
    with pytest.raises(RegionNotInPoolError) as raised:
        pool.regions['zone-99999']
    message = str(raised.value)
    assert len(message) < 2000
    assert 'more' in message
    assert len(raised.value.valid) == 10000
    assert len(repr(pool.regions)) < 300 and len(str(pool)) < 300


def test_from_declaration_builds_a_pool_of_the_declared_service(
        connect_kwargs):
    decl = parse_options('Mine', 'sqs', {'regions': REGIONS,
                                         'default_region': 'eu-west-1'})
    pool = ServicePool.from_declaration(decl, connect=True, **connect_kwargs)
    assert repr(pool) == '<ServicePool SQS>'
    assert repr(pool.regions.default) == '<ServicePool SQS eu_west_1>'
    assert pool.regions.default.get_all_queues() == []
    copy = pickle.loads(pickle.dumps(pool))
    assert repr(copy) == '<ServicePool SQS>'
    assert copy.regions.default.get_all_queues() == []
    with pytest.raises(InvalidArgumentTypeError):
        ServicePool.from_declaration('sqs')


# -- every public operation at once -------------------------------------------

@pytest.mark.slow
def test_stress_every_public_operation_at_once_finds_no_raw_error(
        connect_kwargs, fast_thread_switching):
    """Twelve threads, each mixing every public operation of a pool and a
    mixin pool (close and remove included) for a bounded number of rounds:
    every error is a MangroveError, and the pools stay consistent."""
    import random

    class Pair(ServiceMixinPool):
        services = {'ec2': {'regions': REGIONS, 'default_region': 'us-east-1'},
                    'sqs': {'regions': REGIONS}}

    pool = Ec2Pool(connect=True, regions=REGIONS, default_region='us-east-1',
                   **connect_kwargs)
    mixin = Pair(connect=True, **connect_kwargs)
    extra = ['us-west-2', 'ap-southeast-1', 'eu-central-1']
    raw = []
    seen = collections.Counter()
    deadline = time.time() + 3    # bounds the run; nothing asserts on it

    def pick(rng, names):
        return names[rng.randrange(len(names))]

    operations = [
        lambda rng: pool.regions[pick(rng, REGIONS + extra)].host,
        lambda rng: getattr(pool.regions, pick(rng, ['us_east_1',
                                                     'us_west_2'])).host,
        lambda rng: pool.regions.default.region_name,
        lambda rng: pick(rng, REGIONS) in pool.regions,
        lambda rng: list(pool.regions.items()),
        lambda rng: pool.add_region(pick(rng, extra)),
        lambda rng: pool.remove_region(pick(rng, extra)),
        lambda rng: setattr(pool, 'default_region', pick(rng, REGIONS)),
        lambda rng: pool.connect(),
        lambda rng: pool.close(),
        lambda rng: pool.map(lambda region: region.host).errors,
        lambda rng: pool.region_proxy(pick(rng, REGIONS)).connection,
        lambda rng: hasattr(pool.region_proxy('us-east-1'), 'host'),
        lambda rng: pickle.loads(pickle.dumps(pool)).regions,
        lambda rng: (repr(pool), str(pool), repr(pool.regions)),
        lambda rng: mixin.ec2.regions.default.host,
        lambda rng: mixin.add_service(pick(rng, ['sns', 'SNS', 'sqs'])),
        lambda rng: mixin.map(lambda region: region.region_key).errors,
        lambda rng: mixin.connect(),
        lambda rng: mixin.close(),
        lambda rng: mixin.sqs.regions.eu_west_1.host,
    ]

    def worker(seed):
        rng = random.Random(seed)
        for _ in range(400):
            if time.time() > deadline:
                break
            index = rng.randrange(len(operations))
            try:
                result = operations[index](rng)
                errors = result if isinstance(result, dict) else {}
                for error in errors.values():
                    # A fan-out's failed region: the pool closed under it.
                    if not isinstance(error, MangroveError):
                        raw.append('%d: %r' % (index, error))
                seen['ok'] += 1
            except MangroveError as exc:
                seen[type(exc).__name__] += 1
            except Exception as exc:
                raw.append('%d: %r' % (index, exc))

    assert run_threads([lambda i=i: worker(i) for i in range(12)]) == []
    assert raw == []
    assert seen['ok']
    # Still consistent: connect, and every region answers.
    pool.connect()
    mixin.connect()
    assert pool.default_region in ('us-east-1', 'eu-west-1')
    assert pool.call('get_all_zones').ok
    assert mixin.map(lambda region: region.host).ok
    for key in pool.regions:
        assert pool.regions[key].state == 'built'


def test_a_built_connection_still_pickles_as_boto_made_it(connect_kwargs):
    # boto objects (and their connection) may travel to another process;
    # the copy gets a fresh pool of sockets of boto's own kind.
    from boto.connection import ConnectionPool

    pool = Ec2Pool(connect=True, regions=REGIONS, **connect_kwargs)
    copy = pickle.loads(pickle.dumps(pool.regions.us_east_1.connection))
    assert type(copy._pool) is ConnectionPool
    assert copy.get_all_instances() == []
