# Type information for mangrove.clienttokens, a path of 1.1: the module moved to
# mangrove.classic.tokens in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.classic.tokens import (
    QUERY_ACTIONS as QUERY_ACTIONS, JSON_TARGETS as JSON_TARGETS, new_token
    as new_token, ensure_token as ensure_token)

__all__ = ['QUERY_ACTIONS', 'JSON_TARGETS', 'new_token', 'ensure_token']
