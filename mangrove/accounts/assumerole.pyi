# Type information for mangrove.accounts.assumerole (PEP 561); tests/test_typing.py
# checks it against the module.
from typing import Any, Dict, Optional, Tuple

from mangrove.credentials import Credentials

STS_REGIONS: Dict[str, str]
DEFAULT_SESSION_NAME: str
MAX_DURATION: int
MIN_DURATION: int
CALLER_SECRETS: Tuple[str, ...]

def check_account_id(value: Any, what: str = ...) -> str: ...
def role_arn_for(account: str, role_name: Optional[str] = ...,
                 role_arn: Optional[str] = ...,
                 partition: Optional[str] = ...) -> str: ...

class RoleSettings:
    role_name: Optional[str]
    role_arn: Optional[str]
    session_name: str
    external_id: Optional[str]
    duration: int
    partition: str
    sts_region: str
    endpoint_url: Optional[str]
    caller_kwargs: Dict[str, Any]
    pickle_credentials: bool
    caller_keys_left_behind: bool
    def __init__(self, role_name: Optional[str] = ...,
                 role_arn: Optional[str] = ..., session_name: str = ...,
                 external_id: Optional[str] = ..., duration: int = ...,
                 refresh_margin: float = ...,
                 partition: Optional[str] = ...,
                 sts_region: Optional[str] = ...,
                 endpoint_url: Optional[str] = ...,
                 caller_kwargs: Optional[Dict[str, Any]] = ...,
                 pickle_credentials: bool = ...) -> None: ...
    @property
    def refresh_margin(self) -> float: ...
    @refresh_margin.setter
    def refresh_margin(self, seconds: float) -> None: ...
    def arn(self, account: str) -> str: ...
    @property
    def role(self) -> str: ...
    def connect_sts(self) -> Any: ...
    def __copy__(self) -> RoleSettings: ...
    def __deepcopy__(self, memo: Dict[int, Any]) -> RoleSettings: ...

class AssumeRole:
    account: str
    settings: RoleSettings
    def __init__(self, account: str, settings: RoleSettings,
                 credentials: Optional[Credentials] = ...) -> None: ...
    @property
    def refresh_margin(self) -> float: ...
    @property
    def role_arn(self) -> str: ...
    @property
    def credentials(self) -> Optional[Credentials]: ...
    def __call__(self) -> Credentials: ...

def caller_account(settings: RoleSettings) -> str: ...

__all__ = ['RoleSettings', 'AssumeRole', 'check_account_id', 'role_arn_for',
           'caller_account', 'STS_REGIONS', 'DEFAULT_SESSION_NAME']
