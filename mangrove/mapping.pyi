# Type information for mangrove.mapping, a path of 1.1: the module moved to
# mangrove.pool.mapping in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.mapping import (
    RegionIndex as RegionIndex, RegionMapping as RegionMapping)
