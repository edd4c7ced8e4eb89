# -*- coding: utf-8 -*-
"""What the executor tests run in worker processes and on dask workers.

Workers unpickle functions by module and name, so they live here, in a
module importable from ``tests/`` (the real cluster's workers get this
directory on their ``PYTHONPATH``).
"""
from __future__ import absolute_import

import os
import threading
import time

from mangrove.pool.mixin import ServiceMixinPool

#: The regions every account's pool holds in the fleet fan-out.
REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']

#: The accounts (moto acts in an account for credentials of a role there).
ACCOUNTS = ['111111111111', '222222222222', '333333333333']

#: An instance id no region has: asking for it is an error AWS answers.
MISSING_INSTANCE = 'i-0123456789abcdef0'

#: The region of each account where the fleet task asks AWS for it.
FAILING_REGION = {'111111111111': 'eu_west_1', '222222222222': 'us_east_1',
                  '333333333333': None}

#: The region of each account whose error cannot be pickled.
UNPICKLABLE_REGION = {'333333333333': 'ap_southeast_2'}


class HoldsALock(Exception):
    """Cannot be pickled at all: it holds a lock."""

    def __init__(self, message):
        super(HoldsALock, self).__init__(message)
        self.lock = threading.Lock()


def group_name(account, region_key):
    return 'fleet-%s-%s' % (account, region_key)


def account_of(region):
    """The account a region's credentials act in, read from AWS."""
    groups = region.get_all_security_groups()
    return sorted(set(group.owner_id for group in groups))


def inventory(region):
    """One account-region's answer, AWS's error, or an error that cannot
    travel, chosen by the account that answers."""
    owners = account_of(region)
    account = owners[0]
    key = region.region_key
    if FAILING_REGION.get(account) == key:
        return region.get_all_instances(instance_ids=[MISSING_INSTANCE])
    if UNPICKLABLE_REGION.get(account) == key:
        raise HoldsALock('%s %s holds a lock' % (account, key))
    names = sorted(g.name for g in region.get_all_security_groups())
    return {'owners': owners, 'groups': names,
            'zones': sorted(z.name for z in region.get_all_zones())}


def where(region):
    """Which process answered, and which connection object it holds."""
    return os.getpid(), id(region.connection)


class WaitForFile(object):
    """``us_east_1`` answers at once; ``eu_west_1`` (in the same chunk when
    a fan-out has one or two chunks) waits until ``path`` exists, which the
    caller's ``on_result`` creates when it hears of ``us_east_1``, and
    fails after ``limit`` seconds without it."""

    def __init__(self, path, limit=60):
        self.path = path
        self.limit = limit

    def __call__(self, region):
        if region.region_key != 'eu_west_1':
            return region.region_key
        if not self.heard():
            raise RuntimeError('never heard that us_east_1 finished')
        return 'heard in time'

    def heard(self):
        """Wait until ``path`` exists, ``limit`` seconds at most; whether
        it does."""
        end = time.time() + self.limit
        while not os.path.exists(self.path):
            if time.time() > end:
                return False
            time.sleep(0.05)
        return True


class Ec2SqsPool(ServiceMixinPool):
    """A multi-service pool whose class workers can import."""

    services = ['ec2', 'sqs']


class DieAfterFile(WaitForFile):
    """The other keys answer at once; ``eu_west_1`` waits until ``path``
    exists (the caller's ``on_result`` creates it on hearing of the
    others), then kills its worker process."""

    def __call__(self, region):
        if region.region_key != 'eu_west_1':
            return region.region_key
        self.heard()
        os._exit(3)


def zones(region):
    """The region's availability zones, asked of AWS."""
    return sorted(zone.name for zone in region.get_all_zones())


class NeverFinishes(WaitForFile):
    """The other keys answer at once; ``eu_west_1`` waits ``limit``
    seconds for a file no one makes, so its worker is still at work (and
    reporting) after the caller has stopped waiting."""

    def __call__(self, region):
        if region.region_key != 'eu_west_1':
            return region.region_key
        self.heard()
        return 'late'
