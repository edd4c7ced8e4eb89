# Type information for mangrove.pool.client (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import Any, Dict, Mapping, Optional, Type, TypeVar, Union

from mangrove.backends import Backend
from mangrove.registry import ServiceSpec
from mangrove.pool.service import ServicePool

log: logging.Logger

_Pool = TypeVar('_Pool', bound=ClientPool)

class ClientPool(ServicePool):
    def connect(self: _Pool, lazily: bool = ...) -> _Pool: ...

def session_keywords(session: Any) -> Dict[str, str]: ...
def client_pool(service: Union[str, Mapping[str, Any]],
                **kwargs: Any) -> ClientPool: ...
def service_spec(backend: Union[Backend, str, None],
                 name: str) -> ServiceSpec: ...
def pool_class(backend: Union[Backend, str, None]) -> Type[ServicePool]: ...
def keywords_for(backend: Union[Backend, str, None],
                 kwargs: Mapping[str, Any]) -> Dict[str, Any]: ...

__all__ = ['ClientPool', 'client_pool', 'pool_class', 'service_spec',
           'keywords_for']
