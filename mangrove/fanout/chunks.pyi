# Type information for mangrove.fanout.chunks (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import Any, Callable, Iterable, List, Optional, Tuple

from mangrove.fanout.results import RegionResults

__all__ = ['Group', 'plan_chunks', 'map_in_chunks', 'executor_failure',
           'RETURN_GRACE', 'PROGRESS_CHUNKS_PER_SLOT']

logger: logging.Logger
RETURN_GRACE: float
PROGRESS_CHUNKS_PER_SLOT: int

class Group:
    pool: Any
    keys: List[Any]
    prefix: Tuple[Any, ...]
    def __init__(self, pool: Any, keys: Iterable[Any],
                 prefix: Tuple[Any, ...] = ...) -> None: ...
    def key(self, key: Any) -> Any: ...

def plan_chunks(groups: Iterable[Group],
                slots: int) -> List[List[Tuple[Group, List[Any]]]]: ...
def map_in_chunks(engine: Any, func: Callable[[Any], Any],
                  groups: Iterable[Group], timeout: Optional[float] = ...,
                  on_result: Optional[Callable[..., Any]] = ...,
                  **options: Any) -> RegionResults: ...
def executor_failure(error: BaseException, key: Any) -> BaseException: ...
