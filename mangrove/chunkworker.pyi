# Type information for mangrove.chunkworker, a path of 1.1: the module moved to
# mangrove.fanout.worker in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.worker import (
    run_chunk as run_chunk, prefixed as prefixed, region_task as
    region_task, WORKER_POOL_CACHE_SIZE as WORKER_POOL_CACHE_SIZE)

__all__ = ['run_chunk', 'prefixed', 'region_task', 'WORKER_POOL_CACHE_SIZE']
