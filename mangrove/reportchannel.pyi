# Type information for mangrove.reportchannel (PEP 561);
# tests/test_typing.py checks it against the module.
import logging
from typing import Any, List, Optional, Tuple

from mangrove.results import RegionResults

__all__ = ['ReportChannel', 'ReportSender']

logger: logging.Logger
CONNECT_TIMEOUT: float

class ReportChannel:
    address: Tuple[str, int]
    def __init__(self, host: str) -> None: ...
    def address_and_key(self) -> Tuple[Tuple[str, int], bytes]: ...
    def take(self) -> List[Tuple[Any, RegionResults]]: ...
    def close(self) -> None: ...

class ReportSender:
    def __init__(self, address: Tuple[str, int], authkey: bytes) -> None: ...
    def send(self, key: Any, result: Any,
             error: Optional[BaseException]) -> None: ...
    def close(self) -> None: ...
