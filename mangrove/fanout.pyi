# Type information for mangrove.fanout (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import (Any, Callable, Hashable, Iterable, List, Optional, Tuple,
                    Union)

from mangrove.results import (RegionResults as RegionResults,
                              format_key as format_key)

__all__ = ['fan_out', 'RegionResults', 'format_key', 'DEFAULT_MAX_WORKERS']

logger: logging.Logger
DEFAULT_MAX_WORKERS: int

# A result key: a region key ('us_east_1') or, from a multi-service pool,
# a (service, region key) pair.
_Key = Union[str, Tuple[str, str]]
_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]

def fan_out(tasks: Iterable[Tuple[Hashable, Callable[[], Any]]],
            max_workers: Optional[int] = ..., timeout: Optional[float] = ...,
            on_result: Optional[_OnResult] = ...) -> RegionResults: ...
