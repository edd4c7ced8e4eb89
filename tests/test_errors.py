# -*- coding: utf-8 -*-
"""Every bad input, one case each: the exception class, the builtin it also
is, and a message that names the bad value and what would be valid.

Then every mutating call that fails leaves its pool exactly as it was.

boto is imported inside the tests: tests/conftest.py must point boto at the
moto server before boto is first imported.
"""
from __future__ import absolute_import

import pytest


# -- building blocks for the cases (imports are lazy: see the module doc) -----

def service_pool(**attributes):
    from mangrove import ServicePool
    return type('BadPool', (ServicePool,), attributes)


def mixin_pool(**attributes):
    from mangrove import ServiceMixinPool
    return type('BadMixinPool', (ServiceMixinPool,), attributes)


def helper(name):
    import mangrove.services
    return getattr(mangrove.services, name)


def sqs_pool(connect=True, **kwargs):
    kwargs.setdefault('regions', ['us-east-1', 'eu-west-1'])
    return helper('SqsPool')(connect=connect, **kwargs)


def two_service_mixin(connect=False):
    return mixin_pool(services={
        'sqs': {'regions': ['us-east-1', 'eu-west-1'],
                'default_region': 'us-east-1'},
        'sns': {'regions': ['eu-west-1']},
    })(connect=connect)


def none_connecting_pool():
    class NoneSqsPool(helper('SqsPool')):
        def _connect_module_to_region(self, region_name):
            return None
    return NoneSqsPool(regions=['eu-west-1'])


# (id, make the bad call, exception name, builtin, text the message names)
CASES = [
    # unknown service, with a did-you-mean
    ('service-unknown', lambda: service_pool(service='ec3')(),
     'InvalidServiceError', ValueError, ['BadPool', "'ec3'", "'ec2'", 'sqs']),
    ('service-unknown-in-dict',
     lambda: service_pool(service={'sqss': {'regions': ['us-east-1']}})(),
     'InvalidServiceError', ValueError, ['BadPool', "'sqss'", "'sqs'"]),
    ('service-unknown-with-one-hook-only',
     lambda: service_pool(service='myqueues',
                          _get_module_regions=lambda self: ['us-east-1'])(),
     'InvalidServiceError', ValueError, ['BadPool', "'myqueues'", 'sqs']),
    ('mixin-service-unknown',
     lambda: mixin_pool(services={'ec3': {}, 's3': {}})(),
     'InvalidServiceError', ValueError, ['BadMixinPool', "'ec3'", "'ec2'"]),
    ('add-service-unknown', lambda: two_service_mixin().add_service('kinesys'),
     'InvalidServiceError', ValueError, ["'kinesys'", "'kinesis'"]),
    ('add-service-not-a-string', lambda: two_service_mixin().add_service(5),
     'InvalidArgumentTypeError', TypeError, ['5', "'ec2'"]),
    ('mixin-map-service-not-in-pool',
     lambda: two_service_mixin(True).map(len, services=['ec2']),
     'InvalidServiceError', ValueError, ["'ec2'", 'sqs', 'sns']),
    # unknown region, with a did-you-mean
    ('region-unknown', lambda: helper('Ec2Pool')(regions=['us-est-1']),
     'UnknownRegionError', ValueError,
     ['Ec2Pool', 'ec2', "'us-est-1'", "'us-east-1'", 'eu-west-1']),
    ('region-unknown-in-declaration',
     lambda: service_pool(service={'sqs': {'regions': ['eu-wset-1']}})(),
     'UnknownRegionError', ValueError,
     ['BadPool', 'sqs', "'eu-wset-1'", "'eu-west-1'"]),
    ('region-unknown-in-mixin-declaration',
     lambda: mixin_pool(services={'sns': {'regions': ['ap-sout-1']}})(),
     'UnknownRegionError', ValueError,
     ['BadMixinPool', 'sns', "'ap-sout-1'", "'ap-south-1'"]),
    ('region-unknown-global-service',
     lambda: helper('IamPool')(regions=['universl']),
     'UnknownRegionError', ValueError, ['iam', "'universl'", "'universal'"]),
    ('region-not-a-region-name',
     lambda: helper('Ec2Pool')(regions=['us east 1!']),
     'InvalidArgumentError', ValueError, ["'us east 1!'", "'us-east-1'"]),
    ('connect-hook-returns-none', lambda: none_connecting_pool().connect(),
     'UnknownRegionError', ValueError, ['NoneSqsPool', "'eu-west-1'"]),
    # regions of the wrong type
    ('regions-int', lambda: helper('Ec2Pool')(regions=5),
     'InvalidArgumentTypeError', TypeError, ['int 5', 'list of region names']),
    ('regions-bare-string', lambda: helper('Ec2Pool')(regions='us-east-1'),
     'InvalidArgumentTypeError', TypeError,
     ["'us-east-1'", "['us-east-1']", 'list of region names']),
    ('regions-list-with-int',
     lambda: helper('Ec2Pool')(regions=['us-east-1', 7]),
     'InvalidArgumentTypeError', TypeError, ['int 7', "'us-east-1'"]),
    ('regions-dict', lambda: helper('Ec2Pool')(regions={'us-east-1': 1}),
     'InvalidArgumentTypeError', TypeError, ['dict', 'list of region names']),
    ('mixin-regions-bare-string',
     lambda: mixin_pool(services={'sqs': {}})(regions='eu-west-1'),
     'InvalidArgumentTypeError', TypeError, ["'eu-west-1'", "['eu-west-1']"]),
    ('map-regions-bare-string',
     lambda: sqs_pool().map(len, regions='us-east-1'),
     'InvalidArgumentTypeError', TypeError, ["'us-east-1'", 'list']),
    # the default region
    ('default-outside-regions',
     lambda: helper('Ec2Pool')(regions=['us-east-1'],
                               default_region='eu-west-1'),
     'InvalidArgumentError', ValueError,
     ['Ec2Pool', "'eu-west-1'", 'us-east-1']),
    ('default-outside-declared-regions',
     lambda: service_pool(service={'s3': {
         'regions': ['us-east-1', 'eu-west-1'],
         'default_region': 'us-west-1'}})(),
     'InvalidArgumentError', ValueError,
     ['BadPool', 'S3', "'us-west-1'", 'us-east-1, eu-west-1']),
    ('default-outside-mixin-regions',
     lambda: mixin_pool(services={'ec2': {'default_region': 'eu-west-1'}})(
         regions=['us-east-1']),
     'InvalidArgumentError', ValueError,
     ['BadMixinPool', "'ec2'", "'eu-west-1'", 'us-east-1']),
    ('default-not-a-string', lambda: helper('Ec2Pool')(default_region=1),
     'InvalidArgumentTypeError', TypeError, ['int 1', "'us-east-1'"]),
    ('add-service-default-outside',
     lambda: two_service_mixin().add_service(
         'kinesis', regions=['us-east-1'], default_region='eu-west-1'),
     'InvalidArgumentError', ValueError,
     ['BadMixinPool', "'kinesis'", "'eu-west-1'", 'us-east-1']),
    # declarations of the wrong shape
    ('service-dict-two-keys',
     lambda: service_pool(service={'ec2': {}, 's3': {}})(),
     'InvalidDeclarationError', ValueError,
     ['BadPool.service', "'ec2'", "'s3'", 'exactly one']),
    ('service-options-not-a-dict',
     lambda: service_pool(service={'ec2': ['us-east-1']})(),
     'InvalidDeclarationError', ValueError,
     ['BadPool', "'ec2'", "['us-east-1']", 'regions, default_region']),
    ('service-option-unknown',
     lambda: service_pool(service={'ec2': {'region': ['us-east-1']}})(),
     'InvalidDeclarationError', ValueError,
     ['BadPool', "'ec2'", "'region'", 'regions, default_region']),
    ('service-option-regions-bare-string',
     lambda: service_pool(service={'ec2': {'regions': 'us-east-1'}})(),
     'InvalidDeclarationError', ValueError,
     ['BadPool', "'ec2'", "'us-east-1'", "['us-east-1']"]),
    ('service-name-not-a-string', lambda: service_pool(service=5)(),
     'InvalidDeclarationError', ValueError, ['BadPool', '5', "'ec2'"]),
    ('service-name-empty', lambda: service_pool(service={'': {}})(),
     'InvalidDeclarationError', ValueError, ['BadPool', "''", "'ec2'"]),
    ('services-not-a-dict', lambda: mixin_pool(services='ec2')(),
     'InvalidDeclarationError', ValueError,
     ['BadMixinPool.services', "'ec2'", 'dict']),
    ('services-empty', lambda: mixin_pool(services={})(),
     'InvalidDeclarationError', ValueError,
     ['BadMixinPool.services', '{}', 'non-empty dict']),
    ('services-option-unknown',
     lambda: mixin_pool(services={'sqs': {'regoins': []}})(),
     'InvalidDeclarationError', ValueError,
     ['BadMixinPool', "'sqs'", "'regoins'", 'regions']),
    ('services-options-not-a-dict',
     lambda: mixin_pool(services={'sqs': 'us-east-1'})(),
     'InvalidDeclarationError', ValueError,
     ['BadMixinPool', "'sqs'", "'us-east-1'", 'dict']),
    # a missing service
    ('service-missing', lambda: helper('Ec2Pool').__mro__[1](),
     'InvalidDeclarationError', ValueError,
     ['ServicePool', 'no service', "service = 'ec2'"]),
    ('service-missing-subclass', lambda: service_pool()(),
     'InvalidDeclarationError', ValueError, ['BadPool', 'no service']),
    ('services-missing', lambda: mixin_pool()(),
     'InvalidDeclarationError', ValueError, ['BadMixinPool.services', 'None']),
    # a region missing from the mapping
    ('lookup-region-not-in-pool', lambda: sqs_pool().regions['us-west-2'],
     'RegionNotInPoolError', KeyError,
     ['SqsPool', "'us-west-2'", 'us_east_1, eu_west_1']),
    ('lookup-region-typo', lambda: sqs_pool().regions['us-est-1'],
     'RegionNotInPoolError', KeyError, ["'us-est-1'", "'us-east-1'"]),
    ('lookup-attribute-not-in-pool', lambda: sqs_pool().regions.ap_south_1,
     'RegionAttributeError', AttributeError,
     ["'ap_south_1'", 'us_east_1, eu_west_1']),
    ('remove-region-not-in-pool',
     lambda: sqs_pool().remove_region('us-west-2'),
     'RegionNotInPoolError', KeyError, ["'us-west-2'", 'us_east_1']),
    ('map-region-not-in-pool',
     lambda: sqs_pool().map(len, regions=['sa-east-1']),
     'RegionNotInPoolError', KeyError, ["'sa-east-1'", 'us_east_1']),
    ('remove-default-region',
     lambda: sqs_pool(default_region='eu-west-1').remove_region('eu_west_1'),
     'InvalidArgumentError', ValueError, ["'eu-west-1'", 'default_region']),
    # used before connect()
    ('lookup-before-connect', lambda: sqs_pool(False).regions['us-east-1'],
     'NotConnectedError', RuntimeError, ['SqsPool', '.connect()']),
    ('attribute-before-connect', lambda: sqs_pool(False).regions.us_east_1,
     'NotConnectedError', RuntimeError, ['.connect()', 'connect=True']),
    ('call-before-connect', lambda: sqs_pool(False).call('get_all_queues'),
     'NotConnectedError', RuntimeError, ['.connect()']),
    # regions.default with no default
    ('default-region-unset', lambda: sqs_pool().regions.default,
     'NoDefaultRegionError', LookupError,
     ['SqsPool', 'no default region', "default_region='us-east-1'"]),
    # other constructor arguments
    ('connect-flag-string', lambda: helper('Ec2Pool')(connect='yes'),
     'InvalidArgumentTypeError', TypeError, ["'yes'", 'True or False']),
    ('connect-flag-int', lambda: helper('Ec2Pool')(connect=1),
     'InvalidArgumentTypeError', TypeError, ['int 1', 'True or False']),
    ('mixin-connect-flag', lambda: mixin_pool(services={'sqs': {}})(
        connect='no'), 'InvalidArgumentTypeError', TypeError,
     ["'no'", 'True or False']),
    ('add-service-connect-flag',
     lambda: two_service_mixin().add_service('sts', connect='yes'),
     'InvalidArgumentTypeError', TypeError, ["'yes'", 'True or False']),
    ('partition-unknown', lambda: helper('Ec2Pool')(partition='aws-mars'),
     'InvalidArgumentError', ValueError,
     ["'aws-mars'", 'aws, aws-cn, aws-us-gov']),
    ('partition-unknown-in-declaration',
     lambda: service_pool(service={'sqs': {'partition': 'aws-moon'}})(),
     'InvalidDeclarationError', ValueError,
     ['BadPool', "'sqs'", "'aws-moon'", 'aws-us-gov']),
    ('endpoint-url-not-http', lambda: helper('SqsPool')(
        endpoint_url='ftp://127.0.0.1:21'), 'InvalidArgumentError', ValueError,
     ["'ftp://127.0.0.1:21'", "'http://127.0.0.1:4566'"]),
    ('endpoint-url-no-host', lambda: helper('SqsPool')(endpoint_url='http://'),
     'InvalidArgumentError', ValueError, ["'http://'", 'http(s) URL']),
    ('endpoint-url-not-a-string', lambda: helper('SqsPool')(endpoint_url=4566),
     'InvalidArgumentTypeError', TypeError, ['int 4566', 'URL string']),
    ('access-key-not-a-string',
     lambda: helper('SqsPool')(aws_access_key_id=12345),
     'InvalidArgumentTypeError', TypeError, ['aws_access_key_id', 'int']),
    ('call-method-not-a-string', lambda: sqs_pool().call(len),
     'InvalidArgumentTypeError', TypeError,
     ['method_name', "'get_all_instances'"]),
    ('map-func-not-callable', lambda: sqs_pool().map('get_all_queues'),
     'InvalidArgumentTypeError', TypeError, ["'get_all_queues'", 'callable']),
    ('add-region-not-a-string', lambda: sqs_pool().add_region(['us-west-2']),
     'InvalidArgumentTypeError', TypeError, ["['us-west-2']", "'us-east-1'"]),
]


def exception_class(name):
    import mangrove.exceptions
    import mangrove.pool.mapping
    return getattr(mangrove.exceptions, name, None) or \
        getattr(mangrove.pool.mapping, name)


@pytest.mark.parametrize('make_call,name,builtin,names', [
    pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_input(make_call, name, builtin, names):
    from mangrove.exceptions import MangroveError

    expected = exception_class(name)
    with pytest.raises(expected) as raised:
        make_call()

    error = raised.value
    assert type(error) is expected
    assert isinstance(error, MangroveError)
    assert isinstance(error, builtin)
    message = str(error)
    for text in names:
        assert text in message, 'missing %r in %r' % (text, message)


def test_every_case_has_its_own_id():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))


def test_the_error_classes_are_the_builtins_callers_catch():
    from mangrove import exceptions
    from mangrove.pool.mapping import RegionAttributeError

    assert issubclass(exceptions.RegionNotInPoolError, KeyError)
    assert issubclass(RegionAttributeError, exceptions.RegionNotInPoolError)
    assert issubclass(RegionAttributeError, AttributeError)
    for name in ('InvalidServiceError', 'UnknownRegionError',
                 'InvalidDeclarationError', 'InvalidArgumentError'):
        assert issubclass(getattr(exceptions, name), ValueError)
    assert issubclass(exceptions.InvalidArgumentTypeError, TypeError)
    assert issubclass(exceptions.NotConnectedError, RuntimeError)
    assert not issubclass(exceptions.NoDefaultRegionError, AttributeError)
    for name in ('InvalidServiceError', 'UnknownRegionError',
                 'RegionNotInPoolError', 'NoDefaultRegionError',
                 'InvalidDeclarationError', 'InvalidArgumentError',
                 'InvalidArgumentTypeError', 'NotConnectedError',
                 'FanOutError', 'FanOutTimeoutError'):
        assert issubclass(getattr(exceptions, name), exceptions.MangroveError)


def test_key_error_message_is_not_quoted():
    from mangrove.exceptions import RegionNotInPoolError

    with pytest.raises(KeyError) as raised:
        sqs_pool().regions['us-west-2']
    assert isinstance(raised.value, RegionNotInPoolError)
    assert str(raised.value).startswith('SqsPool SQS has no region')


def test_missing_region_attribute_works_with_getattr_and_hasattr():
    pool = sqs_pool()

    assert getattr(pool.regions, 'ap_south_1', None) is None
    assert not hasattr(pool.regions, 'ap_south_1')
    assert hasattr(pool.regions, 'us_east_1')


def test_regions_default_unset_is_not_an_attribute_error_on_none():
    pool = sqs_pool()
    with pytest.raises(Exception) as raised:
        pool.regions.default.get_all_queues()
    assert not isinstance(raised.value, AttributeError)
    assert 'NoneType' not in str(raised.value)


def test_secrets_never_appear_in_messages():
    from mangrove.exceptions import InvalidArgumentTypeError

    for keyword in ('aws_secret_access_key', 'security_token'):
        with pytest.raises(InvalidArgumentTypeError) as raised:
            helper('SqsPool')(**{keyword: 987654321})
        assert keyword in str(raised.value)
        assert '987654321' not in str(raised.value)


# -- a failed mutation leaves the pool as it was ------------------------------

def snapshot(pool):
    """What a failed call must not change, connections included."""
    return {
        'keys': list(pool.regions),
        'default': pool.default_region,
        'connected': pool.connected,
        'proxies': [id(pool.region_proxy(key)) for key in pool.regions],
        'states': [pool.region_proxy(key).state for key in pool.regions],
        'connections': [id(pool.region_proxy(key).connection)
                        if pool.region_proxy(key).state == 'built' else None
                        for key in pool.regions],
    }


BAD_REGIONS = [
    ('unknown', 'us-est-1', 'UnknownRegionError'),
    ('malformed', 'not a region', 'InvalidArgumentError'),
    ('not-a-string', 42, 'InvalidArgumentTypeError'),
    ('other-partition-name', 'cn-nrth-1', 'UnknownRegionError'),
]


@pytest.mark.parametrize('connect', [True, False], ids=['connected',
                                                        'unconnected'])
@pytest.mark.parametrize('bad,name', [pytest.param(bad, name, id=case)
                                      for case, bad, name in BAD_REGIONS])
def test_failed_add_region_leaves_the_pool_as_it_was(connect, bad, name):
    pool = sqs_pool(connect=connect, default_region='eu-west-1')
    before = snapshot(pool)

    with pytest.raises(exception_class(name)):
        pool.add_region(bad)

    assert snapshot(pool) == before
    assert bad not in pool.regions


def test_add_region_whose_connection_fails_leaves_the_pool_as_it_was():
    class FailingSqsPool(helper('SqsPool')):
        def _connect_module_to_region(self, region_name):
            if region_name == 'us-west-2':
                raise RuntimeError('us-west-2 is down')
            return super(FailingSqsPool, self)._connect_module_to_region(
                region_name)

    pool = FailingSqsPool(connect=True, regions=['us-east-1'])
    before = snapshot(pool)

    with pytest.raises(RuntimeError) as raised:
        pool.add_region('us-west-2')

    assert 'us-west-2 is down' in str(raised.value)
    assert snapshot(pool) == before
    assert 'us-west-2' not in pool.regions
    # The pool still works, and the region can be tried again.
    assert pool.regions.us_east_1.get_all_queues() == []


def test_add_region_whose_hook_returns_none_leaves_the_pool_as_it_was():
    class PartialSqsPool(helper('SqsPool')):
        def _connect_module_to_region(self, region_name):
            if region_name == 'us-west-2':
                return None
            return super(PartialSqsPool, self)._connect_module_to_region(
                region_name)

    from mangrove.exceptions import UnknownRegionError
    pool = PartialSqsPool(connect=True, regions=['us-east-1'])
    before = snapshot(pool)

    with pytest.raises(UnknownRegionError) as raised:
        pool.add_region('us-west-2')

    assert "'us-west-2'" in str(raised.value)
    assert snapshot(pool) == before


def test_failed_connect_leaves_the_pool_unconnected():
    from mangrove.exceptions import NotConnectedError

    class FailingSqsPool(helper('SqsPool')):
        def _connect_module_to_region(self, region_name):
            if region_name == 'eu-west-1':
                raise RuntimeError('eu-west-1 is down')
            return super(FailingSqsPool, self)._connect_module_to_region(
                region_name)

    pool = FailingSqsPool(regions=['us-east-1', 'eu-west-1'])
    before = snapshot(pool)

    with pytest.raises(RuntimeError):
        pool.connect()

    assert snapshot(pool) == before
    with pytest.raises(NotConnectedError):
        pool.regions.us_east_1


BAD_DEFAULTS = [
    ('not-in-pool', 'us-west-2', 'RegionNotInPoolError'),
    ('typo', 'eu-wset-1', 'RegionNotInPoolError'),
    ('malformed', 'eu west 1', 'InvalidArgumentError'),
    ('not-a-string', 3, 'InvalidArgumentTypeError'),
]


@pytest.mark.parametrize('default', ['eu-west-1', None], ids=['set', 'unset'])
@pytest.mark.parametrize('bad,name', [pytest.param(bad, name, id=case)
                                      for case, bad, name in BAD_DEFAULTS])
def test_failed_default_region_setter_leaves_the_pool_as_it_was(default, bad,
                                                                name):
    pool = sqs_pool(default_region=default)
    before = snapshot(pool)

    with pytest.raises(exception_class(name)):
        pool.default_region = bad

    assert snapshot(pool) == before
    assert pool.default_region == default


def mixin_snapshot(mixin):
    return {
        'services': list(mixin.services),
        'pools': [id(pool) for pool in mixin.services.values()],
        'attributes': sorted(name for name in vars(mixin)
                             if not name.startswith('_')),
        'members': [snapshot(pool) for pool in mixin.services.values()],
    }


BAD_SERVICES = [
    ('unknown', dict(name='ec3'), 'InvalidServiceError'),
    ('not-a-string', dict(name=None), 'InvalidArgumentTypeError'),
    ('unknown-region', dict(name='kinesis', regions=['us-est-1']),
     'UnknownRegionError'),
    ('regions-bare-string', dict(name='kinesis', regions='us-east-1'),
     'InvalidDeclarationError'),
    ('default-outside', dict(name='kinesis', regions=['us-east-1'],
                             default_region='eu-west-1'),
     'InvalidArgumentError'),
    ('bad-partition', dict(name='kinesis', partition='aws-mars'),
     'InvalidDeclarationError'),
    ('bad-connect', dict(name='kinesis', connect='yes'),
     'InvalidArgumentTypeError'),
]


@pytest.mark.parametrize('connect', [True, False], ids=['connected',
                                                        'unconnected'])
@pytest.mark.parametrize('kwargs,name', [
    pytest.param(kwargs, name, id=case)
    for case, kwargs, name in BAD_SERVICES])
def test_failed_add_service_leaves_the_pool_as_it_was(connect, kwargs, name):
    mixin = two_service_mixin(connect=connect)
    before = mixin_snapshot(mixin)

    with pytest.raises(exception_class(name)) as raised:
        mixin.add_service(**kwargs)

    assert type(raised.value) is exception_class(name)
    assert mixin_snapshot(mixin) == before
    assert not hasattr(mixin, 'kinesis')


# -- errors carry their data -------------------------------------------------

# (id, make the bad call, expected .value, text in .valid, .suggestions)
FIELD_CASES = [
    ('service-typo', lambda: service_pool(service='ec3')(), 'ec3', 'sqs',
     'ec2'),
    ('region-typo-in-constructor',
     lambda: helper('Ec2Pool')(regions=['us-est-1']), 'us-est-1',
     'us-east-1', 'us-east-1'),
    ('region-typo-in-lookup', lambda: sqs_pool().regions['us-est-1'],
     'us-est-1', 'us_east_1', 'us-east-1'),
    ('region-typo-as-attribute', lambda: sqs_pool().regions.us_est_1,
     'us_est_1', 'eu_west_1', 'us-east-1'),
    ('partition-typo', lambda: helper('Ec2Pool')(partition='aws-gov'),
     'aws-gov', 'aws-us-gov', 'aws-us-gov'),
    ('declaration-option-typo',
     lambda: service_pool(service={'sqs': {'region': ['us-east-1']}})(),
     'region', 'regions', 'regions'),
    ('declared-region-typo',
     lambda: service_pool(service={'sqs': {'regions': ['eu-wset-1']}})(),
     'eu-wset-1', 'eu-west-1', 'eu-west-1'),
    ('mixin-service-typo',
     lambda: mixin_pool(services={'sqs': {}, 'snss': {}})(), 'snss',
     'sns', 'sns'),
    ('timeout-type', lambda: sqs_pool().map(len, timeout='5'), '5',
     'number of seconds', ()),
    ('timeout-value', lambda: sqs_pool().map(len, timeout=-1), -1,
     'positive', ()),
    ('max-workers-type', lambda: sqs_pool().map(len, max_workers=2.0), 2.0,
     'positive int', ()),
    ('region-name-type', lambda: sqs_pool().add_region(5), 5,
     "'us-east-1'", ()),
    ('endpoint-url', lambda: helper('SqsPool')(endpoint_url='ftp://x'),
     'ftp://x', 'http://127.0.0.1:4566', ()),
]


@pytest.mark.parametrize('make_call,value,valid,suggestions', [
    pytest.param(*case[1:], id=case[0]) for case in FIELD_CASES])
def test_errors_carry_the_bad_value_what_is_valid_and_suggestions(
        make_call, value, valid, suggestions):
    from mangrove.exceptions import MangroveError

    with pytest.raises(MangroveError) as raised:
        make_call()
    error = raised.value
    assert error.value == value
    assert error.valid is not None
    shown = error.valid if isinstance(error.valid, str) else \
        ', '.join(error.valid)
    assert valid in shown
    if isinstance(suggestions, tuple):
        assert error.suggestions == suggestions
    else:
        assert suggestions in error.suggestions
    # What the data says is what the message says.
    assert repr(value) in str(error) or str(value) in str(error)
    for suggestion in error.suggestions:
        assert repr(suggestion) in str(error)
    # brief is the message up to its list of valid names.
    assert str(error).startswith(error.brief)


def test_a_suggestion_is_built_one_way_everywhere():
    from mangrove.exceptions import MangroveError

    texts = []
    for make_call in (lambda: helper('Ec2Pool')(regions=['us-est-1']),
                      lambda: sqs_pool().regions['us-est-1'],
                      lambda: service_pool(service='sqss')(),
                      lambda: helper('Ec2Pool')(partition='aws-gov')):
        with pytest.raises(MangroveError) as raised:
            make_call()
        texts.append(str(raised.value))
    for text in texts:
        head, _, rest = text.partition('; did you mean ')
        assert rest, text
        hint, _, listed = rest.partition('? (')
        assert hint.startswith("'") and hint.endswith("'")
        assert listed.endswith(')')
        assert ': ' in listed


def test_errors_with_fields_pickle_and_copy_with_them():
    import copy
    import pickle

    from mangrove.exceptions import RegionAttributeError

    with pytest.raises(RegionAttributeError) as raised:
        sqs_pool().regions.us_est_1
    for clone in (pickle.loads(pickle.dumps(raised.value, protocol))
                  for protocol in range(pickle.HIGHEST_PROTOCOL + 1)):
        assert type(clone) is RegionAttributeError
        assert str(clone) == str(raised.value)
        assert (clone.value, clone.valid, clone.suggestions, clone.brief) == (
            raised.value.value, raised.value.valid,
            raised.value.suggestions, raised.value.brief)
    copied = copy.deepcopy(raised.value)
    assert 'us-east-1' in copied.suggestions


def test_region_attribute_error_lives_with_the_others():
    from mangrove import exceptions
    from mangrove.pool import mapping

    assert mapping.RegionAttributeError is exceptions.RegionAttributeError


@pytest.mark.slow
def test_lists_of_valid_names_are_capped_and_kept_whole_in_valid():
    from mangrove.exceptions import MAX_NAMES, RegionNotInPoolError

    names = ['zone-%d' % i for i in range(2000)]
    pool = helper('SqsPool')(connect=True, regions=names,
                             endpoint_url='http://127.0.0.1:1')
    with pytest.raises(RegionNotInPoolError) as raised:
        pool.regions['zone-x']
    message = str(raised.value)
    assert len(message) < 2000
    assert '(%d more)' % (2000 - MAX_NAMES) in message
    assert len(raised.value.valid) == 2000


def test_a_fan_out_timeout_is_the_same_builtin_on_every_python():
    import six

    from mangrove.exceptions import FanOutTimeoutError
    from concurrent.futures import TimeoutError as FuturesTimeoutError

    assert issubclass(FanOutTimeoutError, FuturesTimeoutError)
    assert issubclass(FanOutTimeoutError, OSError)
    if six.PY3:
        assert issubclass(FanOutTimeoutError, TimeoutError)  # noqa: F821

    import threading
    release = threading.Event()
    try:
        results = sqs_pool().map(lambda region: release.wait(30),
                                 regions=['us-east-1'], timeout=0.2)
    finally:
        release.set()
    error = results.errors['us_east_1']
    assert isinstance(error, OSError)
    assert (error.key, error.timeout) == ('us_east_1', 0.2)


def test_error_text_names_the_class_once():
    from mangrove.exceptions import MAX_TEXT, error_text

    class BotoServerError(Exception):
        pass

    assert error_text(BotoServerError('BotoServerError: 503 Unavailable')) \
        == 'BotoServerError: 503 Unavailable'
    assert error_text(ValueError('')) == 'ValueError'
    assert len(error_text(ValueError('x' * 5000))) == MAX_TEXT
