# Type information for mangrove.executors, a path of 1.1: the module moved to
# mangrove.pool.joint in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.pool.joint import (
    map_pools as map_pools, fan_out_on as fan_out_on, resolve_executor as
    resolve_executor, map_in_chunks as map_in_chunks, Group as Group)

__all__ = ['map_pools', 'fan_out_on', 'resolve_executor', 'map_in_chunks',
           'Group']
