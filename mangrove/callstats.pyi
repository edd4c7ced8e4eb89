# Type information for mangrove.callstats, a path of 1.1: the module moved to
# mangrove.fanout.stats in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.stats import (
    CallStats as CallStats, FanOutStats as FanOutStats, current as current,
    recording as recording)

__all__ = ['CallStats', 'FanOutStats', 'current', 'recording']
