# -*- coding: utf-8 -*-
"""
The fan-out API as the ported boto scripts use it, against the server:
narrowing ``call()``, result keys in either form, region names a
multi-service pool lacks, error text, a region-major view of several
services, and method names checked before anything is sent.
"""
from __future__ import absolute_import

import collections

import pytest

from mangrove.exceptions import (
    FanOutError, InvalidArgumentTypeError, NotConnectedError,
    RegionAttributeError, RegionNotInPoolError, ServiceAttributeError,
    UnknownMethodError)
from mangrove.pool import ServiceMixinPool, ServicePool
from mangrove.services import Ec2Pool, SqsPool

REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
KEYS = [name.replace('-', '_') for name in REGIONS]


def through(proxy, **kwargs):
    return dict(kwargs, is_secure=False, proxy='127.0.0.1',
                proxy_port=proxy.port, aws_access_key_id='testing',
                aws_secret_access_key='testing')


class Metrics(ServiceMixinPool):
    """ELB and CloudWatch side by side, SQS in fewer regions."""

    # Ordered on every Python (a 2.7 dict is sorted by name instead).
    services = collections.OrderedDict([
        ('elb', {'regions': REGIONS}), ('cloudwatch', {'regions': REGIONS}),
        ('sqs', {'regions': REGIONS[:2]})])


# -- 1. call() takes the fan-out options map takes ---------------------------


def test_call_is_narrowed_by_regions_like_map():
    pool = Ec2Pool(connect=True, regions=REGIONS)

    results = pool.call('get_all_reservations', regions=['us-east-1'])

    assert results.ok and list(results) == ['us_east_1']
    assert results['us_east_1'] == []


def test_call_takes_every_fan_out_option():
    pool = SqsPool(connect=True, regions=REGIONS)
    seen = []

    results = pool.call('create_queue', 'jobs', regions=REGIONS[1:],
                        max_workers=1, timeout=60,
                        on_result=lambda key, result, error: seen.append(
                            (key, result.name, error)))

    assert results.ok and list(results) == KEYS[1:]
    assert sorted(seen) == sorted((key, 'jobs', None) for key in KEYS[1:])
    assert pool.regions.us_east_1.get_queue('jobs') is None


class Clock(object):
    """A connection of a custom pool whose method takes ``timeout``."""

    def __init__(self, region_name):
        self.region_name = region_name

    def wait_for(self, name, timeout=None, regions=None):
        return (self.region_name, name, timeout, regions)


class ClockPool(ServicePool):
    service = 'clock'

    def _get_module_regions(self):
        return REGIONS

    def _connect_module_to_region(self, region_name):
        return Clock(region_name)


def test_a_keyword_named_like_an_option_reaches_the_method_by_call_kwargs():
    pool = ClockPool(connect=True)

    results = pool.call('wait_for', 'job', regions=['eu-west-1'],
                        timeout=60,
                        call_kwargs={'timeout': 5, 'regions': 'all'})

    assert dict(results) == {'eu_west_1': ('eu-west-1', 'job', 5, 'all')}


def test_call_kwargs_add_to_the_keywords_given_directly():
    pool = SqsPool(connect=True, regions=REGIONS[:1])

    results = pool.call('create_queue', 'slow',
                        call_kwargs={'visibility_timeout': 90})

    assert results.ok
    assert pool.regions.us_east_1.get_queue('slow').get_timeout() == 90


def test_call_kwargs_must_be_a_dict():
    pool = SqsPool(connect=True, regions=REGIONS[:1])
    with pytest.raises(InvalidArgumentTypeError) as raised:
        pool.call('get_all_queues', call_kwargs=[('prefix', 'x')])
    assert 'call_kwargs' in str(raised.value)


# -- 2. result keys in either form --------------------------------------------


def test_results_answer_both_forms_of_a_region():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    pool.regions.eu_west_1.create_security_group('web', 'web')

    results = pool.call('get_all_security_groups',
                        groupnames=['web'])

    assert results.failed == ['us_east_1', 'ap_southeast_2']
    assert [g.name for g in results['eu-west-1']] == ['web']
    assert results['eu-west-1'] is results['eu_west_1']
    assert 'eu-west-1' in results and 'eu_west_1' in results
    assert 'us-east-1' not in results
    assert 'us-east-1' in results.errors
    assert results.errors.get('us-east-1') is results.errors['us_east_1']
    assert 'InvalidGroup' in results.format_error('us-east-1')
    with pytest.raises(RegionNotInPoolError) as failed:
        results['us-east-1']
    assert 'it failed with EC2ResponseError' in str(failed.value)


def test_multi_service_results_answer_both_forms_of_a_region():
    pool = Metrics(connect=True)

    results = pool.map(lambda region: region.region_name)

    assert results[('sqs', 'eu-west-1')] == 'eu-west-1'
    assert ('cloudwatch', 'ap-southeast-2') in results
    assert ('sqs', 'ap-southeast-2') not in results


# -- 3. a region no service has -----------------------------------------------


def test_multi_service_fan_out_refuses_a_region_no_service_has():
    pool = Metrics(connect=True)

    with pytest.raises(RegionNotInPoolError) as raised:
        pool.map(lambda region: 1, regions=['us-east-1', 'eu-wset-1'])

    assert "'eu-wset-1'" in str(raised.value)
    assert 'eu-west-1' in raised.value.suggestions


def test_a_region_only_some_services_have_is_asked_of_those():
    pool = Metrics(connect=True)

    results = pool.map(lambda region: 1, regions=['ap-southeast-2'])

    assert sorted(results) == [('cloudwatch', 'ap_southeast_2'),
                               ('elb', 'ap_southeast_2')]


# -- 6. error text names the class once ---------------------------------------


def test_fan_out_error_names_a_boto_error_class_once(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    proxy.faults['eu-west-1'] = '503'

    results = pool.call('get_all_security_groups')

    with pytest.raises(FanOutError) as raised:
        results.raise_for_errors()
    line = [text for text in str(raised.value).splitlines()
            if 'eu_west_1' in text][0]
    assert line.count('BotoServerError') == 1, line
    assert 'eu_west_1: BotoServerError: 503' in line
    with pytest.raises(RegionNotInPoolError) as failed:
        results['eu_west_1']
    assert str(failed.value).count('BotoServerError') == 1


# -- 8. one object per region across services --------------------------------


def test_a_region_exposes_each_services_connection_for_it():
    pool = Metrics(connect=True)
    pool.sqs.regions.eu_west_1.create_queue('paired')

    group = pool.regions['eu-west-1']

    assert group.region_key == 'eu_west_1'
    assert group.region_name == 'eu-west-1'
    assert group.elb is pool.elb.regions.eu_west_1
    assert group.cloudwatch is pool.cloudwatch.regions.eu_west_1
    assert [q.name for q in group.sqs.get_all_queues()] == ['paired']
    assert list(group.services) == ['elb', 'cloudwatch', 'sqs']
    assert pool.regions.eu_west_1 == group
    assert list(pool.regions) == KEYS
    assert 'ap-southeast-2' in pool.regions
    assert repr(group) == '<RegionGroup eu_west_1: elb, cloudwatch, sqs>'


def test_a_region_says_which_service_lacks_it():
    pool = Metrics(connect=True)
    group = pool.regions.ap_southeast_2

    assert list(group.services) == ['elb', 'cloudwatch']
    with pytest.raises(RegionAttributeError) as raised:
        group.sqs
    assert 'sqs' in str(raised.value) and 'ap_southeast_2' in str(
        raised.value)
    assert not hasattr(group, 'sqs')
    with pytest.raises(ServiceAttributeError) as unknown:
        group.cloudwach
    assert unknown.value.suggestions == ('cloudwatch',)
    with pytest.raises(RegionNotInPoolError) as missing:
        pool.regions['eu-wset-1']
    assert 'eu-west-1' in missing.value.suggestions


def test_fan_out_over_regions_runs_one_task_per_region():
    pool = Metrics(connect=True)
    for key in KEYS[:2]:
        pool.sqs.regions[key].create_queue('q-' + key)

    def pair(group):
        queues = [q.name for q in group.sqs.get_all_queues()] \
            if 'sqs' in group else None
        return (group.elb.get_all_load_balancers(),
                group.cloudwatch.region_name, queues)

    results = pool.map_regions(pair)

    assert results.ok and list(results) == KEYS
    assert results['us-east-1'] == ([], 'us-east-1', ['q-us_east_1'])
    assert results['ap_southeast_2'] == ([], 'ap-southeast-2', None)
    narrowed = pool.regions.map(lambda group: group.region_name,
                                regions=['eu-west-1', 'eu_west_1'])
    assert dict(narrowed) == {'eu_west_1': 'eu-west-1'}


def test_fan_out_over_regions_before_connect_is_refused():
    with pytest.raises(NotConnectedError):
        Metrics().map_regions(lambda group: 1)


# -- 8 and 17.5: call() knows which services have the method -----------------


def test_multi_service_call_asks_only_the_services_that_have_the_method():
    pool = Metrics(connect=True)

    results = pool.call('get_all_load_balancers')

    assert results.ok
    assert list(results) == [('elb', key) for key in KEYS]


def test_multi_service_call_says_a_chosen_service_lacks_the_method():
    pool = Metrics(connect=True)

    with pytest.raises(UnknownMethodError) as raised:
        pool.call('get_all_load_balancers', services=['elb', 'sqs'])

    assert "'get_all_load_balancers'" in str(raised.value)
    assert 'sqs' in str(raised.value)


def test_a_method_no_service_has_is_refused_with_a_suggestion(proxy):
    pool = Metrics(connect=True, **through(proxy))
    before = len(proxy.records)

    with pytest.raises(UnknownMethodError) as raised:
        pool.call('get_all_load_balancer')

    assert 'get_all_load_balancers' in raised.value.suggestions
    assert len(proxy.records) == before


def test_an_unknown_method_is_refused_before_anything_is_sent(proxy):
    pool = Ec2Pool(connect=True, regions=REGIONS, **through(proxy))
    before = len(proxy.records)

    with pytest.raises(UnknownMethodError) as raised:
        pool.call('get_all_instance')

    error = raised.value
    assert isinstance(error, AttributeError) and isinstance(error, ValueError)
    assert "'get_all_instance'" in str(error)
    assert 'EC2Connection' in str(error)
    assert 'get_all_instances' in error.suggestions
    assert "did you mean 'get_all_instances'" in str(error)
    assert len(proxy.records) == before
    with pytest.raises(UnknownMethodError):
        pool.call('_make_request')


def test_call_and_map_of_a_multi_service_pool_check_their_arguments():
    pool = Metrics(connect=True)
    with pytest.raises(InvalidArgumentTypeError):
        pool.call(5)
    with pytest.raises(InvalidArgumentTypeError):
        pool.map_regions('get_all_queues')
    with pytest.raises(InvalidArgumentTypeError):
        pool.regions.map(len, regions='us-east-1')


def test_map_with_a_region_named_twice_asks_it_once():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    calls = []

    results = pool.map(lambda region: calls.append(region.region_key),
                       regions=['us-east-1', 'us_east_1', 'US-EAST-1'])

    assert results.ok and list(results) == ['us_east_1']
    assert calls == ['us_east_1']
