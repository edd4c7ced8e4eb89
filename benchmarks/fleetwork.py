# -*- coding: utf-8 -*-
"""What benchmarks/fleet.py fans out, importable by name in its worker
processes (functions and the pool class travel by reference)."""
from __future__ import absolute_import

import time

from mangrove.pool import map_pools
from mangrove.pool.mixin import ServiceMixinPool
from mangrove.services import Ec2Pool, StsPool

from common import median

#: The services of every account's pool.
SERVICES = ['ec2', 'sqs', 'sns', 'elb', 'autoscale']

#: One listing call per service, by connection class.
METHODS = {'EC2Connection': 'get_all_zones', 'SQSConnection': 'get_all_queues',
           'SNSConnection': 'get_all_topics',
           'ELBConnection': 'get_all_load_balancers',
           'AutoScaleConnection': 'get_all_groups'}

#: Regions every one of the services has in boto 2.49, nearest first.
REGIONS = ['us-east-1', 'us-east-2', 'ca-central-1', 'us-west-1',
           'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
           'eu-central-1', 'sa-east-1', 'ap-northeast-1', 'ap-northeast-2',
           'ap-northeast-3', 'ap-south-1', 'ap-southeast-1',
           'ap-southeast-2']


class FleetPool(ServiceMixinPool):
    """An account's pool: the five services of the fleet."""

    services = SERVICES


def fleet_regions(count, round_trips):
    """``count`` regions of :data:`REGIONS`, the farthest always among
    them (so the network floor is the same whatever the count)."""
    chosen = sorted(REGIONS, key=lambda name: round_trips[name])
    return chosen[:count - 1] + [chosen[-1]] if count < len(chosen) \
        else chosen


def inventory(region):
    """One listing call; what a fleet inventory keeps of each item."""
    items = getattr(region, METHODS[type(region.connection).__name__])()
    return [getattr(item, 'name', None) or getattr(item, 'id', None) or
            '%s' % (item,) for item in items]


def images(region):
    """A large answer: every Amazon image of the region (parsed by boto)."""
    return len(region.get_all_images(owners=['amazon']))


def assume_roles(moto_port, count):
    """``count`` accounts' credentials, each from AssumeRole in moto."""
    sts = StsPool(connect=True, regions=['us-east-1'], is_secure=False,
                  proxy='127.0.0.1', proxy_port=moto_port,
                  aws_access_key_id='testing',
                  aws_secret_access_key='testing')
    accounts = []
    for number in range(count):
        account = '%012d' % (100000000000 + number)
        creds = sts.regions.us_east_1.assume_role(
            'arn:aws:iam::%s:role/fleet' % account, 'fleet').credentials
        accounts.append((account, creds.access_key, creds.secret_key,
                         creds.session_token))
    return accounts


def _keywords(access_key, secret_key, token, proxy_port):
    return dict(connect=True, is_secure=False, proxy='127.0.0.1',
                proxy_port=proxy_port, aws_access_key_id=access_key,
                aws_secret_access_key=secret_key, security_token=token)


def account_pools(accounts, regions, proxy_port):
    """(account, FleetPool) for each account, through the proxy."""
    return [(account, FleetPool(regions=regions, **_keywords(
        access_key, secret_key, token, proxy_port)))
        for account, access_key, secret_key, token in accounts]


def image_pools(accounts, regions, proxy_port):
    return [(account, Ec2Pool(regions=regions, **_keywords(
        access_key, secret_key, token, proxy_port)))
        for account, access_key, secret_key, token in accounts]


def warm(pools, func=inventory):
    """Every call once: moto makes each account-region's defaults, the
    proxy learns each answer, the connections open."""
    map_pools(pools, func).raise_for_errors()


def slowest_chain(pools, latency, rounds=5):
    """The network floor: the slowest region's one call, measured alone."""
    slowest = max(latency, key=latency.get)
    region = pools[0][1].ec2.regions[slowest]
    times = []
    for _ in range(rounds):
        start = time.time()
        region.get_all_zones()
        times.append(time.time() - start)
    return median(times)
