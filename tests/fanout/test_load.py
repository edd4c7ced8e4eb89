# -*- coding: utf-8 -*-
"""
Load: 16 threads x 100 calls through one pool of two services in two
regions, with zero errors and no growth in open file descriptors between a
warm-up round and the end; and the same pool across an outage, the loopback
proxy in front of the server stopped and restarted mid-run.

``benchmarks/reliability.py`` runs a bigger version and prints the figures;
these tests assert only counts, never durations.
"""
from __future__ import absolute_import

import collections
import socket
import sys
import threading

import pytest
from six.moves import http_client

from workers import (
    HANG_GUARD, Barrier, Ec2SqsPool, open_fds, pooled_socket_ports,
    region_summary, run_threads)

THREADS = 16
CALLS = 100

NETWORK_ERRORS = (socket.error, http_client.HTTPException)

needs_proc = pytest.mark.skipif(
    not sys.platform.startswith('linux'),
    reason='open file descriptors are counted in /proc/self/fd')


@pytest.fixture
def mixin(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    mixin = Ec2SqsPool(connect=True, **connect_kwargs)
    for key in mixin.sqs.regions:
        mixin.sqs.regions[key].create_queue('load-%s' % key)
    return mixin


def operations(mixin):
    """The calls of the load, one per (service, region), each checking that
    it was answered by its own region."""
    def ec2(key):
        def call():
            assert mixin.ec2.regions[key].get_all_reservations() == []
        return call

    def sqs(key):
        def call():
            names = [q.name for q in mixin.sqs.regions[key].get_all_queues()]
            assert names == ['load-%s' % key]
        return call

    return [ec2('us_east_1'), sqs('us_east_1'), ec2('eu_west_1'),
            sqs('eu_west_1')]


def fan_out(mixin):
    results = mixin.map(region_summary)
    assert results.ok and len(results) == 4
    assert results[('sqs', 'eu_west_1')]['found'] == ['load-eu_west_1']


def boto_connections(mixin):
    return [pool.regions[key].connection
            for pool in mixin.services.values() for key in pool.regions]


def warm_up(mixin, proxy):
    """Open as many keep-alive sockets as the load can use: all threads'
    requests to each (service, region) held in flight at once."""
    proxy.faults['*'] = 'stall'
    try:
        for call in operations(mixin):
            held_errors = []
            callers = threading.Thread(
                target=lambda call=call: held_errors.extend(
                    run_threads([call] * THREADS)))
            callers.start()
            proxy.wait_held(THREADS)
            proxy.faults.pop('*')
            proxy.release()
            callers.join(HANG_GUARD)
            assert not callers.is_alive() and held_errors == []
            proxy.faults['*'] = 'stall'
    finally:
        proxy.faults.pop('*', None)
        proxy.release()
    for conn in boto_connections(mixin):
        assert len(pooled_socket_ports(conn)) == THREADS


@pytest.mark.slow
@needs_proc
def test_16_threads_100_calls_no_errors_no_fd_growth(mixin, proxy):
    warm_up(mixin, proxy)
    connections = [id(conn) for conn in boto_connections(mixin)]
    fds_before = open_fds()
    barrier = Barrier(THREADS)
    done = collections.Counter()
    lock = threading.Lock()
    ops = operations(mixin)

    def worker(index):
        barrier.wait()
        for n in range(CALLS):
            if n % 25 == 24:
                fan_out(mixin)
            else:
                ops[(index + n) % len(ops)]()
            with lock:
                done['calls'] += 1

    errors = run_threads([lambda i=i: worker(i) for i in range(THREADS)])
    fds_after = open_fds()

    assert errors == []
    assert done['calls'] == THREADS * CALLS
    assert fds_after <= fds_before, (fds_before, fds_after)
    assert [id(conn) for conn in boto_connections(mixin)] == connections


@pytest.mark.slow
def test_outage_mid_run_fails_with_boto_errors_then_recovers(mixin, proxy):
    services_before = dict(mixin.services)
    connections = [id(conn) for conn in boto_connections(mixin)]
    ops = operations(mixin)
    phase = [Barrier(THREADS + 1) for _ in range(4)]
    outcomes = collections.defaultdict(collections.Counter)
    lock = threading.Lock()

    def run(name, calls):
        for call in calls:
            try:
                call()
            except NETWORK_ERRORS as exc:
                kind = type(exc).__name__
            else:
                kind = 'ok'
            with lock:
                outcomes[name][kind] += 1

    def worker(index):
        mine = ops[index % 4:] + ops[:index % 4]
        run('before', mine * 3)
        phase[0].wait()     # the proxy stops
        phase[1].wait()
        # Twice each: enough calls to meet every keep-alive socket the
        # stopped proxy closed (boto drops a socket once it failed).
        run('outage', mine * 2)
        phase[2].wait()     # the proxy restarts
        phase[3].wait()
        run('after', mine * 3)

    def conductor():
        phase[0].wait()
        proxy.stop()
        phase[1].wait()
        phase[2].wait()
        proxy.restart()
        phase[3].wait()

    errors = run_threads([conductor] +
                         [lambda i=i: worker(i) for i in range(THREADS)])
    assert errors == []
    assert outcomes['before'] == {'ok': THREADS * 12}
    assert sum(outcomes['outage'].values()) == THREADS * 8
    assert 'ok' not in outcomes['outage']
    assert outcomes['after'] == {'ok': THREADS * 12}
    # The pool was never replaced: same service pools, same connections.
    assert dict(mixin.services) == services_before
    for attr, pool in services_before.items():
        assert getattr(mixin, attr) is pool
    assert [id(conn) for conn in boto_connections(mixin)] == connections
