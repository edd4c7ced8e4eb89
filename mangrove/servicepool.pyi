# Type information for mangrove.servicepool, a path of 1.1: the module moved to
# mangrove.pool.service in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.service import (
    ServicePool as ServicePool, log as log)
