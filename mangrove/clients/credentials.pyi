# Type information for mangrove.clients.credentials (PEP 561);
# tests/test_typing.py checks it against the module.
from typing import Any

from mangrove.credentials import CredentialHolder

def holder_credentials(holder: CredentialHolder) -> Any: ...
def install_holder(client: Any, holder: CredentialHolder) -> None: ...

__all__ = ['holder_credentials', 'install_holder']
