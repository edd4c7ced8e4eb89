# Type information for mangrove.mixinpool, a path of 1.1: the module moved to
# mangrove.pool.mixin in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.mixin import (
    ServiceMixinPool as ServiceMixinPool)
