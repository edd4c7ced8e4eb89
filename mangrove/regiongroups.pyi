# Type information for mangrove.regiongroups, a path of 1.1: the module moved to
# mangrove.pool.groups in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.groups import (
    RegionGroup as RegionGroup, RegionGroups as RegionGroups)

__all__ = ['RegionGroup', 'RegionGroups']
