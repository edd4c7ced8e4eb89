# -*- coding: utf-8 -*-
"""What the pickle fixtures of ``tests/data/pickles-1.1.0`` need, shared by
``tools/make_pickle_fixtures.py`` (which wrote them) and
``tests/test_pickle_compat.py`` (which loads them):

* :class:`FixtureMixinPool`, a user's mixin pool class, importable under
  this module's name as a user's own class would be;
* :func:`describe`, the plain facts of an object that must survive a pickle
  (regions, settings, messages), read through public attributes only, so
  that the facts recorded from 1.1.0 can be compared with what today's code
  makes of its pickles.

Pickled objects refer to this module as ``pickle_classes``: keep its name
and :class:`FixtureMixinPool`'s.
"""
from __future__ import absolute_import

from mangrove.pool import ServiceMixinPool

#: Regions of the fixtures' pools.
REGIONS = ['us-east-1', 'eu-west-1']

#: The accounts of the fixtures' AccountPool.
ACCOUNTS = ['111111111111', '222222222222']

#: The secret key the fixtures were made with (boto config and caller
#: keywords): none of the pickles may hold it.
FIXTURE_SECRET = 'fixture-secret-must-never-be-pickled'


class FixtureMixinPool(ServiceMixinPool):
    """Two services, two regions."""

    services = {'ec2': {'regions': REGIONS, 'default_region': 'eu-west-1'},
                'sqs': {'regions': REGIONS}}


def _plain(value):
    """``value`` as JSON-like data (lists for tuples, text for the rest)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return dict((str(k), _plain(v)) for k, v in sorted(value.items()))
    return str(value)


def _service_pool(pool):
    return {'regions': list(pool.regions),
            'default_region': pool.default_region,
            'connected': pool.connected}


def _error(error):
    facts = {'message': str(error)}
    for name in ('value', 'valid', 'suggestions', 'brief', 'account',
                 'role_arn', 'error_code', 'status', 'python_version',
                 'type_name', 'text', 'region_name', 'key', 'timeout'):
        if getattr(error, name, None) is not None:
            facts[name] = _plain(getattr(error, name))
    results = getattr(error, 'results', None)
    if results is not None:
        facts['results'] = {'ok': [str(key) for key in results],
                            'failed': [str(key) for key in results.errors]}
    return facts


def _stats(stats):
    return {'requests': stats.requests, 'throttled': stats.throttled,
            'retries': stats.retries}


def _mixin_pool(pool):
    return {'services': sorted(pool.services),
            'pools': dict((name, _service_pool(each))
                          for name, each in pool.services.items()),
            'connected': pool.connected}


def _account_pool(fleet):
    return {'pool_class': fleet.pool_class.__name__,
            'accounts': list(fleet.accounts),
            'role': fleet.settings.role,
            'caller_keys_left_behind':
                fleet.settings.caller_keys_left_behind}


def _results(results):
    return {'results': _plain(dict(results.items())),
            'errors': dict((str(key), [type(error).__name__, str(error)])
                           for key, error in results.errors.items()),
            'tracebacks': sorted(str(key) for key in results.errors
                                 if results.format_error(key)),
            'stats': dict((str(key), _stats(stats))
                          for key, stats in results.stats.items())}


def _retry(policy):
    return {'attempts': policy.attempts, 'seconds': policy.seconds,
            'base': policy.base, 'cap': policy.cap}


def _role_settings(settings):
    return {'role': settings.role, 'session_name': settings.session_name,
            'external_id': settings.external_id,
            'duration': settings.duration,
            'refresh_margin': settings.refresh_margin,
            'sts_region': settings.sts_region,
            'caller_keys': sorted(settings.caller_kwargs),
            'caller_keys_left_behind': settings.caller_keys_left_behind,
            'pickle_credentials': settings.pickle_credentials}


def _call(call):
    facts = {'name': call.name, 'args': _plain(call.args),
             'kwargs': _plain(call.kwargs)}
    if hasattr(call, 'max_pages'):
        facts['max_pages'] = call.max_pages
    return facts


def _fan_out_stats(stats):
    return {'keys': [str(key) for key in stats],
            'each': [_stats(stats[key]) for key in stats],
            'requests': stats.requests, 'throttled': stats.throttled}


def _proxy(proxy):
    # It holds its pool weakly: a loaded proxy's pool may be gone already.
    return {'region_key': proxy.region_key, 'region_name': proxy.region_name}


def _connection(conn):
    # boto's own attributes: boto 2.49 no longer changes.
    return {'class': type(conn).__name__, 'region': str(conn.region.name),
            'signer': type(conn._auth_handler).__name__,
            'sends': type(conn.__dict__.get('_mexe')).__name__}


def _kinds():
    """``(class, facts function)`` pairs, the first that fits wins."""
    from mangrove.accounts import AccountPool
    from mangrove.accounts.assumerole import RoleSettings
    from mangrove.fanout.stats import CallStats, FanOutStats
    from mangrove.pool.calls import MethodCall
    from mangrove.pool.pagination import Pages
    from mangrove.fanout.results import RegionResults
    from mangrove.pool.service import ServicePool
    from mangrove.throttling import RetryPolicy
    return [(BaseException, _error), (ServicePool, _service_pool),
            (ServiceMixinPool, _mixin_pool), (AccountPool, _account_pool),
            (RegionResults, _results), (RetryPolicy, _retry),
            (RoleSettings, _role_settings), (Pages, _call),
            (MethodCall, _call), (FanOutStats, _fan_out_stats),
            (CallStats, _stats)]


def describe(obj):
    """The facts of ``obj`` that a pickle must carry, as plain data.

    :raises TypeError: no facts are known for ``obj``'s type.
    """
    from mangrove.pool.proxy import RegionProxy
    # A proxy passes attribute reads on to its connection (isinstance
    # included): ask it first.
    if type(obj) is RegionProxy:
        return _proxy(obj)
    for cls, facts in _kinds():
        if isinstance(obj, cls):
            return facts(obj)
    if type(obj).__name__ == 'ClientPool':
        return _service_pool(obj)
    if hasattr(obj, '_auth_handler') and hasattr(obj, 'region'):
        return _connection(obj)
    raise TypeError('no facts known for %r' % (obj,))
