# Type information for mangrove.proxy, a path of 1.1: the module moved to
# mangrove.pool.proxy in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.proxy import (
    RegionNotConnectedError as RegionNotConnectedError, RegionProxy as
    RegionProxy, region_connection as region_connection)
