# Type information for mangrove.pool.service (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from concurrent.futures import Executor
from typing import (Any, Callable, Iterable, Iterator, List, Mapping,
                    Optional, Type, TypeVar, Union)

from mangrove.backends import Backend
from mangrove.pool.declaration import Declaration
from mangrove.fanout.engine import RegionResults
from mangrove.pool.mapping import RegionMapping
from mangrove.pool.base import BasePool
from mangrove.pool.proxy import RegionProxy
from mangrove.fanout.threads import Outcome
from mangrove.throttling import RetryPolicy

log: logging.Logger

_Pool = TypeVar('_Pool', bound=ServicePool)
# Region names in either form ('us-east-1', 'us_east_1'), '*' or None for
# every region.
_Regions = Union[str, Iterable[str], None]
# A credential source: called with no arguments, returns credentials.
_Source = Callable[[], Any]
_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]

# What both kinds of pool do alike (at run time, the bases
# mangrove.pool.base.BasePool and mangrove.credentials.LiveCredentials).
class _PoolMethods(BasePool):
    def update_credentials(self, aws_access_key_id: Optional[str] = ...,
                           aws_secret_access_key: Optional[str] = ...,
                           security_token: Optional[str] = ...,
                           expiry: Any = ...,
                           credential_source: Optional[_Source] = ...
                           ) -> None: ...

class ServicePool(_PoolMethods):
    # A service name, or {name: {'regions': ..., 'default_region': ...}}.
    service: Union[str, Mapping[str, Mapping[str, Any]], None]
    # What opens connections (mangrove.classic.backend.BotoBackend by default). A
    # subclass may name it instead ('boto', 'boto3'); on a pool, always the
    # Backend object.
    backend: Backend
    def __init__(self, connect: bool = ..., regions: _Regions = ...,
                 default_region: Optional[str] = ...,
                 aws_access_key_id: Optional[str] = ...,
                 aws_secret_access_key: Optional[str] = ...,
                 endpoint_url: Optional[str] = ...,
                 partition: Optional[str] = ...,
                 credential_source: Optional[_Source] = ...,
                 **connect_kwargs: Any) -> None: ...
    @classmethod
    def from_declaration(cls: Type[_Pool], decl: Declaration,
                         **kwargs: Any) -> _Pool: ...
    def connect(self: _Pool) -> _Pool: ...
    def add_region(self, name: str) -> RegionProxy: ...
    def remove_region(self, name: str) -> None: ...
    def region_proxy(self, name: str) -> RegionProxy: ...
    def map(self, func: Callable[[RegionProxy], Any],
            regions: Optional[Iterable[str]] = ...,
            max_workers: Optional[int] = ..., timeout: Optional[float] = ...,
            on_result: Optional[_OnResult] = ...,
            retry: Optional[RetryPolicy] = ...,
            executor: Optional[Union[str, Executor, Any]] = ...
            ) -> RegionResults: ...
    def iter_map(self, func: Callable[[RegionProxy], Any],
                 regions: Optional[Iterable[str]] = ...,
                 max_workers: Optional[int] = ...,
                 timeout: Optional[float] = ...,
                 retry: Optional[RetryPolicy] = ...) -> Iterator[Outcome]: ...
    @property
    def regions(self) -> RegionMapping: ...
    @property
    def default_region(self) -> Optional[str]: ...
    @default_region.setter
    def default_region(self, name: Optional[str]) -> None: ...
    @property
    def backend_name(self) -> str: ...
    @property
    def service_name(self) -> str: ...
    @property
    def connected(self) -> bool: ...
    # The hooks a subclass may override.
    def _connect_module_to_region(self, region_name: str) -> Any: ...
    def _get_module_regions(self) -> List[Any]: ...
