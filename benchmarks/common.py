# -*- coding: utf-8 -*-
"""What the benchmarks share; runs on Python 2.7 as well (no statistics)."""
import os


def median(values):
    """The median of a non-empty sequence of numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def proc_stat(pid):
    """``(parent pid, CPU seconds)`` of a Linux process, from ``/proc``, or
    None when it has ended."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            fields = handle.read().rsplit(')', 1)[1].split()
    except (IOError, OSError):
        return None
    tick = float(os.sysconf('SC_CLK_TCK'))
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
