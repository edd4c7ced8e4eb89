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
from mangrove._compat import (  # noqa: E402
    install_moved_modules, lazy_names)
install_moved_modules()

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


# The pools and what they hand out load on first use (PEP 562): importing
# mangrove, as boto's start-up hook does for every program that imports
# boto, loads the errors and the repairs alone. Python 2.7 and 3.6 have no
# module __getattr__: there they load now.
_LAZY = {
    'AccountPool': 'mangrove.accounts.pool',
    'RegionResults': 'mangrove.fanout.results',
    'ServiceMixinPool': 'mangrove.pool.mixin',
    'ServicePool': 'mangrove.pool.service',
    'RegionGroup': 'mangrove.pool.groups',
    'RegionGroups': 'mangrove.pool.groups',
    'RegionMapping': 'mangrove.pool.mapping',
    'RegionProxy': 'mangrove.pool.proxy',
}

__getattr__, __dir__ = lazy_names(globals(), _LAZY)
