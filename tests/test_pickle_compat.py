# -*- coding: utf-8 -*-
"""Objects pickled by mangrove 1.1.0 still load, whatever has moved since:
pools (connected or not, a user's mixin pool class, an account pool, a
boto3 client pool), a region proxy, a boto connection of a pool whose
credentials mangrove manages, fan-out results with their errors and
stats, every error class, and the settings users keep (retry policy, role
settings, pages, method calls).

The pickles are in ``tests/data/pickles-1.1.0``, written by
``tools/make_pickle_fixtures.py`` with 1.1.0 on Python 2.7 (``*.py2``) and
3.13 (``*.py3``, protocol 2). Each loads on whatever interpreter runs the
test, as the same class (found through the path 1.1.0 recorded) with the
same facts as 1.1.0 loaded from it; a loaded pool connects again, to the
suite's moto server, and answers.
"""
from __future__ import absolute_import

import importlib
import io
import json
import os
import pickle
import sys
import warnings

import pytest

from pickle_classes import FIXTURE_SECRET, describe

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'data', 'pickles-1.1.0')
PY3 = sys.version_info[0] >= 3

SUFFIX = 'py%d' % sys.version_info[0]

# Results carry each error as a pickle of its own, of the highest protocol
# of the Python that made it (2 on 2.7, 5 on 3.13), so the errors of
# results made where this Python cannot read that protocol, or on the
# other major version, arrive as UnpicklableError stand-ins naming their
# type and message. Python 3 reads such bytes of a Python 2 pickle (a str)
# as text only with encoding='latin1'.
NESTED_PICKLES = ('region-results', 'error-FanOutError')
NESTED_PROTOCOL = {'py2': 2, 'py3': 5}


def _crosses(name, suffix):
    return name in NESTED_PICKLES and (
        suffix != SUFFIX or
        NESTED_PROTOCOL[suffix] > pickle.HIGHEST_PROTOCOL)


# A boto connection holds boto's config, a ConfigParser: an old-style class
# on Python 2, and a SafeConfigParser, gone in 3.12, from Python 2. boto's
# own objects do not cross between major versions.
SAME_PYTHON_ONLY = ('managed-connection',)


def _manifest(suffix):
    with io.open(os.path.join(FIXTURES, 'manifest.%s.json' % suffix),
                 encoding='utf-8') as handle:
        return json.load(handle)


MANIFESTS = dict((suffix, _manifest(suffix)) for suffix in ('py2', 'py3'))


def _cases(predicate=lambda name: True):
    cases = []
    for suffix in ('py2', 'py3'):
        for name in sorted(MANIFESTS[suffix]):
            if not predicate(name):
                continue
            marks = []
            if name == 'client-pool' and sys.version_info < (3, 9):
                marks.append(pytest.mark.skip(
                    reason='boto3 pools need Python 3.9+'))
            if name in SAME_PYTHON_ONLY and suffix != SUFFIX:
                marks.append(pytest.mark.skip(
                    reason="boto's config does not unpickle on the other "
                    'major version of Python'))
            cases.append(pytest.param(name, suffix, marks=marks,
                                      id='%s.%s' % (name, suffix)))
    return cases


def _resolve(path):
    module, _, name = path.rpartition('.')
    return getattr(importlib.import_module(module), name)


def read_fixture(name, suffix):
    with open(os.path.join(FIXTURES, '%s.%s.pickle' % (name, suffix)),
              'rb') as handle:
        return handle.read()


def load(name, suffix):
    """The fixture, loaded as a user would (old module paths may warn)."""
    data = read_fixture(name, suffix)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        if PY3 and suffix == 'py2' and name in NESTED_PICKLES:
            return pickle.loads(data, encoding='latin1')
        return pickle.loads(data)


# -- loading: no server -----------------------------------------------------

@pytest.mark.no_server
@pytest.mark.parametrize('name,suffix', _cases())
def test_fixture_loads_as_its_class_with_its_state(name, suffix):
    expected = MANIFESTS[suffix][name]

    loaded = load(name, suffix)

    assert type(loaded) is _resolve(expected['type'])
    facts = describe(loaded)
    if _crosses(name, suffix):
        _check_stand_ins(name, facts, expected['facts'])
    else:
        assert facts == expected['facts']


def _check_stand_ins(name, facts, expected):
    results = facts if name == 'region-results' else facts.pop('results')
    want = expected if name == 'region-results' else expected.pop('results')
    if name == 'region-results':
        assert results['results'] == want['results']
        assert results['stats'] == want['stats']
        assert sorted(results['errors']) == sorted(want['errors'])
        for key, (type_name, message) in results['errors'].items():
            assert type_name == 'UnpicklableError'
            assert want['errors'][key][1] in message
    else:
        assert results == want
        assert facts == expected


@pytest.mark.no_server
@pytest.mark.parametrize('name,suffix', _cases())
def test_no_fixture_holds_the_secret_key(name, suffix):
    data = read_fixture(name, suffix)

    assert FIXTURE_SECRET.encode('ascii') not in data
    assert FIXTURE_SECRET.encode('utf-16-le') not in data


@pytest.mark.no_server
def test_every_fixture_has_both_pythons_but_the_boto3_pool():
    assert sorted(MANIFESTS['py2']) == sorted(
        name for name in MANIFESTS['py3'] if name != 'client-pool')
    assert 'client-pool' in MANIFESTS['py3']
    from mangrove import exceptions
    errors = set(name for name in dir(exceptions)
                 if isinstance(getattr(exceptions, name), type) and
                 issubclass(getattr(exceptions, name),
                            exceptions.MangroveError) and
                 getattr(exceptions, name).__module__ == exceptions.__name__)
    # Every error class of 1.1.0 has its fixture, and still exists.
    pickled = set(name[len('error-'):] for name in MANIFESTS['py3']
                  if name.startswith('error-'))
    assert pickled <= errors


@pytest.mark.no_server
@pytest.mark.parametrize('name,suffix', _cases(
    lambda name: name == 'managed-connection'))
def test_a_loaded_connection_of_managed_credentials_cannot_sign(name,
                                                                suffix):
    from mangrove.exceptions import NotConnectedError
    conn = load(name, suffix)

    with pytest.raises(NotConnectedError) as raised:
        conn.get_all_zones()

    assert 'credentials' in str(raised.value)
    assert 'stayed behind' in str(raised.value)


# -- a loaded pool works: the suite's moto server ---------------------------

def _is_pool(name):
    return name.endswith(('-pool', '-pool-connected', '-pool-unconnected')) \
        or name == 'region-proxy'


@pytest.mark.parametrize('name,suffix', _cases(_is_pool))
def test_a_loaded_pool_connects_again_and_answers(name, suffix, moto_server,
                                                  monkeypatch):
    if name == 'client-pool':
        # boto3 finds the server and keys in the environment, as when the
        # pool was pickled.
        monkeypatch.setenv('AWS_ENDPOINT_URL', moto_server.url)
        monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'testing')
        monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'testing')
    loaded = load(name, suffix)

    if name == 'region-proxy':
        # Its pool is held weakly, and may be gone: the proxy still has
        # the connection.
        assert loaded.get_only_instances() == []
        assert loaded.connection.region.name == 'us-east-1'
        return
    if name == 'account-pool':
        results = loaded.call('get_only_instances')
        assert results.ok, results.errors
        assert sorted(set(key[0] for key in results)) == sorted(
            loaded.accounts)
        return
    if not loaded.connected:
        loaded.connect()
    method = {'client-pool': 'list_queues'}.get(
        name, 'get_all_queues' if 'mixin' in name else 'get_only_instances')
    kwargs = {'services': ['sqs']} if 'mixin' in name else {}

    results = loaded.call(method, **kwargs)

    assert results.ok, results.errors
    assert len(results) == 2
    loaded.close()
