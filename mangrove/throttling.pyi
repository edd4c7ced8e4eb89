# Type information for mangrove.throttling (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import FrozenSet, Optional, TypeVar, Union

__all__ = ['RetryPolicy', 'THROTTLING_CODES', 'default_retry',
           'set_default_retry', 'check_retry', 'is_throttling',
           'throttling_code', 'govern']

log: logging.Logger
THROTTLING_CODES: FrozenSet[str]

class RetryPolicy:
    attempts: int
    seconds: float
    base: float
    cap: float
    def __init__(self, attempts: int = ..., seconds: float = ...,
                 base: float = ..., cap: float = ...) -> None: ...
    def delay(self, retry: int) -> float: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    __hash__: None  # type: ignore[assignment]

def default_retry() -> RetryPolicy: ...
def set_default_retry(policy: RetryPolicy) -> None: ...
def check_retry(retry: Optional[RetryPolicy]) -> None: ...
def is_throttling(status: Optional[int],
                  code: Union[str, bytes, None]) -> bool: ...
def throttling_code(error: BaseException) -> Optional[str]: ...

_Conn = TypeVar('_Conn')

def govern(conn: _Conn, service: str, region: str) -> _Conn: ...
