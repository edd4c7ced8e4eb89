# Type information for mangrove.pool.joint (PEP 561); tests/test_typing.py
# checks it against the module.
from concurrent.futures import Executor
from typing import (Any, Callable, Hashable, Iterable, Mapping, Optional,
                    Tuple, Union)

from mangrove.fanout.chunks import (Group as Group,
                                    map_in_chunks as map_in_chunks)
from mangrove.fanout.executors import (fan_out_on as fan_out_on,
                                       resolve_executor as resolve_executor)
from mangrove.fanout.results import RegionResults

__all__ = ['map_pools', 'fan_out_on', 'resolve_executor', 'map_in_chunks',
           'Group']

_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]

def map_pools(pools: Union[Mapping[Hashable, Any],
                           Iterable[Tuple[Hashable, Any]]],
              func: Callable[[Any], Any],
              executor: Optional[Union[str, Executor, Any]] = ...,
              max_workers: Optional[int] = ...,
              timeout: Optional[float] = ...,
              on_result: Optional[_OnResult] = ...,
              retry: Any = ...) -> RegionResults: ...
