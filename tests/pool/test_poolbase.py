# -*- coding: utf-8 -*-
"""The contract every pool kind shares through
:class:`mangrove.pool.base.BasePool`, against the suite's moto server: the
same operations from one place, the documented positional order of each
kind's ``map``, the same error text for the same bad option on every kind,
a refused call that leaves the pool as it was, and the ``chunk_tasks`` /
``chunk_groups`` pair the worker side and ``map_pools`` rely on."""
from __future__ import absolute_import

import inspect
import sys

import pytest
import six

from mangrove.accounts import AccountPool
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, MangroveError,
    RegionNotInPoolError, UnknownMethodError)
from mangrove.pool import map_pools
from mangrove.pool.base import BasePool
from mangrove.pool.mixin import ServiceMixinPool
from mangrove.pool.pagination import Paginating
from mangrove.pool.service import ServicePool
from mangrove.services import Ec2Pool

REGIONS = ['us-east-1', 'eu-west-1']
# A method each kind's connections have: classic boto's, or boto3's.
ZONES = {'client': 'describe_availability_zones'}
PROD, DEV = '111111111111', '222222222222'
NEW_ENOUGH = sys.version_info >= (3, 9)


class Inventory(ServiceMixinPool):
    services = {'ec2': {}, 'sqs': {}}


def client_pool_class():
    from mangrove.pool.client import ClientPool
    return ClientPool


KINDS = [ServicePool, ServiceMixinPool, AccountPool]
if NEW_ENOUGH:
    KINDS.append(client_pool_class())


def _function(cls, name):
    return six.get_unbound_function(getattr(cls, name))


def _arguments(function):
    if six.PY2:
        return inspect.getargspec(function).args
    return inspect.getfullargspec(function).args


@pytest.fixture
def pools(moto_server):
    """One connected pool of each kind (a boto3 pool where boto3 runs),
    by name; each is closed at the end."""
    made = [
        ('service', Ec2Pool(connect=True, regions=REGIONS)),
        ('mixin', Inventory(connect=True, regions=REGIONS)),
        ('accounts', AccountPool(Ec2Pool, [PROD, DEV], role_name='Audit',
                                 regions=REGIONS)),
    ]
    if NEW_ENOUGH:
        pytest.importorskip('boto3')
        from mangrove.pool.client import client_pool
        made.append(('client', client_pool(
            'ec2', regions=REGIONS, connect=True,
            endpoint_url=moto_server.url, aws_access_key_id='testing',
            aws_secret_access_key='testing')))
    yield made
    for _, pool in made:
        pool.close()


# -- one base, each kind's own signature -------------------------------------


@pytest.mark.no_server
@pytest.mark.parametrize('kind', KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_takes_the_shared_operations_from_the_base(kind):
    assert issubclass(kind, BasePool)
    for name in ('call', 'close', '__enter__', '__exit__'):
        assert _function(kind, name) is _function(BasePool, name), name
    assert _function(kind, 'paginate') is _function(Paginating, 'paginate')
    # Each kind binds its own selectors and supplies its keys and tasks.
    for name in ('map', 'iter_map'):
        assert callable(getattr(kind, name)), name
        assert not hasattr(BasePool, name), name
    for name in ('chunk_tasks', 'chunk_groups', '_keys', '_parts',
                 '_narrow_to_method'):
        assert _function(kind, name) is not _function(BasePool, name), name


@pytest.mark.no_server
@pytest.mark.parametrize('kind, selectors', [
    (ServicePool, ['regions']),
    (ServiceMixinPool, ['services', 'regions']),
    (AccountPool, ['accounts', 'regions', 'services']),
], ids=['service', 'mixin', 'accounts'])
def test_map_keeps_each_kinds_documented_positional_order(kind, selectors):
    assert _arguments(kind.map) == ['self', 'func'] + selectors + [
        'max_workers', 'timeout', 'on_result', 'retry', 'executor']
    assert _arguments(kind.iter_map) == ['self', 'func'] + selectors + [
        'max_workers', 'timeout', 'retry']
    assert kind._fanout_options == tuple(selectors) + BasePool._OPTIONS


@pytest.mark.no_server
def test_a_keyword_map_does_not_take_is_a_type_error_naming_it():
    with pytest.raises(TypeError) as info:
        Ec2Pool(regions=REGIONS).map(len, region=['us-east-1'])
    assert "unexpected keyword argument 'region'" in str(info.value)


# -- the same checks on every kind ------------------------------------------


BAD_OPTIONS = [
    ({'max_workers': 0}, InvalidArgumentError),
    ({'max_workers': 'many'}, InvalidArgumentTypeError),
    ({'timeout': -1}, InvalidArgumentError),
    ({'executor': 'nowhere'}, InvalidArgumentTypeError),
    ({'on_result': 'print'}, InvalidArgumentTypeError),
    ({'retry': 'twice'}, InvalidArgumentTypeError),
]


@pytest.mark.parametrize('options, error', BAD_OPTIONS,
                         ids=lambda value: str(value))
def test_a_bad_option_gives_the_same_error_on_every_kind(pools, options,
                                                         error):
    texts = set()
    for name, pool in pools:
        for run in (lambda: pool.map(len, **options),
                    lambda: pool.call(ZONES.get(name, 'get_all_zones'),
                                      **options)):
            with pytest.raises(error) as info:
                run()
            texts.add(str(info.value))
    assert len(texts) == 1, texts


def test_a_bad_function_or_call_kwargs_reads_the_same_on_every_kind(pools):
    for run, error in [
            (lambda pool: pool.map(42), InvalidArgumentTypeError),
            (lambda pool: pool.iter_map(42), InvalidArgumentTypeError),
            (lambda pool: pool.call('get_all_zones', call_kwargs='x'),
             InvalidArgumentTypeError),
            (lambda pool: pool.call(42), InvalidArgumentTypeError)]:
        texts = set()
        for name, pool in pools:
            with pytest.raises(error) as info:
                run(pool)
            texts.add(str(info.value))
        assert len(texts) == 1, texts


def test_a_refused_call_leaves_the_pool_as_it_was(pools):
    for name, pool in pools:
        with pytest.raises(UnknownMethodError) as info:
            pool.call('get_all_zone')
        assert "'get_all_zone'" in str(info.value), name
        with pytest.raises(MangroveError):
            pool.map(len, regions=['ap-south-2'])
        with pytest.raises(InvalidArgumentError):
            pool.call(ZONES.get(name, 'get_all_zones'), max_workers=0)
        if name != 'accounts':
            assert pool.connected, name
        results = pool.map(lambda region: region.region_name)
        assert results.ok and len(results), name
        assert set(results.values()) == set(REGIONS), name


def test_every_kind_is_a_context_manager_that_closes(pools):
    for name, pool in pools:
        if name == 'accounts':
            pool.call('get_all_zones', accounts=[PROD])
            built = pool.accounts[PROD]
            assert built.connected
        with pool as same:
            assert same is pool
        assert not (built if name == 'accounts' else pool).connected, name


def test_paginate_follows_pages_on_every_kind(pools):
    expected = {'service': 1, 'client': 1, 'mixin': 1, 'accounts': 2}
    for name, pool in pools:
        method = ZONES.get(name, 'get_all_zones')
        options = {'services': ['ec2']} if name == 'mixin' else {}
        results = pool.paginate(method, regions=['us-east-1'], **options)
        assert results.ok, name
        assert len(results) == expected[name], name


# -- chunk_tasks and chunk_groups -------------------------------------------


def test_chunk_groups_say_what_travels_to_a_worker_together(pools):
    groups = dict((name, pool.chunk_groups()) for name, pool in pools)
    assert groups['service'] == [['us_east_1', 'eu_west_1']]
    assert groups['mixin'] == [
        [('ec2', 'us_east_1'), ('ec2', 'eu_west_1')],
        [('sqs', 'us_east_1'), ('sqs', 'eu_west_1')]]
    assert groups['accounts'] == [
        [(PROD, 'us_east_1'), (PROD, 'eu_west_1')],
        [(DEV, 'us_east_1'), (DEV, 'eu_west_1')]]
    if 'client' in groups:
        assert groups['client'] == [['us_east_1', 'eu_west_1']]
    # Keys given are grouped in the order given.
    assert dict(pools)['mixin'].chunk_groups(
        [('sqs', 'eu_west_1'), ('ec2', 'us_east_1')]) == [
            [('sqs', 'eu_west_1')], [('ec2', 'us_east_1')]]


def test_chunk_tasks_run_func_for_each_key_in_order(pools):
    for name, pool in pools:
        keys = [key for group in pool.chunk_groups() for key in group]
        tasks = pool.chunk_tasks(lambda region: region.region_name, keys)
        if name == 'accounts':
            # Region after region, so that the first wave of threads
            # reaches every account.
            assert [key for key, _ in tasks] == [
                (PROD, 'us_east_1'), (DEV, 'us_east_1'),
                (PROD, 'eu_west_1'), (DEV, 'eu_west_1')]
        else:
            assert [key for key, _ in tasks] == keys, name
        assert [task() for _, task in tasks] == [
            'us-east-1' if 'us_east_1' in str(key) else 'eu-west-1'
            for key, _ in tasks], name


def test_a_key_the_pool_lacks_is_that_tasks_error_not_the_chunks(pools):
    lacking = {'service': 'ap_south_1', 'client': 'ap_south_1',
               'mixin': ('ec2', 'ap_south_1')}
    for name, pool in pools:
        if name not in lacking:
            continue
        tasks = pool.chunk_tasks(len, [lacking[name]] + pool.chunk_groups()[0])
        assert tasks[0][0] == lacking[name]
        with pytest.raises(RegionNotInPoolError):
            tasks[0][1]()
        assert len(tasks) == 1 + len(pool.chunk_groups()[0])


def test_map_pools_takes_every_kind_but_account_pools(pools):
    joined = [(name, pool) for name, pool in pools if name != 'accounts']
    results = map_pools(joined, lambda region: region.region_name)
    assert results.ok
    assert [key[0] for key in results] == [
        name for name, pool in joined
        for group in pool.chunk_groups() for _ in group]
    fleet = dict(pools)['accounts']
    with pytest.raises(InvalidArgumentTypeError) as info:
        map_pools([('fleet', fleet)], len)
    assert 'each of pools' in str(info.value)
    assert 'a (name, pool) pair' in str(info.value)
