# Type information for mangrove.accountmapping, a path of 1.1: the module moved to
# mangrove.accounts.mapping in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.accounts.mapping import (
    AccountMapping as AccountMapping, account_slots as account_slots,
    ORGANIZATION as ORGANIZATION)

__all__ = ['AccountMapping', 'account_slots', 'ORGANIZATION']
