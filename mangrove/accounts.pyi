# Type information for mangrove.accounts (PEP 561); tests/test_typing.py
# checks it against the module.
from concurrent.futures import Executor
from types import TracebackType
from typing import (Any, Callable, Dict, Hashable, Iterable, Iterator,
                    List, Optional, Tuple, Type, TypeVar, Union)

from mangrove.accountmapping import AccountMapping
from mangrove.assumerole import RoleSettings
from mangrove.backends import Backend
from mangrove.proxy import RegionProxy
from mangrove.results import RegionResults
from mangrove.taskrun import Outcome
from mangrove.throttling import RetryPolicy

_Fleet = TypeVar('_Fleet', bound=AccountPool)
_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]
_Accounts = Union[str, Iterable[str], Dict[str, str]]

ORGANIZATION: str
CALLER_KEYWORDS: Tuple[str, ...]

class AccountPool:
    pool_class: type
    settings: RoleSettings
    accounts: AccountMapping
    def __init__(self, pool_class: type, accounts: _Accounts,
                 role_name: Optional[str] = ...,
                 role_arn: Optional[str] = ..., session_name: str = ...,
                 external_id: Optional[str] = ..., duration: int = ...,
                 refresh_margin: float = ...,
                 organizational_units: Optional[Iterable[str]] = ...,
                 skip_accounts: Optional[Iterable[str]] = ...,
                 include_caller: bool = ...,
                 sts_region: Optional[str] = ...,
                 page_size: Optional[int] = ...,
                 pickle_credentials: bool = ...,
                 **pool_options: Any) -> None: ...
    @property
    def refresh_margin(self) -> float: ...
    @refresh_margin.setter
    def refresh_margin(self, seconds: float) -> None: ...
    @property
    def caller_account(self) -> Optional[str]: ...
    @property
    def backend(self) -> Backend: ...
    @property
    def backend_name(self) -> str: ...
    def map(self, func: Callable[[RegionProxy], Any],
            accounts: Optional[Iterable[str]] = ...,
            regions: Optional[Iterable[str]] = ...,
            services: Optional[Iterable[str]] = ...,
            max_workers: Optional[int] = ..., timeout: Optional[float] = ...,
            on_result: Optional[_OnResult] = ...,
            retry: Optional[RetryPolicy] = ...,
            executor: Optional[Union[str, Executor, Any]] = ...
            ) -> RegionResults: ...
    def iter_map(self, func: Callable[[RegionProxy], Any],
                 accounts: Optional[Iterable[str]] = ...,
                 regions: Optional[Iterable[str]] = ...,
                 services: Optional[Iterable[str]] = ...,
                 max_workers: Optional[int] = ...,
                 timeout: Optional[float] = ...,
                 retry: Optional[RetryPolicy] = ...) -> Iterator[Outcome]: ...
    def chunk_tasks(self, func: Callable[[RegionProxy], Any],
                    keys: Iterable[Tuple[str, ...]]
                    ) -> List[Tuple[Hashable, Callable[[], Any]]]: ...
    def call(self, method_name: str, *args: Any,
             **kwargs: Any) -> RegionResults: ...
    def paginate(self, method_name: str, *args: Any,
                 **kwargs: Any) -> RegionResults: ...
    def map_accounts(self, func: Callable[[Any], Any],
                     accounts: Optional[Iterable[str]] = ...,
                     max_workers: Optional[int] = ...,
                     timeout: Optional[float] = ...,
                     on_result: Optional[_OnResult] = ...) -> RegionResults: ...
    def close(self) -> None: ...
    def __enter__(self: _Fleet) -> _Fleet: ...
    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc_value: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None: ...

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']
