# Type information for mangrove.resultkeys, a path of 1.1: the module moved to
# mangrove.fanout.keys in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.fanout.keys import (
    format_key as format_key, normal_key as normal_key, hashable as
    hashable, KeyedDict as KeyedDict)

__all__ = ['format_key', 'normal_key', 'hashable', 'KeyedDict']
