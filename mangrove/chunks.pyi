# Type information for mangrove.chunks, a path of 1.1: the module moved to
# mangrove.fanout.chunks in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.chunks import (
    Group as Group, plan_chunks as plan_chunks, map_in_chunks as
    map_in_chunks, executor_failure as executor_failure, RETURN_GRACE as
    RETURN_GRACE, PROGRESS_CHUNKS_PER_SLOT as PROGRESS_CHUNKS_PER_SLOT)

__all__ = ['Group', 'plan_chunks', 'map_in_chunks', 'executor_failure',
           'RETURN_GRACE', 'PROGRESS_CHUNKS_PER_SLOT']
