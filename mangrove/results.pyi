# Type information for mangrove.results, a path of 1.1: the module moved to
# mangrove.fanout.results in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.results import (
    RegionResults as RegionResults, format_key as format_key, normal_key as
    normal_key)

__all__ = ['RegionResults', 'format_key', 'normal_key']
