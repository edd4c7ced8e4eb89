# Type information for mangrove.clients.pages (PEP 561); tests/test_typing.py
# checks it against the module.
from typing import Any, Iterable, Mapping, Optional

def check_search(expression: Optional[str]) -> Optional[str]: ...
def client_pages(client: Any, operation: str, args: Iterable[Any] = ...,
                 kwargs: Optional[Mapping[str, Any]] = ...,
                 max_pages: Optional[int] = ...,
                 search: Optional[str] = ...) -> Any: ...

__all__ = ['client_pages', 'check_search']
