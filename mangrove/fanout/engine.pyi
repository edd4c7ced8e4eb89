# Type information for mangrove.fanout (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import (Any, Callable, Hashable, Iterable, Iterator, List,
                    Optional, Tuple, Union)

from mangrove.fanout.results import (RegionResults as RegionResults,
                              format_key as format_key)
from mangrove.fanout.context import carry as carry
from mangrove.fanout.threads import Outcome as Outcome
from mangrove.throttling import RetryPolicy

__all__ = ['fan_out', 'iter_fan_out', 'Outcome', 'RegionResults',
           'format_key', 'DEFAULT_MAX_WORKERS', 'carry']

logger: logging.Logger
DEFAULT_MAX_WORKERS: int

# A result key: a region key ('us_east_1') or, from a multi-service pool,
# a (service, region key) pair.
_Key = Union[str, Tuple[str, str]]
_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]
_Task = Tuple[Hashable, Callable[[], Any]]

def fan_out(tasks: Iterable[_Task],
            max_workers: Optional[int] = ..., timeout: Optional[float] = ...,
            on_result: Optional[_OnResult] = ...,
            retry: Optional[RetryPolicy] = ...) -> RegionResults: ...
def iter_fan_out(tasks: Iterable[_Task], max_workers: Optional[int] = ...,
                 timeout: Optional[float] = ...,
                 retry: Optional[RetryPolicy] = ...) -> Iterator[Outcome]: ...
def check_options(max_workers: Optional[int] = ...,
                  timeout: Optional[float] = ...,
                  on_result: Optional[_OnResult] = ...,
                  retry: Optional[RetryPolicy] = ...) -> Optional[float]: ...
