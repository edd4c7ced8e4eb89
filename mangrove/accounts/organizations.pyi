# Type information for mangrove.accounts.organizations (PEP 561);
# tests/test_typing.py checks it against the module.
from types import TracebackType
from typing import (Any, Dict, Iterable, List, NamedTuple, Optional, Tuple,
                    Type)

ENDPOINTS: Dict[str, Tuple[str, str]]

class Account(NamedTuple):
    id: str
    name: Optional[str]
    email: Optional[str]
    status: Optional[str]

class OrganizationsConnection:
    page_size: Optional[int]
    signing_region: str
    connection: Any
    def __init__(self, partition: Optional[str] = ...,
                 endpoint_url: Optional[str] = ...,
                 page_size: Optional[int] = ..., **kwargs: Any) -> None: ...
    def request(self, action: str,
                params: Optional[Dict[str, Any]] = ...) -> Dict[str, Any]: ...
    def pages(self, action: str, result_key: str,
              **params: Any) -> List[Any]: ...
    def list_accounts(self) -> List[Account]: ...
    def list_accounts_for_parent(self, parent_id: str) -> List[Account]: ...
    def list_organizational_units_for_parent(
            self, parent_id: str) -> List[str]: ...
    def list_roots(self) -> List[str]: ...
    def close(self) -> None: ...
    def __enter__(self) -> OrganizationsConnection: ...
    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc_value: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None: ...

def check_parent_ids(values: Optional[Iterable[str]],
                     what: str = ...) -> Optional[List[str]]: ...
def organization_accounts(conn: OrganizationsConnection,
                          organizational_units: Optional[Iterable[str]] = ...,
                          skip: Iterable[str] = ...,
                          exclude: Optional[str] = ...) -> List[Account]: ...

__all__ = ['OrganizationsConnection', 'Account', 'organization_accounts',
           'check_parent_ids', 'ENDPOINTS']
