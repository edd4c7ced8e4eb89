# -*- coding: utf-8 -*-
"""
mangrove: connection pools for classic boto.

One object holds a boto connection per AWS region for a service
(:class:`ServicePool`, with a ready-made subclass per service in
:mod:`mangrove.services`), another several services at once
(:class:`ServiceMixinPool`)::

    >>> from mangrove.services import Ec2Pool
    >>> ec2_pool = Ec2Pool(connect=True)
    >>> ec2_pool.regions['us_west_1'].get_all_instances()
    >>> ec2_pool.call('get_all_instances')      # every region at once

Importing mangrove first also repairs boto 2.49 on the Pythons released
after it (see :mod:`mangrove.boto_repairs`).
"""
from __future__ import absolute_import

import logging

from mangrove import boto_repairs

# A library stays quiet unless its user configures logging: without a
# handler, Python would print mangrove's warnings and errors to stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())

boto_repairs.install()

# Old module paths (mangrove.servicepool, ...) keep working for a release.
from mangrove._compat import install_moved_modules  # noqa: E402
install_moved_modules()

from mangrove.accounts.pool import AccountPool  # noqa: E402
from mangrove.exceptions import (  # noqa: E402
    AccountAttributeError, AssumeRoleError, Boto3UnavailableError,
    FanOutCancelledError, FanOutError, FanOutTimeoutError,
    InvalidArgumentError,
    InvalidArgumentTypeError, InvalidDeclarationError, InvalidServiceError,
    MangroveError, NoDefaultRegionError, NotConnectedError,
    PoolAttributeError, RegionAttributeError, RegionNotEnabledError,
    OrganizationsError, RegionNotInPoolError,
    ServiceAttributeError, UnknownAccountError, UnknownMethodError,
    UnknownRegionError, UnpicklableError, UnpicklableFunctionError)
from mangrove.fanout.engine import RegionResults  # noqa: E402
from mangrove.pool import ServiceMixinPool, ServicePool  # noqa: E402
from mangrove.pool.groups import RegionGroup, RegionGroups  # noqa: E402
from mangrove.pool.mapping import RegionMapping  # noqa: E402
from mangrove.pool.proxy import RegionProxy  # noqa: E402

__version__ = '1.1.0'

__all__ = [
    # The pools, and what they hand out.
    'ServicePool', 'ServiceMixinPool', 'RegionMapping', 'RegionProxy',
    'RegionResults', 'RegionGroups', 'RegionGroup', 'AccountPool',
    # Every error.
    'MangroveError', 'InvalidArgumentError', 'InvalidArgumentTypeError',
    'InvalidServiceError', 'UnknownRegionError', 'UnknownMethodError',
    'InvalidDeclarationError', 'RegionNotInPoolError', 'RegionAttributeError',
    'PoolAttributeError', 'NoDefaultRegionError',
    'NotConnectedError', 'RegionNotEnabledError', 'FanOutError',
    'FanOutTimeoutError', 'FanOutCancelledError', 'UnpicklableError',
    'UnpicklableFunctionError',
    'ServiceAttributeError', 'Boto3UnavailableError',
    'UnknownAccountError', 'AccountAttributeError', 'AssumeRoleError',
    'OrganizationsError',
    '__version__',
]
