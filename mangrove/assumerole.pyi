# Type information for mangrove.assumerole, a path of 1.1: the module moved to
# mangrove.accounts.assumerole in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.accounts.assumerole import (
    RoleSettings as RoleSettings, AssumeRole as AssumeRole,
    check_account_id as check_account_id, role_arn_for as role_arn_for,
    caller_account as caller_account, STS_REGIONS as STS_REGIONS,
    DEFAULT_SESSION_NAME as DEFAULT_SESSION_NAME)

__all__ = ['RoleSettings', 'AssumeRole', 'check_account_id', 'role_arn_for',
           'caller_account', 'STS_REGIONS', 'DEFAULT_SESSION_NAME']
