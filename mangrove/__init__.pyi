# Type information for mangrove (PEP 561); tests/test_typing.py checks it
# against the package.
from mangrove.accounts.pool import AccountPool as AccountPool
from mangrove.exceptions import (
    Boto3UnavailableError as Boto3UnavailableError,
    AccountAttributeError as AccountAttributeError,
    AssumeRoleError as AssumeRoleError,
    OrganizationsError as OrganizationsError,
    UnknownAccountError as UnknownAccountError,
    FanOutError as FanOutError, FanOutTimeoutError as FanOutTimeoutError,
    FanOutCancelledError as FanOutCancelledError,
    InvalidArgumentError as InvalidArgumentError,
    InvalidArgumentTypeError as InvalidArgumentTypeError,
    InvalidDeclarationError as InvalidDeclarationError,
    InvalidServiceError as InvalidServiceError,
    MangroveError as MangroveError,
    NoDefaultRegionError as NoDefaultRegionError,
    NotConnectedError as NotConnectedError,
    RegionAttributeError as RegionAttributeError,
    PoolAttributeError as PoolAttributeError,
    RegionNotEnabledError as RegionNotEnabledError,
    RegionNotInPoolError as RegionNotInPoolError,
    UnknownMethodError as UnknownMethodError,
    UnknownRegionError as UnknownRegionError,
    UnpicklableError as UnpicklableError,
    UnpicklableFunctionError as UnpicklableFunctionError,
    ServiceAttributeError as ServiceAttributeError)
from mangrove.fanout.engine import RegionResults as RegionResults
from mangrove.pool.mapping import RegionMapping as RegionMapping
from mangrove.pool import (ServiceMixinPool as ServiceMixinPool,
                           ServicePool as ServicePool)
from mangrove.pool.proxy import RegionProxy as RegionProxy
from mangrove.pool.groups import (RegionGroup as RegionGroup,
                                   RegionGroups as RegionGroups)

__version__: str

# The names of the module's __all__ (stubtest compares the two).
__all__ = [
    'ServicePool',
    'ServiceMixinPool',
    'RegionMapping',
    'RegionProxy',
    'RegionResults',
    'RegionGroups',
    'RegionGroup',
    'AccountPool',
    'MangroveError',
    'InvalidArgumentError',
    'InvalidArgumentTypeError',
    'InvalidServiceError',
    'UnknownRegionError',
    'UnknownMethodError',
    'InvalidDeclarationError',
    'RegionNotInPoolError',
    'RegionAttributeError',
    'PoolAttributeError',
    'NoDefaultRegionError',
    'NotConnectedError',
    'RegionNotEnabledError',
    'FanOutError',
    'FanOutTimeoutError',
    'FanOutCancelledError',
    'UnpicklableError',
    'UnpicklableFunctionError',
    'ServiceAttributeError',
    'Boto3UnavailableError',
    'UnknownAccountError',
    'AccountAttributeError',
    'AssumeRoleError',
    'OrganizationsError',
    '__version__',
]
