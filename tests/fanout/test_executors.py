# -*- coding: utf-8 -*-
"""
A fan-out past one process: ``map``/``call`` with ``executor=`` a process
pool (fork and spawn), loky's, or a thread pool; ``map_pools`` over one pool
per account. The same fan-out over accounts x regions gives the same results
on each, every key apart: AWS's error in one region of one account, an
error that cannot be pickled in another, answers everywhere else.

The dask engines (an in-process LocalCluster, a real scheduler and worker
processes) are in tests/test_executors_dask.py.
"""
from __future__ import absolute_import

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import executor_workers as work
from mangrove import services
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, NotConnectedError,
    UnpicklableError, UnpicklableFunctionError)
from mangrove.pool import map_pools
from mangrove.pool.mixin import ServiceMixinPool

# Every test here is slow: its own processes (see conftest.py).
pytestmark = pytest.mark.slow

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Start methods a ProcessPoolExecutor can be given here (mp_context is
#: Python 3.7+; 2.7 and 3.6 fork).
START_METHODS = ['fork'] + (['spawn'] if sys.version_info >= (3, 7) else [])


def process_pool(method, workers=2):
    if sys.version_info < (3, 7):
        return ProcessPoolExecutor(workers)
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method))


@pytest.fixture(scope='module')
def shared_processes():
    """``shared_processes(method)``: a pool of two worker processes started
    with ``method``, made once for the module and shared by the tests that
    need a process pool of that kind and nothing of its workers' past (a
    spawned worker takes a second to start; a test whose subject is what a
    worker keeps, or that leaves one busy, makes its own)."""
    made = {}

    def get(method):
        if method not in made:
            made[method] = process_pool(method)
        return made[method]
    try:
        yield get
    finally:
        for executor in made.values():
            executor.shutdown(wait=True)


# -- the fleet: accounts x regions -------------------------------------------


def account_pools():
    """One Ec2Pool per account, with credentials of a role in it, and a
    security group made in each of its regions."""
    sts = services.StsPool(connect=True, regions=['us-east-1'])
    pools = []
    for account in work.ACCOUNTS:
        creds = sts.regions.us_east_1.assume_role(
            'arn:aws:iam::%s:role/fleet' % account, 'fleet').credentials
        pool = services.Ec2Pool(
            connect=True, regions=work.REGIONS,
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            security_token=creds.session_token)
        for region in pool.regions.values():
            region.create_security_group(
                work.group_name(account, region.region_key), 'fleet')
        pools.append((account, pool))
    return pools


def check_fleet(results):
    """Every key's own outcome, and nothing of one key in another's."""
    keys = [(account, region.replace('-', '_'))
            for account in work.ACCOUNTS for region in work.REGIONS]
    failed = [('111111111111', 'eu_west_1'), ('222222222222', 'us_east_1'),
              ('333333333333', 'ap_southeast_2')]
    assert results.failed == failed
    assert results.succeeded == [key for key in keys if key not in failed]
    for account, region in results.succeeded:
        answer = results[account, region]
        assert answer['owners'] == [account]
        assert answer['groups'] == sorted(
            ['default', work.group_name(account, region)])
        assert answer['zones'] and all(
            zone.startswith(region.replace('_', '-'))
            for zone in answer['zones'])
    for key in failed[:2]:
        error = results.errors[key]
        assert type(error).__name__ == 'EC2ResponseError'
        assert error.error_code == 'InvalidInstanceID.NotFound'
        text = results.format_error(key)
        assert 'get_all_instances' in text and 'inventory' in text
    stand_in = results.errors[failed[2]]
    assert isinstance(stand_in, (UnpicklableError, work.HoldsALock))
    assert 'HoldsALock' in results.format_error(failed[2])
    assert '333333333333 ap_southeast_2 holds a lock' in str(stand_in)
    return comparable(results)


def comparable(results):
    """Results and errors as plain values, an error that could not travel
    as the type and message its stand-in names."""
    errors = []
    for key, error in results.errors.items():
        if isinstance(error, UnpicklableError):
            errors.append((key, error.type_name.rsplit('.', 1)[-1],
                           error.text))
        else:
            errors.append((key, type(error).__name__, str(error)))
    return dict(results), errors


def test_a_fleet_fan_out_is_the_same_on_threads_and_processes(
        shared_processes):
    pools = account_pools()
    on_threads = map_pools(pools, work.inventory)
    expected = check_fleet(on_threads)
    assert isinstance(on_threads.errors['333333333333', 'ap_southeast_2'],
                      work.HoldsALock)   # never pickled on threads
    with ThreadPoolExecutor(3) as threads:
        assert check_fleet(map_pools(pools, work.inventory,
                                     executor=threads)) == expected
    for method in START_METHODS:
        arrived = map_pools(pools, work.inventory,
                            executor=shared_processes(method))
        assert check_fleet(arrived) == expected, method
        stand_in = arrived.errors['333333333333', 'ap_southeast_2']
        assert isinstance(stand_in, UnpicklableError)
        assert stand_in.type_name == 'executor_workers.HoldsALock'


def test_a_fleet_fan_out_on_loky_is_the_same():
    loky = pytest.importorskip('loky')
    pools = account_pools()
    expected = check_fleet(map_pools(pools, work.inventory))
    executor = loky.get_reusable_executor(max_workers=2)
    assert check_fleet(map_pools(pools, work.inventory,
                                 executor=executor)) == expected
    # loky ships functions with cloudpickle: a lambda travels too.
    results = map_pools(pools[:1], lambda region: region.region_name,
                        executor=executor)
    assert dict(results) == dict((('111111111111', r.replace('-', '_')), r)
                                 for r in work.REGIONS)


def test_map_pools_on_threads_is_one_fan_out_bounded_in_all():
    """On threads every key of every pool is one task: ``max_workers``
    bounds them together, and on_result hears of each key once."""
    pools = [(account, services.Ec2Pool(connect=True, regions=work.REGIONS))
             for account in work.ACCOUNTS[:2]]
    lock = threading.Lock()
    running, most, heard = [0], [0], []

    def counted(region):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return region.get_all_zones()
        finally:
            with lock:
                running[0] -= 1

    results = map_pools(pools, counted, max_workers=2,
                        on_result=lambda key, result, error: heard.append(
                            (key, error)))
    keys = [(account, region.replace('-', '_')) for account, _ in pools
            for region in work.REGIONS]
    assert results.ok and list(results) == keys
    assert most[0] <= 2
    assert sorted(heard) == sorted((key, None) for key in keys)


# -- one pool's map and call ------------------------------------------------


@pytest.mark.parametrize('method', START_METHODS)
def test_map_and_call_on_processes_give_what_threads_give(
        method, shared_processes):
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    pool.regions.eu_west_1.create_security_group('only-here', 'x')
    expected = pool.call('get_all_security_groups')
    processes = shared_processes(method)
    arrived = pool.call('get_all_security_groups', executor=processes)
    paged = pool.paginate('get_all_security_groups', executor=processes)
    for results in (arrived, paged):
        assert results.succeeded == expected.succeeded
        for key in expected:
            assert sorted(g.name for g in results[key]) == sorted(
                g.name for g in expected[key])
    # Each key's call stats come back from its worker too.
    assert list(arrived.stats) == list(expected.stats) == expected.succeeded
    assert arrived.stats.requests == expected.stats.requests == 3
    # A result's boto objects arrive with a connection of their own.
    group = [g for g in arrived.eu_west_1 if g.name == 'only-here'][0]
    assert group.connection.region.name == 'eu-west-1'


def test_a_mixin_pool_sends_each_service_as_a_chunk(shared_processes):
    pool = work.Ec2SqsPool(connect=True, regions=work.REGIONS)
    pool.ec2.regions.us_east_1.create_security_group('mixin', 'x')
    pool.sqs.regions.eu_west_1.create_queue('mixin-queue')
    expected = pool.call('get_all_queues', services=['sqs'])
    processes = shared_processes('fork')
    results = pool.map(work.where, executor=processes)
    queues = pool.call('get_all_queues', services=['sqs'],
                       executor=processes)
    assert results.succeeded == [(service, region.replace('-', '_'))
                                 for service in ('ec2', 'sqs')
                                 for region in work.REGIONS]
    assert results.ok
    assert queues.succeeded == expected.succeeded
    assert [q.name for q in queues['sqs', 'eu-west-1']] == ['mixin-queue']


def test_workers_unpickle_a_pool_once_and_keep_its_connections():
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    with process_pool('fork', workers=1) as processes:
        first = pool.map(work.where, executor=processes)
        second = pool.map(work.where, executor=processes)
        other = services.Ec2Pool(connect=True, regions=work.REGIONS[:1])
        third = other.map(work.where, executor=processes)
    assert first.ok and second.ok and third.ok
    assert len(set(pid for pid, _ in first.values())) == 1
    # The same process, the same connection objects: the pool stayed
    # unpickled in the worker, connections and all, between fan-outs.
    assert dict(first) == dict(second)
    assert os.getpid() not in set(pid for pid, _ in first.values())
    # A pool of other settings is one of its own there.
    assert third['us_east_1'][0] == first['us_east_1'][0]
    assert third['us_east_1'][1] != first['us_east_1'][1]


def test_on_result_hears_of_each_key_as_it_finishes_in_its_worker(tmpdir):
    # One worker, one chunk: eu_west_1 finishes only once the caller has
    # heard that us_east_1 finished. Reports made per chunk would leave it
    # waiting until its limit.
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    flag = str(tmpdir.join('us_east_1-reported'))
    heard = []

    def on_result(key, result, error):
        heard.append((key, result, error))
        if key == 'us_east_1':
            open(flag, 'w').close()

    with process_pool('fork', workers=1) as processes:
        results = pool.map(work.WaitForFile(flag, limit=30),
                           executor=processes, on_result=on_result)
    assert results.ok, results.errors
    assert results['eu_west_1'] == 'heard in time'
    assert sorted(key for key, _, _ in heard) == sorted(results)
    assert all(error is None for _, _, error in heard)


@pytest.mark.skipif(sys.version_info < (3,), reason="Python 2's process "
                    'pool never notices a worker that died')
def test_a_worker_that_dies_keeps_the_outcomes_it_reported(tmpdir):
    # One worker, one chunk: us_east_1 and ap_southeast_2 answer and are
    # reported; then eu_west_1 kills the worker. What was reported stays
    # (a resource made is not reported as failed, nor made again on retry);
    # only eu_west_1 gets the worker's death.
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    flag = str(tmpdir.join('others-reported'))
    heard = []

    def on_result(key, result, error):
        heard.append((key, result, type(error).__name__ if error else None))
        if len(heard) == 2:
            open(flag, 'w').close()

    with process_pool('fork', workers=1) as processes:
        results = pool.map(work.DieAfterFile(flag, limit=30),
                           executor=processes, on_result=on_result)
    assert dict(results) == {'us_east_1': 'us_east_1',
                             'ap_southeast_2': 'ap_southeast_2'}
    assert results.failed == ['eu_west_1']
    assert type(results.errors['eu_west_1']).__name__ == 'BrokenProcessPool'
    assert sorted(heard) == [
        ('ap_southeast_2', 'ap_southeast_2', None),
        ('eu_west_1', None, 'BrokenProcessPool'),
        ('us_east_1', 'us_east_1', None)]


def test_a_timeout_reports_the_unfinished_keys_alone(tmpdir):
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    flag = str(tmpdir.join('never'))
    with process_pool('fork', workers=1) as processes:
        # Keys reported as they finish, or only in the chunk's return: each
        # worker's fan-out returns at the timeout with what it has.
        for on_result in (lambda *report: None, None):
            results = pool.map(work.WaitForFile(flag, limit=5),
                               executor=processes, timeout=3,
                               on_result=on_result)
            check_timed_out(results)


def check_timed_out(results):
    assert results.failed == ['eu_west_1']
    assert type(results.errors['eu_west_1']).__name__ == \
        'FanOutTimeoutError'
    assert results['us_east_1'] == 'us_east_1'
    assert results['ap_southeast_2'] == 'ap_southeast_2'


# -- bad input ---------------------------------------------------------------


def test_a_function_that_cannot_pickle_is_named_in_the_error(
        shared_processes):
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)

    def nested(region):
        return region.region_key

    processes = shared_processes('fork')
    for func in (nested, lambda region: 1):
        with pytest.raises(UnpicklableFunctionError) as raised:
            pool.map(func, executor=processes)
        assert isinstance(raised.value, TypeError)
        message = str(raised.value)
        assert repr(func) in message or func.__name__ in message
        assert 'ProcessPoolExecutor' in message
        assert 'top level of a module' in message
    # Nothing was sent, and the pool still fans out.
    assert pool.map(work.where, executor=processes).ok


def test_a_pool_class_workers_cannot_import_is_named_in_the_error(
        shared_processes):
    class Pool(ServiceMixinPool):
        services = ['ec2']

    pool = Pool(connect=True, regions=work.REGIONS)
    with pytest.raises(InvalidArgumentTypeError) as raised:
        pool.map(work.where, executor=shared_processes('fork'))
    assert 'top level of a module' in str(raised.value)
    assert '<Pool: ec2 (3 regions)>' in str(raised.value)
    assert pool.map(work.where).ok


def test_bad_executors_and_options_are_refused_before_anything_runs():
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    for bad in ('processes', 3, object(), ProcessPoolExecutor):
        with pytest.raises(InvalidArgumentTypeError) as raised:
            pool.map(work.where, executor=bad)
        assert 'concurrent.futures.Executor' in str(raised.value)
    with ThreadPoolExecutor(1) as threads:
        with pytest.raises(InvalidArgumentError):
            pool.map(work.where, executor=threads, timeout=-1)
        with pytest.raises(InvalidArgumentTypeError):
            pool.call('get_all_zones', executor=threads, on_result=5)
        assert pool.map(work.where, executor='threads').ok


def test_map_pools_checks_its_pools():
    pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
    with pytest.raises(InvalidArgumentTypeError):
        map_pools('pools', work.where)
    with pytest.raises(InvalidArgumentTypeError):
        map_pools([('a', object())], work.where)
    with pytest.raises(InvalidArgumentError) as raised:
        map_pools([('a', pool), ('a', pool)], work.where)
    assert "'a'" in str(raised.value)
    with pytest.raises(NotConnectedError):
        map_pools({'a': services.Ec2Pool(regions=work.REGIONS)}, work.where)


# -- chunks ------------------------------------------------------------------


def test_chunks_fill_every_slot_and_keep_each_key_once():
    from mangrove.fanout.chunks import Group, plan_chunks

    def chunk_keys(chunks):
        return [[group.key(key) for group, keys in chunk for key in keys]
                for chunk in chunks]

    one = Group(None, ['a', 'b', 'c', 'd', 'e'])
    # Fewer groups than slots: split in halves, in order.
    assert chunk_keys(plan_chunks([one], 2)) == [['a', 'b', 'c'],
                                                 ['d', 'e']]
    assert len(plan_chunks([one], 8)) == 5
    # More groups than slots: packed, largest first into the emptiest.
    groups = [Group(None, ['r%d' % n for n in range(size)],
                    prefix=('account%d' % size,)) for size in (1, 4, 2, 3)]
    chunks = chunk_keys(plan_chunks(groups, 2))
    assert sorted(len(keys) for keys in chunks) == [5, 5]
    assert sorted(key for keys in chunks for key in keys) == sorted(
        group.key(key) for group in groups for key in group.keys)
    assert ('account4', 'r0') in chunks[0]
    assert plan_chunks([Group(None, [])], 2) == []
