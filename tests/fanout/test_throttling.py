# -*- coding: utf-8 -*-
"""
Throttling absorbed, against the moto server behind the test bed's proxy in
its throttling mode, which answers each service's real throttling error
(EC2 ``RequestLimitExceeded``, S3 ``SlowDown``, ``Throttling``,
``ThrottlingException``, HTTP 429) when an endpoint has too many requests
in flight or among its first requests.

Proved by counts, never by wall-clock time: how many answers each endpoint
got throttled, how many retries each key's stats show, how many requests
the proxy received.
"""
from __future__ import absolute_import

import threading

import pytest

from mangrove import limits, throttling
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, InvalidServiceError)
from mangrove.fanout import fan_out
from mangrove.services import (
    DynamoDb2Pool, DynamoDbPool, Ec2Pool, Route53Pool, S3Pool, SqsPool)
from mangrove.throttling import RetryPolicy, throttling_code
from workers import HANG_GUARD, REGIONS, Barrier, boto_setting

from bed.throttle import Throttle

# Quick waits: the tests count retries, they do not time them.
FAST = RetryPolicy(attempts=60, seconds=HANG_GUARD, base=0.002, cap=0.05)


@pytest.fixture(autouse=True)
def fresh_limits():
    limits.reset_endpoints()
    saved = throttling.default_retry()
    throttling.set_default_retry(FAST)
    yield
    throttling.set_default_retry(saved)
    limits.reset_endpoints()


@pytest.fixture
def via_proxy(proxy, connect_kwargs):
    connect_kwargs['proxy_port'] = proxy.port
    return connect_kwargs


def throttled_answers(proxy, region):
    return [r['throttled'] for r in proxy.records
            if r['region'] == region and r['throttled']]


def requests_to(proxy, region):
    return [r for r in proxy.records if r['region'] == region]


@pytest.mark.slow
def test_a_crowded_endpoint_is_throttled_and_every_call_still_succeeds(
        proxy, via_proxy):
    # 20 calls at once into us-east-1, which throttles beyond 3 in flight;
    # 4 into eu-west-1, which never throttles.
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=3)
    proxy.latency['us-east-1'] = 0.1
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)
    gate = Barrier(24)

    def zones(region):
        def task():
            gate.wait()
            return [zone.name for zone in
                    pool.regions[region].get_all_zones()]
        return task

    tasks = [(('hot', n), zones('us-east-1')) for n in range(20)] + \
        [(('cold', n), zones('eu-west-1')) for n in range(4)]
    results = fan_out(tasks, retry=FAST)

    assert results.ok, results.errors
    assert all(results[key] for key, _ in tasks)
    hot = throttled_answers(proxy, 'us-east-1')
    assert hot and set(hot) == set(['RequestLimitExceeded'])
    assert throttled_answers(proxy, 'eu-west-1') == []
    # Every throttled answer was retried and counted on its key.
    stats = results.stats
    assert stats.throttled == stats.retries == len(hot)
    assert sum(stats[('hot', n)].retries for n in range(20)) == len(hot)
    assert all(stats[('cold', n)].throttled == 0 and
               stats[('cold', n)].requests == 1 for n in range(4))
    assert stats.requests == len(proxy.records)
    # The throttled endpoint's limit backed off; the other's did not.
    figures = dict((e['endpoint'][2], e) for e in limits.endpoint_stats())
    assert figures['us-east-1']['limit'] < limits.DEFAULT_ENDPOINT_LIMIT
    assert figures['us-east-1']['throttled'] == len(hot)
    assert figures['eu-west-1']['limit'] == limits.DEFAULT_ENDPOINT_LIMIT
    assert figures['eu-west-1']['throttled'] == 0


@pytest.mark.slow
def test_a_spent_budget_reports_the_throttling_error_for_that_key_alone(
        proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)  # always
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)

    results = pool.map(lambda region: region.get_all_zones())

    assert results.failed == ['us_east_1']
    assert results['eu_west_1']
    error = results.errors['us_east_1']
    assert throttling_code(error) == 'RequestLimitExceeded'
    assert error.status == 503
    # The budget's attempts, no more (boto's num_retries sends none).
    assert len(requests_to(proxy, 'us-east-1')) == FAST.attempts
    assert results.stats['us_east_1'].requests == FAST.attempts
    assert results.stats['us_east_1'].retries == FAST.attempts - 1
    assert results.stats['eu_west_1'].throttled == 0


@pytest.mark.slow
def test_a_budget_of_seconds_ends_the_retries_too(proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    # Each wait is up to 10 s; none fits in a budget of 0.001 s.
    budget = RetryPolicy(attempts=100, seconds=0.001, base=10, cap=10)

    results = fan_out([('us_east_1',
                        lambda: pool.regions.us_east_1.get_all_zones())],
                      retry=budget)

    assert throttling_code(results.errors['us_east_1']) == \
        'RequestLimitExceeded'
    assert len(requests_to(proxy, 'us-east-1')) == 1
    assert results.stats['us_east_1'].retries == 0


@pytest.mark.parametrize('pool_class, method, code', [
    (Ec2Pool, 'get_all_zones', 'RequestLimitExceeded'),
    (S3Pool, 'get_all_buckets', 'SlowDown'),
    (SqsPool, 'get_all_queues', 'Throttling'),
    (DynamoDb2Pool, 'list_tables', 'ThrottlingException'),
])
def test_each_services_throttling_error_is_retried(proxy, via_proxy,
                                                   pool_class, method, code):
    proxy.throttle['us-east-1'] = Throttle(first=2)
    pool = pool_class(connect=True, regions=['us-east-1'], **via_proxy)

    results = pool.call(method)

    assert results.ok, results.errors
    assert throttled_answers(proxy, 'us-east-1') == [code, code]
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.throttled, stats.retries) == (3, 2, 2)
    assert stats.backoff >= 0


def test_http_429_is_throttling_whatever_the_code(proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(first=1, status=429)
    pool = SqsPool(connect=True, regions=['us-east-1'], **via_proxy)

    results = pool.call('get_all_queues')

    assert results.ok, results.errors
    assert throttled_answers(proxy, 'us-east-1') == [
        'TooManyRequestsException']
    assert results.stats['us_east_1'].retries == 1


def test_a_users_function_given_to_map_is_retried_per_request(
        proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(first=1)
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)

    def three_calls(region):
        return [len(region.get_all_zones()) for _ in range(3)]

    results = pool.map(three_calls)

    assert results.ok, results.errors
    assert results.stats['us_east_1'].requests == 4
    assert results.stats['us_east_1'].retries == 1
    assert results.stats['eu_west_1'].requests == 3
    assert results.stats['eu_west_1'].retries == 0


@pytest.mark.slow
def test_a_region_used_directly_is_retried_under_the_default_policy(
        proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(first=2)
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)

    assert pool.regions.us_east_1.get_all_zones()
    assert len(requests_to(proxy, 'us-east-1')) == 3

    throttling.set_default_retry(RetryPolicy(attempts=1))
    proxy.throttle['us-east-1'] = Throttle(first=1)
    with pytest.raises(Exception) as caught:
        pool.regions.us_east_1.get_all_zones()
    assert throttling_code(caught.value) == 'RequestLimitExceeded'


@pytest.mark.slow
def test_errors_that_are_not_throttling_are_never_retried(proxy, via_proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)
    proxy.clear()
    proxy.faults['us-east-1'] = '503'   # ServiceUnavailable: boto's business

    results = pool.map(lambda region: region.get_all_instances(
        instance_ids=['i-0123456789abcdef0']))

    assert results.failed == ['us_east_1', 'eu_west_1']
    assert results.errors['us_east_1'].status == 503
    assert results.errors['eu_west_1'].status == 400   # not found
    assert len(requests_to(proxy, 'us-east-1')) == 1
    assert len(requests_to(proxy, 'eu-west-1')) == 1
    assert results.stats.retries == 0 and results.stats.throttled == 0
    assert throttling_code(results.errors['eu_west_1']) is None


@pytest.mark.slow
def test_an_endpoint_limit_holds_across_concurrent_fan_outs(
        proxy, via_proxy):
    # Two fan-outs of 6 calls each into one endpoint that throttles beyond
    # 2 in flight: with a limit of 2, it never does.
    limits.set_endpoint_limit(2, service='ec2')
    throttle = Throttle(max_in_flight=2)
    proxy.throttle['us-east-1'] = throttle
    proxy.latency['us-east-1'] = 0.05
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    outcomes = []
    gate = Barrier(2)

    def caller():
        gate.wait()
        outcomes.append(fan_out(
            [(n, pool.regions.us_east_1.get_all_zones) for n in range(6)]))

    threads = [threading.Thread(target=caller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG_GUARD)

    assert len(outcomes) == 2 and all(r.ok for r in outcomes)
    assert throttled_answers(proxy, 'us-east-1') == []
    assert max(throttle.peak.values()) <= 2
    assert sum(r.stats.throttled for r in outcomes) == 0


def test_each_accounts_credentials_are_an_endpoint_of_their_own(
        proxy, via_proxy):
    limits.set_endpoint_limit(2)
    throttle = Throttle(max_in_flight=2)
    proxy.throttle['us-east-1'] = throttle
    proxy.latency['us-east-1'] = 0.05
    first = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    other = dict(via_proxy, aws_access_key_id='AKIDOTHERACCOUNT')
    second = Ec2Pool(connect=True, regions=['us-east-1'], **other)
    tasks = [((name, n), pool.regions.us_east_1.get_all_zones)
             for name, pool in (('first', first), ('second', second))
             for n in range(5)]

    results = fan_out(tasks)

    assert results.ok and throttled_answers(proxy, 'us-east-1') == []
    accounts = sorted(e['endpoint'][0] for e in limits.endpoint_stats())
    assert accounts == sorted([via_proxy['aws_access_key_id'],
                               'AKIDOTHERACCOUNT'])
    # Each account had its own two requests in flight.
    assert sorted(throttle.peak.values()) == [2, 2]


def test_the_limits_and_the_policy_check_their_input():
    with pytest.raises(InvalidArgumentError) as caught:
        limits.set_endpoint_limit(0)
    assert '0' in str(caught.value)
    with pytest.raises(InvalidArgumentTypeError):
        limits.set_endpoint_limit('8')
    with pytest.raises(InvalidServiceError):
        limits.set_endpoint_limit(8, service='ec3')
    limits.set_endpoint_limit(64, service='S3')
    assert limits.endpoint_limit('s3') == 64
    assert limits.endpoint_limit() == limits.DEFAULT_ENDPOINT_LIMIT
    with pytest.raises(InvalidArgumentError):
        RetryPolicy(attempts=0)
    with pytest.raises(InvalidArgumentTypeError):
        RetryPolicy(seconds='5')
    with pytest.raises(InvalidArgumentError):
        RetryPolicy(base=-1)
    # Past the largest float: float() raised a bare OverflowError.
    for name in ('seconds', 'base', 'cap'):
        with pytest.raises(InvalidArgumentError) as caught:
            RetryPolicy(**{name: 10 ** 400})
        assert isinstance(caught.value, ValueError)
        assert str(caught.value).startswith(name + ' must be a finite')
    with pytest.raises(InvalidArgumentTypeError) as caught:
        fan_out([('a', int)], retry=3)
    assert 'RetryPolicy' in str(caught.value)
    with pytest.raises(InvalidArgumentTypeError):
        throttling.set_default_retry(None)


def test_the_throttling_codes_are_recognised_in_every_written_form():
    assert throttling.is_throttling(400, 'Throttling')
    assert throttling.is_throttling(
        400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException')
    assert throttling.is_throttling(503, 'SlowDown')
    assert throttling.is_throttling(429, None)
    assert not throttling.is_throttling(503, 'ServiceUnavailable')
    assert not throttling.is_throttling(400, 'LimitExceededException')
    assert not throttling.is_throttling(500, None)


@pytest.mark.slow
def test_a_pools_call_and_map_take_a_retry_policy(proxy, via_proxy):
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
    pool = Ec2Pool(connect=True, regions=REGIONS, **via_proxy)

    budget = RetryPolicy(attempts=3, base=0.001)

    results = pool.call('get_all_zones', retry=budget)

    assert results.failed == ['us_east_1']
    assert results.stats['us_east_1'].requests == 3
    with pytest.raises(InvalidArgumentTypeError):
        pool.map(len, retry=5)


def test_a_mixin_pool_streams_and_retries(proxy, via_proxy):
    from workers import Ec2SqsPool
    proxy.throttle['eu-west-1'] = Throttle(first=1)
    pool = Ec2SqsPool(connect=True, **via_proxy)

    outcomes = dict((o.key, o) for o in pool.iter_map(
        lambda region: region.host, retry=FAST))

    assert sorted(outcomes) == sorted(
        (service, region.replace('-', '_'))
        for service in ('ec2', 'sqs') for region in REGIONS)
    assert all(o.error is None for o in outcomes.values())
    # Reading a host sends nothing: no request was made, none throttled.
    assert sum(o.stats.requests for o in outcomes.values()) == 0
    results = pool.call('get_all_zones', services=['ec2'], retry=FAST)
    assert results.ok and results.stats.retries == 1


def test_a_pickled_connection_is_governed_as_its_original(proxy, via_proxy):
    import pickle

    proxy.throttle['us-east-1'] = Throttle(first=1)
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    conn = pool.regions.us_east_1.connection
    for protocol in (0, pickle.HIGHEST_PROTOCOL):
        clone = pickle.loads(pickle.dumps(conn, protocol))
        assert type(clone) is type(conn)
        assert clone.get_all_zones()
    assert throttled_answers(proxy, 'us-east-1') == ['RequestLimitExceeded']
    assert len(requests_to(proxy, 'us-east-1')) == 3


# One budget: boto's own retries of a 503 throttle (num_retries of them,
# each after a sleep of boto's) are turned off on mangrove's connections,
# so the endpoint sees exactly the sends the policy allows.
@pytest.mark.parametrize('pool_class, method, code', [
    (Ec2Pool, 'get_all_zones', 'RequestLimitExceeded'),
    (S3Pool, 'get_all_buckets', 'SlowDown'),
])
@pytest.mark.parametrize('attempts', [1, 3])
def test_a_503_throttle_is_sent_no_more_often_than_the_budget_allows(
        proxy, via_proxy, pool_class, method, code, attempts):
    from boto.exception import BotoServerError
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
    pool = pool_class(connect=True, regions=['us-east-1'], **via_proxy)

    with boto_setting('num_retries', 3):
        results = pool.call(method, retry=RetryPolicy(
            attempts=attempts, base=0.001))

    sent = requests_to(proxy, 'us-east-1')
    assert len(sent) == attempts
    assert throttled_answers(proxy, 'us-east-1') == [code] * attempts
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.throttled, stats.retries) == (
        attempts, attempts, attempts - 1)
    error = results.errors['us_east_1']
    assert isinstance(error, BotoServerError)
    assert (error.status, error.error_code) == (503, code)
    assert throttling_code(error) == code


def test_other_503s_keep_boto_retries(proxy, via_proxy):
    from boto.exception import BotoServerError
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    proxy.faults['us-east-1'] = '503'   # ServiceUnavailable: boto's business

    with boto_setting('num_retries', 1):
        results = pool.call('get_all_zones', retry=RetryPolicy(attempts=3))

    assert isinstance(results.errors['us_east_1'], BotoServerError)
    assert len(requests_to(proxy, 'us-east-1')) == 2
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.throttled, stats.retries) == (2, 0, 0)


def test_retry_after_beyond_the_budget_ends_the_retries(proxy, via_proxy):
    import email.utils
    import time
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    # Waits of 0 by the policy, which would retry 10 times; each answer
    # asks for more than the budget's second, as seconds or as a date.
    budget = RetryPolicy(attempts=10, seconds=1, base=0)
    for retry_after in (5, email.utils.formatdate(time.time() + 3600,
                                                  usegmt=True)):
        proxy.clear()
        proxy.throttle['us-east-1'] = Throttle(max_in_flight=0,
                                               retry_after=retry_after)

        results = pool.call('get_all_zones', retry=budget)

        assert len(requests_to(proxy, 'us-east-1')) == 1
        stats = results.stats['us_east_1']
        assert (stats.requests, stats.retries, stats.backoff) == (1, 0, 0)
        assert throttling_code(results.errors['us_east_1']) == \
            'RequestLimitExceeded'


def test_retry_after_is_waited_within_the_budget(proxy, via_proxy):
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    proxy.throttle['us-east-1'] = Throttle(first=1, retry_after=1)

    results = pool.call('get_all_zones', retry=RetryPolicy(
        attempts=3, seconds=30, base=0))

    assert results.ok, results.errors
    assert len(requests_to(proxy, 'us-east-1')) == 2
    stats = results.stats['us_east_1']
    assert (stats.requests, stats.retries) == (2, 1)
    # The wait mangrove chose (not a measured time): the policy's 0, raised
    # to the answer's Retry-After.
    assert stats.backoff == 1.0


def test_a_429_in_json_from_an_xml_service_names_its_code(proxy, via_proxy):
    from boto.exception import EC2ResponseError
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    proxy.throttle['us-east-1'] = Throttle(first=1, status=429,
                                           code='ThrottlingException')
    assert pool.call('get_all_zones', retry=FAST).ok
    assert throttled_answers(proxy, 'us-east-1') == ['ThrottlingException']

    proxy.clear()
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0, status=429,
                                           code='ThrottlingException')
    results = pool.call('get_all_zones', retry=RetryPolicy(
        attempts=3, base=0.001))

    assert len(requests_to(proxy, 'us-east-1')) == 3
    assert results.stats['us_east_1'].retries == 2
    error = results.errors['us_east_1']
    assert type(error) is EC2ResponseError
    assert (error.status, error.error_code) == (429, 'ThrottlingException')
    assert error.message == 'Rate exceeded'
    assert throttling_code(error) == 'ThrottlingException'


@pytest.mark.parametrize('pool_class, key, method, error_class', [
    (DynamoDb2Pool, 'us_east_1', 'list_tables',
     'boto.dynamodb2.exceptions.ProvisionedThroughputExceededException'),
    (DynamoDbPool, 'us_east_1', 'list_tables',
     'boto.dynamodb.exceptions.DynamoDBThroughputExceededError'),
])
def test_a_services_own_retries_of_a_throttle_are_in_the_budget(
        proxy, via_proxy, pool_class, key, method, error_class):
    # DynamoDB's own retry handler sends ProvisionedThroughputExceeded
    # again 10 times after sleeps of its own: once mangrove's budget is
    # spent, it raises the error that handler raises when its are.
    code = 'ProvisionedThroughputExceededException'
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0, code=code)
    pool = pool_class(connect=True, regions=['us-east-1'], **via_proxy)

    results = pool.call(method, retry=RetryPolicy(attempts=2, base=0.001))

    assert throttled_answers(proxy, 'us-east-1') == [code] * 2
    assert len(requests_to(proxy, 'us-east-1')) == 2
    assert results.stats[key].requests == 2
    error = results.errors[key]
    assert '%s.%s' % (type(error).__module__, type(error).__name__) == \
        error_class
    assert (error.status, error.error_code) == (400, code)


def test_route53s_own_retries_of_a_throttle_are_in_the_budget(
        proxy, via_proxy):
    from boto.exception import BotoServerError
    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
    pool = Route53Pool(connect=True, **via_proxy)

    with boto_setting('num_retries', 3):
        results = pool.call('get_all_hosted_zones', retry=RetryPolicy(
            attempts=2, base=0.001))

    assert throttled_answers(proxy, 'us-east-1') == ['Throttling'] * 2
    error = results.errors['aws_global']
    assert isinstance(error, BotoServerError)
    assert (error.status, error.error_code) == (400, 'Throttling')


def test_a_spent_throttle_is_told_to_the_connections_request_hook(
        proxy, via_proxy):
    # As boto tells it of each request it ends with an error.
    told = []

    class Hook(object):
        def handle_request_data(self, request, response, error=False):
            told.append((request.method, response.status, error))

    proxy.throttle['us-east-1'] = Throttle(max_in_flight=0)
    pool = Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)
    pool.regions.us_east_1.connection.set_request_hook(Hook())

    results = pool.call('get_all_zones', retry=RetryPolicy(attempts=1))

    assert throttling_code(results.errors['us_east_1']) == \
        'RequestLimitExceeded'
    assert told == [('POST', 503, True)]
