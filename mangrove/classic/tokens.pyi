# Type information for mangrove.classic.tokens (PEP 561); tests/test_typing.py
# checks it against the module.
import logging
from typing import Any, Dict, Optional

__all__ = ['QUERY_ACTIONS', 'JSON_TARGETS', 'new_token', 'ensure_token']

log: logging.Logger
QUERY_ACTIONS: Dict[str, str]
JSON_TARGETS: Dict[str, str]

def new_token() -> str: ...
def ensure_token(request: Any) -> Optional[str]: ...
