# Type information for mangrove.pool (PEP 561); tests/test_typing.py
# checks it against the module.
from mangrove.mixinpool import ServiceMixinPool as ServiceMixinPool
from mangrove.servicepool import ServicePool as ServicePool

__all__ = ['ServicePool', 'ServiceMixinPool']
