# Type information for mangrove.clients.classes (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import Any, ContextManager, Optional

log: logging.Logger
ENVIRONMENT_VARIABLE: str
enabled: Optional[bool]

def sharing() -> ContextManager[None]: ...
def client_class(session: Any, service_name: str) -> Optional[type]: ...

__all__ = ['sharing', 'ENVIRONMENT_VARIABLE']
