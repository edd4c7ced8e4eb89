# Type information for mangrove.accounts (PEP 561); tests/test_typing.py
# checks it against the module.
from concurrent.futures import Executor
from typing import (Any, Callable, Dict, Iterable, Iterator, Optional,
                    Tuple, Union)

from mangrove.accounts.mapping import AccountMapping
from mangrove.accounts.assumerole import RoleSettings
from mangrove.backends import Backend
from mangrove.pool.base import BasePool
from mangrove.pool.proxy import RegionProxy
from mangrove.fanout.results import RegionResults
from mangrove.fanout.threads import Outcome
from mangrove.throttling import RetryPolicy

_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]
_Accounts = Union[str, Iterable[str], Dict[str, str]]

ORGANIZATION: str
CALLER_KEYWORDS: Tuple[str, ...]

class AccountPool(BasePool):
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
    def map_accounts(self, func: Callable[[Any], Any],
                     accounts: Optional[Iterable[str]] = ...,
                     max_workers: Optional[int] = ...,
                     timeout: Optional[float] = ...,
                     on_result: Optional[_OnResult] = ...) -> RegionResults: ...

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']
