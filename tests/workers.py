# -*- coding: utf-8 -*-
"""Helpers of the reliability tests that other processes must import.

A spawned worker (``multiprocessing`` or ``ProcessPoolExecutor`` with the
``spawn`` start method, or a fresh interpreter) unpickles functions and
classes by module and name, so what crosses a process boundary lives here,
in a module importable from ``tests/`` (which is on ``sys.path`` in the
test process, and spawn copies ``sys.path`` to its children).  The worker
functions return plain data (dicts, lists, strings, ints) only.

The other helpers (a barrier that Python 2.7 lacks, bounded thread runs,
boto config overrides, the client port of each request a
:class:`bed.proxy.LoopbackProxy` receives, open file descriptors) are shared
by the reliability tests and ``benchmarks/reliability.py``.
"""
from __future__ import absolute_import

import collections
import contextlib
import os
import sys
import threading
import traceback

from mangrove import ServiceMixinPool
from mangrove.services import Ec2Pool

#: Bounds every wait that only a bug would make endless; never asserted on
#: as a duration.
HANG_GUARD = 60

#: The regions of the reliability pools: two, so that one can fail while
#: the other keeps working.
REGIONS = ['us-east-1', 'eu-west-1']


class Ec2SqsPool(ServiceMixinPool):
    """Two services, two regions: the load test's pool."""

    services = {'ec2': {'regions': REGIONS, 'default_region': 'us-east-1'},
                'sqs': {'regions': REGIONS}}


class InstrumentedEc2Pool(Ec2Pool):
    """Counts every connection built, and can hold one region's build
    until the test lets it finish."""

    def __init__(self, hold_region=None, **kwargs):
        self.instrument(hold_region)
        super(InstrumentedEc2Pool, self).__init__(**kwargs)

    def instrument(self, hold_region=None):
        self.builds = collections.Counter()
        self.cond = threading.Condition()
        self.hold_region = hold_region
        self.building = threading.Event()
        self.gate = threading.Event()
        return self

    @contextlib.contextmanager
    def held_build(self, target, *args):
        """Run ``target(*args)`` on a thread of its own until the held
        region's build starts; yield the thread. On leaving, the build
        finishes and the thread is joined (bounded)."""
        thread = threading.Thread(target=target, args=args)
        thread.daemon = True
        thread.start()
        try:
            assert self.building.wait(HANG_GUARD)
            yield thread
        finally:
            self.gate.set()
            thread.join(HANG_GUARD)
        assert not thread.is_alive()

    def _connect_module_to_region(self, region_name):
        with self.cond:
            self.builds[region_name] += 1
        if region_name == self.hold_region:
            self.building.set()
            assert self.gate.wait(HANG_GUARD), 'the test never opened the gate'
        return super(InstrumentedEc2Pool, self)._connect_module_to_region(
            region_name)


# -- worker functions (run in other processes) --------------------------------

def instance_ids(reservations):
    """The instance ids of boto reservations, sorted."""
    return sorted(instance.id for reservation in reservations
                  for instance in reservation.instances)


def region_summary(region):
    """What one region of a fan-out answers, as plain data."""
    conn = region.connection
    if hasattr(conn, 'get_all_instances'):
        found = instance_ids(conn.get_all_instances())
    else:
        found = sorted(queue.name for queue in conn.get_all_queues())
    return {'region': region.region_name, 'pid': os.getpid(),
            'connection': type(conn).__name__, 'found': found}


def _plain_results(results):
    return {
        'pid': os.getpid(),
        'ok': results.ok,
        'results': [[_plain_key(key), value] for key, value in
                    results.items()],
        'errors': [[_plain_key(key), '%s: %s' % (type(err).__name__, err)]
                   for key, err in results.errors.items()],
    }


def _plain_key(key):
    return list(key) if isinstance(key, tuple) else key


def call_in_worker(pool):
    """``pool.call('get_all_instances')`` in this process, as plain data."""
    results = pool.call('get_all_instances')
    plain = _plain_results(results)
    plain['results'] = [[key, instance_ids(value)]
                        for key, value in plain['results']]
    plain['connected'] = pool.connected
    return plain


def map_in_worker(pool):
    """``pool.map(region_summary)`` in this process, as plain data."""
    plain = _plain_results(pool.map(region_summary))
    services = getattr(pool, 'services', None)
    plain['connected'] = pool.connected if services is None else all(
        service.connected for service in services.values())
    return plain


def connection_ids_in_child(pool, conn, inherited):
    """A ``multiprocessing`` (fork) child: first use of every region.

    Sends back through ``conn`` each region's state before its first use,
    its connection id, whether it is the parent's object (``inherited``:
    key -> the parent's connection), and whether a call through it works.
    """
    try:
        answer = {'pid': os.getpid(), 'ids': {}, 'same_object': {},
                  'found': {}, 'states': {}}
        for key in pool.regions:
            proxy = pool.regions[key]
            answer['states'][key] = proxy.state
            answer['ids'][key] = id(proxy.connection)
            answer['same_object'][key] = proxy.connection is inherited[key]
            answer['found'][key] = instance_ids(proxy.get_all_instances())
        conn.send(answer)
    except Exception:
        conn.send({'error': traceback.format_exc()})
    finally:
        conn.close()


# -- helpers of the test process ----------------------------------------------

class Barrier(object):
    """A one-shot barrier: ``threading.Barrier`` is missing on Python 2.7."""

    def __init__(self, parties):
        self._parties = parties
        self._count = 0
        self._cond = threading.Condition()

    def wait(self, timeout=HANG_GUARD):
        with self._cond:
            self._count += 1
            if self._count >= self._parties:
                self._cond.notify_all()
                return
            while self._count < self._parties:
                self._cond.wait(timeout)
                if self._count < self._parties:
                    raise AssertionError('barrier: %d of %d parties arrived'
                                         % (self._count, self._parties))


def run_threads(targets, timeout=HANG_GUARD):
    """Run each callable on its own thread, join them all (bounded).

    :returns: the exceptions raised, as ``(index, formatted traceback)``.
    :raises AssertionError: a thread is still running after ``timeout``.
    """
    errors = []
    lock = threading.Lock()

    def runner(index, target):
        try:
            target()
        except BaseException:
            with lock:
                errors.append((index, traceback.format_exc()))

    threads = [threading.Thread(target=runner, args=(i, t),
                                name='reliability-%d' % i)
               for i, t in enumerate(targets)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    for thread in threads:
        thread.join(timeout)
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        raise AssertionError('threads still running: %s' % ', '.join(alive))
    return errors


@contextlib.contextmanager
def boto_setting(name, value, section='Boto'):
    """Set one boto config option for the duration of a ``with`` block.

    boto reads ``num_retries`` on every request and ``http_socket_timeout``
    when a connection is made, both from the process-wide ``boto.config``.
    """
    import boto
    config = boto.config
    if not config.has_section(section):
        config.add_section(section)
    saved = config.get(section, name)
    config.set(section, name, str(value))
    try:
        yield
    finally:
        if saved is None:
            config.remove_option(section, name)
        else:
            config.set(section, name, saved)


def record_client_ports(proxy):
    """Make ``proxy`` add ``'client_port'`` to every record: the port of the
    client socket the request came in on, so tests can tell which TCP
    connection carried it.

    The test bed's handler records a request from its ``_proxy`` method;
    the handler (and so the client address) is that caller's ``self``.
    """
    original = proxy._record

    def _record(record):
        handler = sys._getframe(1).f_locals.get('self')
        record['client_port'] = handler.client_address[1]
        original(record)

    proxy._record = _record
    return proxy


def open_fds():
    """How many file descriptors this process has open (Linux)."""
    return len(os.listdir('/proc/self/fd'))


def pooled_socket_ports(connection):
    """Local ports of the idle keep-alive sockets boto keeps for a
    connection (boto's ``HostConnectionPool`` per host)."""
    ports = set()
    pool = getattr(connection, '_pool', None)
    for host_pool in getattr(pool, 'host_to_pool', {}).values():
        for http_conn, _ in list(host_pool.queue):
            sock = getattr(http_conn, 'sock', None)
            if sock is not None:
                ports.add(sock.getsockname()[1])
    return ports
