# -*- coding: utf-8 -*-
"""What the benchmarks share; runs on Python 2.7 as well (no statistics)."""


def median(values):
    """The median of a non-empty sequence of numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0
