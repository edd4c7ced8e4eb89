# -*- coding: utf-8 -*-
"""Slips a user makes at a console get one error that says what to do."""
from __future__ import absolute_import

import copy
import pickle
import traceback

import pytest

from mangrove import (
    MangroveError, PoolAttributeError, RegionAttributeError,
    RegionNotInPoolError)
from mangrove.services import Ec2Pool, SqsPool


def test_a_boto_method_read_off_a_pool_says_to_use_call_or_a_region():
    ec2 = Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'],
                  default_region='eu-west-1')

    with pytest.raises(PoolAttributeError) as info:
        ec2.get_all_instances()

    error = info.value
    assert isinstance(error, AttributeError)
    assert isinstance(error, MangroveError)
    text = str(error)
    assert "pool.call('get_all_instances', ...)" in text
    assert 'pool.regions.eu_west_1.get_all_instances(...)' in text
    assert 'EC2Connection' in text
    assert error.value == 'get_all_instances'
    # What the hint suggests works against the server.
    assert ec2.call('get_all_instances').ok
    assert ec2.regions.eu_west_1.get_all_instances() == []


def test_an_attribute_that_is_no_boto_method_stays_a_plain_attribute_error():
    sqs = SqsPool(regions=['us-east-1'])

    with pytest.raises(AttributeError) as info:
        sqs.no_such_thing
    assert not isinstance(info.value, MangroveError)
    assert "'SqsPool' object has no attribute 'no_such_thing'" in \
        str(info.value)
    assert not hasattr(sqs, 'get_all_instances')   # SQS has no such method
    assert hasattr(sqs, 'get_all_queues') is False
    assert getattr(sqs, 'get_all_queues', 'absent') == 'absent'


def test_pools_with_the_hint_still_copy_and_pickle():
    sqs = SqsPool(connect=True, regions=['us-east-1'])

    for twin in (copy.copy(sqs), pickle.loads(pickle.dumps(sqs))):
        assert twin.call('get_all_queues').ok
        with pytest.raises(PoolAttributeError):
            twin.get_all_queues


@pytest.mark.parametrize('spelling', ['us-east-9', 'us_east_9'])
def test_a_missing_region_is_one_error_not_two_chained(spelling):
    ec2 = Ec2Pool(connect=True, regions=['us-east-1'])

    for read in (lambda: ec2.regions[spelling],
                 lambda: getattr(ec2.regions, spelling.replace('-', '_'))):
        with pytest.raises(RegionNotInPoolError) as info:
            read()
        error = info.value
        assert getattr(error, '__cause__', None) is None
        assert getattr(error, '__suppress_context__', True) or \
            error.__context__ is None
        shown = ''.join(traceback.format_exception(
            type(error), error, info.tb))
        assert 'During handling of the above exception' not in shown
        assert 'The above exception was the direct cause' not in shown
        assert "did you mean 'us-east-1'?" in str(error)
    with pytest.raises(RegionAttributeError):
        ec2.regions.us_east_9
