# Type information for mangrove.clientpool, a path of 1.1: the module moved to
# mangrove.pool.client in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.client import (
    ClientPool as ClientPool, client_pool as client_pool, pool_class as
    pool_class, service_spec as service_spec, keywords_for as keywords_for)

__all__ = ['ClientPool', 'client_pool', 'pool_class', 'service_spec',
           'keywords_for']
