# Type information for mangrove.fanout.threads (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
import threading
from types import TracebackType
from typing import (Any, Callable, Deque, Dict, Iterator, List, NamedTuple,
                    Optional, Tuple)

from mangrove.fanout.stats import CallStats
from mangrove.throttling import RetryPolicy

__all__ = ['Outcome', 'TaskRun', 'Reporter']

logger: logging.Logger

class Outcome(NamedTuple):
    key: Any
    result: Any
    error: Optional[BaseException]
    traceback: Optional[TracebackType]
    stats: CallStats
    position: int

class TaskRun:
    source: Iterator[Tuple[int, Any, Callable[[], Any]]]
    retry: Optional[RetryPolicy]
    backlog: Optional[int]
    cond: threading.Condition
    stopped: bool
    exhausted: bool
    source_error: Any
    running: Dict[int, Any]
    woken: bool
    finished: Deque[Outcome]
    eager: bool
    workers: int
    threads: List[threading.Thread]
    started: int
    def __init__(self, source: Iterator[Tuple[int, Any, Callable[[], Any]]],
                 workers: int, retry: Optional[RetryPolicy] = ...,
                 backlog: Optional[int] = ...,
                 eager: bool = ...) -> None: ...
    @property
    def idle(self) -> bool: ...
    @property
    def drained(self) -> bool: ...
    def wait(self, deadline: Optional[float]) -> List[Outcome]: ...
    def wake(self) -> None: ...
    def stop(self) -> Tuple[Dict[int, Any], List[Outcome]]: ...
    def raise_source_error(self) -> None: ...
    def join(self) -> None: ...

class Reporter:
    GRACE: float
    on_result: Callable[[Any, Any, Optional[BaseException]], Any]
    cond: threading.Condition
    queue: Deque[Tuple[Any, Any, Optional[BaseException]]]
    busy: bool
    closed: bool
    dropped: bool
    raised: Optional[BaseException]
    wake: Optional[Callable[[], Any]]
    thread: threading.Thread
    def __init__(self, on_result: Callable[[Any, Any, Optional[BaseException]],
                                           Any],
                 wake: Optional[Callable[[], Any]] = ...) -> None: ...
    def check(self) -> None: ...
    def put(self, key: Any, result: Any,
            error: Optional[BaseException]) -> None: ...
    def close(self, deadline: Optional[float],
              interrupted: bool = ...) -> None: ...
