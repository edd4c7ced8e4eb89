# -*- coding: utf-8 -*-
"""A task that raises :class:`SystemExit` or :class:`KeyboardInterrupt`
inside a fan-out (``fan_out``, ``pool.map`` on threads or on a thread
executor, ``iter_map``): as :mod:`concurrent.futures` does, it is that
task's error, not the caller's. The caller gets it back in the results,
the other tasks finish, and no worker thread is left running.

These tests pin that behaviour. Tasks make no request, so the moto server
is not needed.
"""
from __future__ import absolute_import

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from mangrove.fanout import fan_out
from mangrove.services import Ec2Pool

pytestmark = pytest.mark.no_server

KEYS = ['us_east_1', 'eu_west_1', 'ap_northeast_1']

# How long the worker threads of a finished fan-out may take to exit.
THREADS_EXIT_WITHIN = 5.0


class Raising(object):
    """A task raising ``exc_class`` in one region, answering elsewhere."""

    def __init__(self, exc_class, key='eu_west_1'):
        self.exc_class = exc_class
        self.key = key

    def __call__(self, proxy):
        if proxy.region_key == self.key:
            raise self.exc_class('from the task in %s' % self.key)
        time.sleep(0.05)  # still running when the other task raises
        return proxy.region_key


BASE_EXCEPTIONS = pytest.mark.parametrize(
    'exc_class', [SystemExit, KeyboardInterrupt],
    ids=['SystemExit', 'KeyboardInterrupt'])


@pytest.fixture
def no_thread_left():
    """Fails the test if a thread it started is still alive a bounded
    moment after it."""
    before = set(threading.enumerate())
    yield
    deadline = time.time() + THREADS_EXIT_WITHIN
    left = [thread for thread in threading.enumerate()
            if thread not in before and thread.is_alive()]
    while left and time.time() < deadline:
        time.sleep(0.01)
        left = [thread for thread in left if thread.is_alive()]
    assert not left, 'threads still running: %s' % ', '.join(
        sorted(thread.name for thread in left))


def ec2_pool():
    # Fake keys: connections are built, no request is sent.
    return Ec2Pool(connect=True, regions=[k.replace('_', '-') for k in KEYS],
                   aws_access_key_id='AKIDFAKE', aws_secret_access_key='fake')


def assert_task_error(results, exc_class):
    assert list(results) == ['us_east_1', 'ap_northeast_1']
    assert results['us_east_1'] == 'us_east_1'
    assert results['ap_northeast_1'] == 'ap_northeast_1'
    assert list(results.errors) == ['eu_west_1']
    error = results.errors['eu_west_1']
    assert type(error) is exc_class
    assert 'from the task in eu_west_1' in str(error)
    assert not results.ok


@BASE_EXCEPTIONS
def test_fan_out_records_it_as_the_task_error(exc_class, no_thread_left):
    def raising():
        raise exc_class('from the task in eu_west_1')

    def slow(key):
        def task():
            time.sleep(0.05)
            return key
        return task

    results = fan_out([('us_east_1', slow('us_east_1')),
                       ('eu_west_1', raising),
                       ('ap_northeast_1', slow('ap_northeast_1'))])

    assert_task_error(results, exc_class)
    assert 'from the task in eu_west_1' in results.format_error('eu_west_1')


@BASE_EXCEPTIONS
def test_pool_map_records_it_as_the_region_error(exc_class, no_thread_left):
    pool = ec2_pool()

    results = pool.map(Raising(exc_class))

    assert_task_error(results, exc_class)


@BASE_EXCEPTIONS
def test_pool_map_on_a_thread_executor_records_it_too(exc_class,
                                                      no_thread_left):
    pool = ec2_pool()

    with ThreadPoolExecutor(2) as executor:
        results = pool.map(Raising(exc_class), executor=executor)

    assert_task_error(results, exc_class)


@BASE_EXCEPTIONS
def test_iter_map_yields_it_as_the_region_outcome(exc_class, no_thread_left):
    pool = ec2_pool()

    outcomes = dict((outcome.key, outcome)
                    for outcome in pool.iter_map(Raising(exc_class)))

    assert sorted(outcomes) == sorted(KEYS)
    failed = outcomes['eu_west_1']
    assert failed.result is None
    assert type(failed.error) is exc_class
    assert failed.traceback is not None
    for key in ('us_east_1', 'ap_northeast_1'):
        assert outcomes[key].error is None
        assert outcomes[key].result == key
