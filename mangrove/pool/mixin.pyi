# Type information for mangrove.pool.mixin (PEP 561); tests/test_typing.py
# checks it against the module.
from concurrent.futures import Executor
from typing import (Any, Callable, Iterable, Iterator, Mapping, Optional,
                    TypeVar, Union)

from mangrove.backends import Backend
from mangrove.fanout.engine import RegionResults
from mangrove.pool.proxy import RegionProxy
from mangrove.pool.groups import RegionGroup, RegionGroups
from mangrove.pool.service import ServicePool, _PoolMethods
from mangrove.fanout.threads import Outcome
from mangrove.throttling import RetryPolicy

_Mixin = TypeVar('_Mixin', bound=ServiceMixinPool)
_Regions = Union[str, Iterable[str], None]
# A credential source: called with no arguments, returns credentials.
_Source = Callable[[], Any]
_OnResult = Callable[[Any, Any, Optional[BaseException]], Any]

class ServiceMixinPool(_PoolMethods):
    # Declared as {name: options}; on an instance, name -> ServicePool.
    services: Mapping[str, Any]
    # The backend of services that name none. A class names it ('boto',
    # 'boto3', None for classic boto) or sets a Backend; on a pool it is
    # always the Backend object.
    backend: Union[Backend, str, None]
    def __init__(self, connect: bool = ..., regions: _Regions = ...,
                 aws_access_key_id: Optional[str] = ...,
                 aws_secret_access_key: Optional[str] = ...,
                 endpoint_url: Optional[str] = ...,
                 partition: Optional[str] = ...,
                 credential_source: Optional[_Source] = ...,
                 backend: Union[Backend, str, None] = ...,
                 **connect_kwargs: Any) -> None: ...
    # Each service is an attribute: mixin_pool.ec2, mixin_pool.s3.
    def __getattr__(self, name: str) -> ServicePool: ...
    @property
    def connected(self) -> bool: ...
    @property
    def backend_name(self) -> str: ...
    def connect(self: _Mixin) -> _Mixin: ...
    def add_service(self, name: str, regions: _Regions = ...,
                    default_region: Optional[str] = ...,
                    connect: Optional[bool] = ...,
                    endpoint_url: Optional[str] = ...,
                    partition: Optional[str] = ...,
                    backend: Union[Backend, str, None] = ...
                    ) -> ServicePool: ...
    def map(self, func: Callable[[RegionProxy], Any],
            services: Optional[Iterable[str]] = ...,
            regions: Optional[Iterable[str]] = ...,
            max_workers: Optional[int] = ..., timeout: Optional[float] = ...,
            on_result: Optional[_OnResult] = ...,
            retry: Optional[RetryPolicy] = ...,
            executor: Optional[Union[str, Executor, Any]] = ...
            ) -> RegionResults: ...
    def iter_map(self, func: Callable[[RegionProxy], Any],
                 services: Optional[Iterable[str]] = ...,
                 regions: Optional[Iterable[str]] = ...,
                 max_workers: Optional[int] = ...,
                 timeout: Optional[float] = ...,
                 retry: Optional[RetryPolicy] = ...) -> Iterator[Outcome]: ...
    @property
    def regions(self) -> RegionGroups: ...
    def map_regions(self, func: Callable[[RegionGroup], Any],
                    regions: Optional[Iterable[str]] = ...,
                    max_workers: Optional[int] = ...,
                    timeout: Optional[float] = ...,
                    on_result: Optional[_OnResult] = ...
                    ) -> RegionResults: ...
