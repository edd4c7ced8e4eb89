# -*- coding: utf-8 -*-
"""What the fan-out reliability tests run in other processes.

A spawned worker unpickles functions by module and name, so they live here,
in a module importable from ``tests/``. Each returns mangrove's own objects
(results, errors), which is what the tests check crossing the boundary.
"""
from __future__ import absolute_import

import threading

from mangrove.services import Ec2Pool

#: The regions of the pool the workers fan out over.
REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']

#: An instance id no region has: asking for it is an error AWS answers.
MISSING_INSTANCE = 'i-0123456789abcdef0'


class NeedsTwoArguments(Exception):
    """Pickles (its args are its message) but cannot be rebuilt from them."""

    def __init__(self, region, detail):
        super(NeedsTwoArguments, self).__init__('%s: %s' % (region, detail))
        self.region = region


class HoldsALock(Exception):
    """Cannot be pickled at all: it holds a lock."""

    def __init__(self, message):
        super(HoldsALock, self).__init__(message)
        self.lock = threading.Lock()


def mixed_outcomes(region):
    """One region's answer, AWS's error, or an error that cannot travel."""
    if region.region_key == 'eu_west_1':
        return region.get_all_instances(instance_ids=[MISSING_INSTANCE])
    if region.region_key == 'ap_southeast_2':
        raise NeedsTwoArguments(region.region_key, 'rebuilt wrongly')
    return [g.name for g in region.get_all_security_groups()]


def fan_out_in_worker(pool):
    """The results of a fan-out with one success and two kinds of failure."""
    return pool.map(mixed_outcomes)


def raise_for_errors_in_worker(pool):
    """A fan-out whose failures are raised as a FanOutError."""
    pool.map(mixed_outcomes).raise_for_errors()


def connected_pool(**kwargs):
    return Ec2Pool(connect=True, regions=REGIONS, **kwargs)
