# -*- coding: utf-8 -*-
"""Writing to the terminal (or a pipe), and leaving it."""
from __future__ import absolute_import

import os
import sys

from mangrove._compat import stream_text

__all__ = ['write', 'print_lines', 'isatty', 'terminal_width', 'hard_exit']


def write(stream, text):
    """Write ``text`` to ``stream``, encoded first on Python 2."""
    stream.write(stream_text(stream, text))


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


def terminal_width(stream):
    """The width in columns of the terminal ``stream`` writes to: the
    ``COLUMNS`` variable when set (as ``shutil.get_terminal_size`` reads
    it), else the terminal's own; None when ``stream`` is no terminal
    (output to a file or a pipe is never cut).

    :rtype: int or None
    """
    columns = os.environ.get('COLUMNS', '')
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not isatty(stream):
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except AttributeError:  # Python 2.7
        return _ioctl_width(stream)
    except (OSError, ValueError):
        return None


def _ioctl_width(stream):
    try:
        import fcntl
        import struct
        import termios
        packed = fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b'\0' * 8)
        return struct.unpack('hhhh', packed)[1] or None
    except (ImportError, IOError, OSError, ValueError):
        return None


def hard_exit(status):
    """Exit without waiting for fan-out threads stuck in a boto call."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (IOError, ValueError):
            pass
    os._exit(status)


def more_pages_note(results, max_pages, label=None):
    """One stderr line per key that stopped at ``--max-pages`` with more
    to come: a listing is never cut short silently.

    :param label: how a line names a key (default: its region's name).
    """
    # Imported here: the terminal's own helpers stay free of boto's.
    from mangrove.classic.pages import next_page
    from mangrove.regions import region_name
    if max_pages is None:
        return
    label = label or region_name
    lines = []
    for key, value in results.items():
        step = next_page(value)
        if step is not None:
            lines.append('mangrove: %s: stopped after %d page%s; more remain '
                         '(%s=%s)' % (label(key), max_pages,
                                      '' if max_pages == 1 else 's',
                                      step[0], step[1]))
    if lines:
        sys.stdout.flush()
        print_lines(lines, sys.stderr)
