# Type information for mangrove.fanout.worker (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import Any, Callable, List, Optional, Tuple

__all__ = ['run_chunk', 'prefixed', 'region_task', 'WORKER_POOL_CACHE_SIZE']

logger: logging.Logger
WORKER_POOL_CACHE_SIZE: int

def prefixed(prefix: Tuple[Any, ...], key: Any) -> Any: ...
def run_chunk(pieces: List[Tuple[Any, List[Any], Tuple[Any, ...]]],
              func_data: Any, options: dict,
              budget: Optional[Tuple[float, float]],
              progress: Any) -> Any: ...
def region_task(func: Callable[[Any], Any], pool: Any,
                key: Any) -> Callable[[], Any]: ...
