# Type information for mangrove.pool (PEP 561); tests/test_typing.py
# checks it against the module.
from mangrove.pool.joint import map_pools as map_pools
from mangrove.pool.mixin import ServiceMixinPool as ServiceMixinPool
from mangrove.pool.service import ServicePool as ServicePool

__all__ = ['ServicePool', 'ServiceMixinPool', 'map_pools']
