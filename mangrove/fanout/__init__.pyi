# Type information for mangrove.fanout (PEP 561); tests/test_typing.py
# checks it against the module.
from mangrove.fanout.engine import (
    DEFAULT_MAX_WORKERS as DEFAULT_MAX_WORKERS, Outcome as Outcome,
    RegionResults as RegionResults, carry as carry, fan_out as fan_out,
    format_key as format_key, iter_fan_out as iter_fan_out)

__all__ = ['fan_out', 'iter_fan_out', 'Outcome', 'RegionResults',
           'format_key', 'DEFAULT_MAX_WORKERS', 'carry']
