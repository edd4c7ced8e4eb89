# Type information for mangrove.fanout.executors (PEP 561); tests/test_typing.py
# checks it against the module.
from concurrent.futures import Executor
from typing import Any, Callable, Hashable, Iterable, Optional, Tuple

from mangrove.fanout.chunks import (Group as Group,
                                    map_in_chunks as map_in_chunks)
from mangrove.fanout.results import RegionResults

__all__ = ['fan_out_on', 'resolve_executor', 'map_in_chunks', 'Group']

_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]

class _Engine:
    executor: Executor
    kind: str
    def __init__(self, executor: Executor, kind: str) -> None: ...
    @property
    def pickles(self) -> bool: ...
    def dumps(self, value: Any) -> bytes: ...
    def workers(self) -> int: ...
    def reports(self) -> Any: ...

def resolve_executor(executor: Any) -> Optional[_Engine]: ...
def fan_out_on(executor: Any, pool: Any, func: Callable[[Any], Any],
               tasks: Iterable[Tuple[Hashable, Callable[[], Any]]],
               **options: Any) -> RegionResults: ...
