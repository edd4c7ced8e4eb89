# Type information for mangrove.accounts (PEP 561); tests/test_typing.py
# checks it against the module.
from mangrove.accounts.pool import (
    CALLER_KEYWORDS as CALLER_KEYWORDS, ORGANIZATION as ORGANIZATION,
    AccountPool as AccountPool)

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']
