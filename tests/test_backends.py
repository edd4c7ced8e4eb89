# -*- coding: utf-8 -*-
"""The Backend interface (mangrove.backends): both backends implement all of
it, a name gives its backend, a connection its owner, and every pool kind
holds its backend object and its name.

Nothing here sends a request: pools are built unconnected, connections are
built and never used (no moto server, see conftest.py). boto3's parts skip
where boto3 is not installed (Python older than 3.9), as test_boto3.py's do.
"""
from __future__ import absolute_import

import pickle
import subprocess
import sys
import warnings

import pytest

from mangrove import backends
from mangrove.accounts import AccountPool
from mangrove.backends import Backend
from mangrove.classic.backend import BotoBackend, boto_backend
from mangrove.clients.backend import Boto3Backend, boto3_backend
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, MangroveError)
from mangrove.pool import ServicePool
from mangrove.pool.mixin import ServiceMixinPool
from mangrove.pool.pagination import Pages
from mangrove.registry import get_service
from mangrove.services import Ec2Pool, SqsPool

pytestmark = pytest.mark.no_server

NEW_ENOUGH = sys.version_info >= (3, 9)

# Keys that make boto build a connection without looking for any.
KEYS = {'aws_access_key_id': 'AKIDEXAMPLE',
        'aws_secret_access_key': 'backends-secret-never-shown'}

ABSTRACT = set(['service', 'service_names', 'regions', 'canonical_region',
                'aliases', 'connection_class', 'method_names', 'keywords',
                'connect', 'prepare', 'install_credentials', 'close',
                'pages', 'owns'])


def needs_boto3():
    """Skip where boto3 pools cannot run, as test_boto3.py does."""
    if not NEW_ENOUGH:
        pytest.skip('boto3 pools need Python 3.9+')
    pytest.importorskip('boto3')


def boto_connection(service='ec2', region='us-east-1'):
    spec = get_service(service)
    return boto_backend.connect(spec, region, dict(KEYS))


def boto3_client(service='sqs', region='us-east-1'):
    needs_boto3()
    spec = boto3_backend.service(service)
    return boto3_backend.connect(spec, region, dict(KEYS))


# -- the interface ------------------------------------------------------------

def test_the_interface_is_every_method_a_pool_asks_for():
    assert set(Backend.__abstractmethods__) == ABSTRACT


@pytest.mark.parametrize('cls', [BotoBackend, Boto3Backend])
def test_both_backends_implement_every_method(cls):
    assert not cls.__abstractmethods__
    for name in ABSTRACT:
        assert getattr(cls, name) is not getattr(Backend, name), name
    backend = cls()   # instantiable: nothing left abstract
    assert isinstance(backend, Backend)
    assert backend.name in backends.NAMES


def test_a_backend_missing_a_method_cannot_be_made():
    class Partial(Backend):
        name = 'partial'

        def service(self, name):
            return name

    with pytest.raises(TypeError):
        Partial()


# -- named(), resolve(), of() -------------------------------------------------

def test_a_name_gives_its_one_backend():
    assert backends.named('boto') is boto_backend
    assert backends.named('boto3') is boto3_backend
    assert (boto_backend.name, boto3_backend.name) == ('boto', 'boto3')
    assert backends.resolve(None) is boto_backend
    assert backends.resolve('boto3') is boto3_backend
    assert backends.resolve(boto3_backend) is boto3_backend


def test_an_unknown_name_is_refused_naming_it_and_the_valid_ones():
    with pytest.raises(InvalidArgumentError) as caught:
        backends.named('boto4')
    error = caught.value
    assert isinstance(error, (MangroveError, ValueError))
    assert "'boto4'" in str(error)
    assert 'boto' in error.valid and 'boto3' in error.valid
    with pytest.raises(InvalidArgumentTypeError) as caught:
        backends.resolve(42)
    assert '42' in str(caught.value) and isinstance(caught.value, TypeError)


@pytest.mark.slow
def test_importing_backends_imports_neither_boto_nor_boto3():
    code = ('import sys, mangrove.backends as b; b.named("boto"); '
            'b.named("boto3"); print(sorted(m for m in sys.modules '
            'if m.split(".")[0] in ("boto", "boto3", "botocore")))')
    out = subprocess.check_output([sys.executable, '-c', code])
    assert out.decode().strip() == '[]'


def test_a_connection_says_which_backend_owns_it():
    conn = boto_connection()
    assert boto_backend.owns(conn) and not boto3_backend.owns(conn)
    assert backends.of(conn) is boto_backend
    # A Layer2 (DynamoDB, Glacier) is a boto connection too.
    layer2 = boto_connection('dynamodb')
    assert backends.of(layer2) is boto_backend


def test_a_client_says_which_backend_owns_it():
    client = boto3_client()
    assert boto3_backend.owns(client) and not boto_backend.owns(client)
    assert backends.of(client) is boto3_backend


def test_an_object_no_backend_owns_is_refused_naming_its_type():
    class NotAConnection(object):
        pass

    with pytest.raises(InvalidArgumentTypeError) as caught:
        backends.of(NotAConnection())
    assert 'NotAConnection' in str(caught.value)


# -- what each backend answers ------------------------------------------------

def test_boto_backend_answers_from_the_registry_and_boto():
    spec = boto_backend.service('EC2')
    assert spec is get_service('ec2')
    assert 'ec2' in boto_backend.service_names()
    names = boto_backend.method_names(spec)
    assert 'get_all_instances' in names and '_mexe' not in names
    assert isinstance(names, frozenset)


def test_boto3_backend_answers_from_botocore():
    needs_boto3()
    spec = boto3_backend.service('ec2')
    assert 'ec2' in boto3_backend.service_names()
    assert 'describe_instances' in boto3_backend.method_names(spec)


def test_each_backend_keeps_its_own_keywords_and_names_the_token():
    kwargs = dict(KEYS, is_secure=False, config='a Config',
                  aws_session_token='token', regions=['us-east-1'])
    boto = boto_backend.keywords(kwargs)
    assert 'config' not in boto and boto['is_secure'] is False
    assert boto['security_token'] == 'token'
    assert 'aws_session_token' not in boto
    client = boto3_backend.keywords(kwargs)
    assert 'is_secure' not in client and client['config'] == 'a Config'
    assert client['aws_session_token'] == 'token'
    assert 'security_token' not in client
    for kept in (boto, client):
        assert kept['regions'] == ['us-east-1']
        assert kept['aws_access_key_id'] == KEYS['aws_access_key_id']


def test_boto_backend_prepares_and_closes_a_connection():
    conn = boto_connection()
    spec = get_service('ec2')
    assert boto_backend.prepare(conn, spec, 'us-east-1') is conn
    # Twice is once (a pool's hook may hand back a prepared connection).
    assert boto_backend.prepare(conn, spec, 'us-east-1') is conn
    assert boto_backend.close(conn) == 0   # nothing open yet


def test_a_hooks_object_is_left_alone_by_the_boto_backend():
    thing = object()
    spec = get_service('ec2')
    assert boto_backend.prepare(thing, spec, 'us-east-1') is thing
    assert boto_backend.close(thing) == 0


def test_boto3_backend_prepares_a_client_unchanged():
    client = boto3_client()
    spec = boto3_backend.service('sqs')
    state = dict(vars(client))
    assert boto3_backend.prepare(client, spec, 'us-east-1') is client
    assert dict(vars(client)) == state
    assert boto3_backend.close(client) == 0


def test_pages_of_a_bare_connection_are_its_backends():
    # search (JMESPath) is boto3's: the boto backend refuses it before
    # sending anything.
    pytest.importorskip('jmespath')   # checks the expression (boto3's)
    with pytest.raises(InvalidArgumentError) as caught:
        Pages('get_all_reservations', search='Reservations[]')(
            boto_connection())
    assert 'JMESPath' in str(caught.value)


# -- a backend and its name ---------------------------------------------------

def test_comparing_a_backend_with_its_name_works_with_a_warning():
    with pytest.warns(DeprecationWarning) as caught:
        assert boto3_backend == 'boto3'
    assert 'backend_name' in str(caught[0].message)
    with pytest.warns(DeprecationWarning):
        assert not (boto_backend == 'boto3')
    with pytest.warns(DeprecationWarning):
        assert boto_backend != 'boto3'
    with pytest.warns(DeprecationWarning):
        assert not (boto3_backend != 'boto3')
    # Equal objects hash alike: a backend finds its name's entry.
    assert hash(boto3_backend) == hash('boto3')
    with pytest.warns(DeprecationWarning):
        assert {'boto3': 'clients'}[boto3_backend] == 'clients'


def test_backends_compare_as_themselves_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert boto_backend == backends.named('boto')
        assert boto_backend != boto3_backend
        assert not (boto_backend == 1)
        assert len(set([boto_backend, boto3_backend, boto_backend])) == 2


@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_backend_pickles_as_its_name(protocol):
    for backend in (boto_backend, boto3_backend):
        data = pickle.dumps(backend, protocol)
        assert pickle.loads(data) is backend
        # The pickle names the backend, not its caches.
        assert b'named' in data and b'_lock' not in data


# -- every pool kind ----------------------------------------------------------

class Web(ServiceMixinPool):
    services = {'ec2': {'regions': ['us-east-1']}, 'sqs': {}}


class Clients(ServiceMixinPool):
    backend = 'boto3'
    services = {'sqs': {'regions': ['us-east-1']},
                'ec2': {'regions': ['us-east-1'], 'backend': 'boto'}}


def test_every_classic_pool_kind_holds_its_backend_and_its_name():
    ec2 = Ec2Pool(regions=['us-east-1'])
    web = Web()
    fleet = AccountPool(SqsPool, accounts=['111111111111'], role_name='r',
                        regions=['us-east-1'])
    for pool in (ec2, web, web.sqs, fleet):
        assert pool.backend is boto_backend, pool
        assert pool.backend_name == 'boto'
    assert Ec2Pool.backend is boto_backend


def test_a_pool_class_may_name_its_backend():
    class Named(ServicePool):
        service = 'sqs'
        backend = 'boto'

    pool = Named(regions=['us-east-1'])
    assert pool.backend is boto_backend and pool.backend_name == 'boto'
    web = Web(backend=boto_backend)
    assert web.backend is boto_backend

    class Wrong(ServicePool):
        service = 'sqs'
        backend = 'boto4'

    with pytest.raises(InvalidArgumentError) as caught:
        Wrong()
    assert "'boto4'" in str(caught.value)


def test_every_boto3_pool_kind_holds_its_backend_and_its_name():
    needs_boto3()
    from mangrove.pool.client import client_pool
    sqs = client_pool('sqs', regions=['us-east-1'], **KEYS)
    mixed = Clients(**KEYS)
    by_object = Web(backend=boto3_backend, **KEYS)
    for pool in (sqs, mixed, mixed.sqs, by_object, by_object.ec2):
        assert pool.backend is boto3_backend, pool
        assert pool.backend_name == 'boto3'
    assert mixed.ec2.backend is boto_backend
    assert repr(by_object.ec2) == '<ClientPool EC2>'
    with pytest.warns(DeprecationWarning):
        assert mixed.backend == 'boto3'   # code written for a name


def test_a_multi_service_pool_pickles_its_backend_by_name():
    state = Web().__getstate__()
    assert state['backend'] is None   # classic boto, as before
    again = pickle.loads(pickle.dumps(Web()))
    assert again.backend is boto_backend
    # What earlier releases pickled: a name, or None.
    for name, backend in (('boto', boto_backend), (None, boto_backend)):
        pool = Web.__new__(Web)
        pool.__setstate__(dict(state, backend=name))
        assert pool.backend is backend


def test_a_boto3_multi_service_pool_pickles_its_backend_by_name():
    needs_boto3()
    pool = Clients(**KEYS)
    assert pool.__getstate__()['backend'] == 'boto3'
    again = pickle.loads(pickle.dumps(pool))
    assert again.backend is boto3_backend
    assert repr(again.sqs) == '<ClientPool SQS>'
