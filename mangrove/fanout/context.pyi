# Type information for mangrove.fanout.context (PEP 561); tests/test_typing.py
# checks it against the module.
from typing import Any, Callable, Optional, TypeVar

from mangrove.fanout.stats import CallStats
from mangrove.throttling import RetryPolicy

__all__ = ['SendContext', 'NO_CONTEXT', 'current', 'carry', 'switch']

_T = TypeVar('_T')
_F = TypeVar('_F', bound=Callable[..., Any])

class SendContext:
    stats: Optional[CallStats]
    retry: Optional[RetryPolicy]
    def __init__(self, stats: Optional[CallStats] = ...,
                 retry: Optional[RetryPolicy] = ...) -> None: ...
    def run(self, func: Callable[..., _T], *args: Any,
            **kwargs: Any) -> _T: ...

NO_CONTEXT: SendContext

def current() -> SendContext: ...
def switch(context: Optional[SendContext]) -> Optional[SendContext]: ...
def carry(func: _F) -> _F: ...
