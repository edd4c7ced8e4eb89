# -*- coding: utf-8 -*-
"""
What a key of a fan-out on an executor is told when its chunk failed as a
whole: :func:`mangrove.fanout.chunks.executor_failure`. A dask scheduler that
is killed cancels every task it held, and dask's executor then gives each
chunk's future an empty ``CancelledError``: each key that had not reported
gets a :class:`~mangrove.exceptions.FanOutCancelledError` naming the key and
what happened, still a ``CancelledError``.

The function's own tests need no server. The last test runs a fan-out on a
real dask scheduler and two worker processes and kills the scheduler
mid-fan-out.
"""
from __future__ import absolute_import

import copy
import pickle
import sys
import threading
import time
from concurrent import futures

import pytest

import mangrove
from mangrove import services
from mangrove.exceptions import FanOutCancelledError, MangroveError
from mangrove.fanout.chunks import executor_failure
from mangrove.fanout.results import RegionResults


def cancelled():
    """What ``result()`` raises for a future its executor cancelled, as
    dask's executor cancels its futures when the scheduler goes away."""
    future = futures.Future()
    future.cancel()
    try:
        future.result(0)
    except futures.CancelledError as exc:
        return exc
    raise AssertionError('a cancelled future gave a result')


@pytest.mark.no_server
def test_an_empty_cancelled_error_becomes_one_that_names_key_and_cause():
    bare = cancelled()
    assert str(bare) == ''   # what a killed dask scheduler left each key
    error = executor_failure(bare, ('111111111111', 'us_east_1'))
    assert isinstance(error, FanOutCancelledError)
    assert isinstance(error, MangroveError)
    # Caught as it was before.
    assert isinstance(error, futures.CancelledError)
    assert error.key == ('111111111111', 'us_east_1')
    assert error.cause is bare and error.__cause__ is bare
    text = str(error)
    assert text.startswith('111111111111/us_east_1: the executor cancelled')
    assert 'scheduler or worker went away' in text
    assert 'has no result' in text
    assert mangrove.FanOutCancelledError is FanOutCancelledError
    with pytest.raises(futures.CancelledError):
        raise error


@pytest.mark.no_server
def test_what_the_executor_said_is_quoted():
    class FutureCancelledError(futures.CancelledError):
        """As distributed's own, for its Client's futures."""

        def __str__(self):
            return 'run_chunk-0f3a cancelled for reason: ' \
                'scheduler-connection-lost.'

    error = executor_failure(FutureCancelledError(), 'eu_west_1')
    assert str(error).startswith('eu_west_1: the executor cancelled')
    assert str(error).endswith(
        '(FutureCancelledError: run_chunk-0f3a cancelled for reason: '
        'scheduler-connection-lost.)')


@pytest.mark.no_server
def test_other_failures_are_the_keys_as_they_are():
    for error in (RuntimeError('a worker died'), KeyboardInterrupt(),
                  futures.TimeoutError(), MemoryError()):
        assert executor_failure(error, 'us_east_1') is error
    made = executor_failure(cancelled(), 'us_east_1')
    assert executor_failure(made, 'us_east_1') is made
    try:
        from concurrent.futures.process import BrokenProcessPool
    except ImportError:   # Python 2.7's backport has none
        return
    broken = BrokenProcessPool('a child process terminated abruptly')
    assert executor_failure(broken, 'us_east_1') is broken


@pytest.mark.no_server
def test_it_travels_and_copies_with_its_key_and_message():
    error = executor_failure(cancelled(), ('ec2', 'us_east_1'))
    results = RegionResults([('ec2', 'eu_west_1')], [(('ec2', 'us_east_1'),
                                                      error)],
                            [(('ec2', 'us_east_1'), None)])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        arrived = pickle.loads(pickle.dumps(results, protocol))
        again = arrived.errors['ec2', 'us_east_1']
        assert type(again) is FanOutCancelledError
        assert str(again) == str(error) and again.key == error.key
    copied = copy.deepcopy(error)
    assert str(copied) == str(error) and copied.key == error.key
    assert 'FanOutCancelledError: ec2/us_east_1: the executor cancelled' in \
        results.format_error(('ec2', 'us_east_1'))


# -- end to end --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 6),
                    reason='dask.distributed installs on Python 3.6+')
def test_a_killed_dask_scheduler_names_each_key_it_cancelled(tmpdir):
    pytest.importorskip('distributed')
    import distributed
    import executor_workers as work
    from test_executors_dask import RealCluster

    cluster = RealCluster(tmpdir).start()
    scheduler = cluster.processes[0][2]
    try:
        client = connect(distributed, cluster.address)
        try:
            client.wait_for_workers(2, timeout=90)
            pool = services.Ec2Pool(connect=True, regions=work.REGIONS)
            killed = threading.Event()

            def on_result(key, result, error):
                # us_east_1 has answered; eu_west_1 waits (for a file made
                # only once the fan-out has returned) in a chunk still
                # running: kill the scheduler under it.
                if key == 'us_east_1' and not killed.is_set():
                    killed.set()
                    scheduler.kill()

            release = str(tmpdir.join('release'))
            try:
                # The chunk still running when the scheduler died has been
                # heard of as cancelled only at about the fan-out's timeout
                # here (with 120 s the test took 126 s): a timeout as short
                # as a loaded machine allows for us_east_1 to answer first.
                results = pool.map(work.WaitForFile(release, limit=60),
                                   executor=client, on_result=on_result,
                                   timeout=15)
            finally:
                # The worker's task ends, and the worker with it.
                open(release, 'w').close()
        finally:
            client.close(timeout=3)
    finally:
        cluster.stop()
    assert killed.is_set()
    assert results['us_east_1'] == 'us_east_1'
    error = results.errors['eu_west_1']
    assert isinstance(error, FanOutCancelledError), repr(error)
    assert isinstance(error, futures.CancelledError)
    assert error.key == 'eu_west_1'
    assert str(error).startswith('eu_west_1: the executor cancelled')


def connect(distributed, address, guard=120):
    """A client of the scheduler at ``address`` with a short timeout: once
    the scheduler is gone, the client tries to reconnect that long before
    it closes. A loaded machine may take longer than that to answer the
    first connection, so the first is tried again, ``guard`` seconds at
    most."""
    end = time.time() + guard
    while True:
        try:
            return distributed.Client(address, timeout=3)
        except Exception:
            # OSError, or a TimeoutError that is none on 3.6-3.10.
            if time.time() > end:
                raise
