# -*- coding: utf-8 -*-
"""Writing to the terminal (or a pipe), and leaving it."""
from __future__ import absolute_import

import os
import sys

import six

__all__ = ['write', 'print_lines', 'isatty', 'hard_exit']


def write(stream, text):
    """Write ``text`` to ``stream``, encoded first on Python 2."""
    if six.PY2 and isinstance(text, six.text_type):
        text = text.encode(getattr(stream, 'encoding', None) or 'utf-8',
                           'replace')
    stream.write(text)


def print_lines(lines, stream=None):
    """Write each line with a newline (to stdout by default)."""
    stream = stream or sys.stdout
    for line in lines:
        write(stream, line + u'\n')


def isatty(stream):
    """Whether ``stream`` is a terminal (False for anything not a file)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def hard_exit(status):
    """Exit without waiting for fan-out threads stuck in a boto call."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (IOError, ValueError):
            pass
    os._exit(status)
