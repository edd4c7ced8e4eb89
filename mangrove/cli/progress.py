# -*- coding: utf-8 -*-
"""
The progress line ``mangrove call`` keeps on stderr while regions answer.

On a terminal it shows from the first moment, and is redrawn every half
second even when nothing answers, so a stalled region or a server that is
down is visible at once::

    31/34 answered, 4s; waiting: ap-southeast-2, sa-east-1

A region given up on at ``--timeout`` is not counted as answered; failed
regions are (they did answer), and counted apart. The line is cut to the
terminal's width and erased before the results are printed.
"""
from __future__ import absolute_import

import threading
import time

from mangrove.cli.terminal import isatty, terminal_width
from mangrove.exceptions import FanOutTimeoutError
from mangrove.regions import region_name

__all__ = ['Progress', 'elapsed_text']

# Redrawn this often (seconds) for the elapsed time to move.
INTERVAL = 0.5

_now = getattr(time, 'monotonic', time.time)


def elapsed_text(seconds):
    """``4s``, ``1m31s``: how long, for a person."""
    seconds = int(seconds)
    if seconds < 60:
        return '%ds' % seconds
    return '%dm%02ds' % divmod(seconds, 60)


class Progress(object):
    """The progress line of one fan-out, on ``stream`` when a terminal.

    Call :meth:`start` before the fan-out, pass the object as its
    ``on_result``, and call :meth:`stop` after it (in a ``finally``).

    :param keys: the region keys the fan-out covers, in order.
    :param stream: where to draw (``sys.stderr``); nothing is drawn when it
        is not a terminal.
    """

    def __init__(self, keys, stream):
        self.keys = list(keys)
        self.pending = list(self.keys)
        self.answered = 0
        self.failed = 0
        self.timed_out = 0
        self.stream = stream
        self.shown = stream is not None and isatty(stream)
        self._started = _now()
        self._width = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker = None

    def start(self):
        """Draw the line now and keep redrawing it until :meth:`stop`."""
        self._started = _now()
        if not self.shown:
            return self
        self._draw()
        self._ticker = threading.Thread(target=self._tick,
                                        name='mangrove-progress')
        # A daemon: the line must never keep the command alive.
        self._ticker.daemon = True
        self._ticker.start()
        return self

    def __call__(self, key, result, error):
        with self._lock:
            if key in self.pending:
                self.pending.remove(key)
            if isinstance(error, FanOutTimeoutError):
                self.timed_out += 1
            else:
                self.answered += 1
                self.failed += error is not None
        self._draw()

    def text(self, width=None):
        """The line as it is now, cut to ``width`` characters.

        :rtype: str
        """
        with self._lock:
            pending = [region_name(k[1] if isinstance(k, tuple) else k)
                       for k in self.pending]
            counts = '%d/%d answered' % (self.answered, len(self.keys))
            if self.failed:
                counts += ' (%d failed)' % self.failed
            if self.timed_out:
                counts += ', %d timed out' % self.timed_out
        text = '%s, %s' % (counts, elapsed_text(_now() - self._started))
        if not pending:
            return text[:width] if width else text
        text += '; waiting: '
        for shown in range(len(pending), 0, -1):
            more = len(pending) - shown
            line = text + ', '.join(pending[:shown]) + (
                ', +%d more' % more if more else '')
            if width is None or len(line) <= width:
                return line
        line = text + '+%d regions' % len(pending)
        return line[:width] if width else line

    def _tick(self):
        while not self._stopped.wait(INTERVAL):
            self._draw()

    def _draw(self):
        if not self.shown or self._stopped.is_set():
            return
        width = terminal_width(self.stream)
        # The last column is left free: a line that fills it wraps on
        # some terminals, and "\r" would then redraw only its second half.
        text = self.text(width - 1 if width else None)
        with self._lock:
            if self._stopped.is_set():
                return
            pad = ' ' * max(0, self._width - len(text))
            self._width = len(text)
            self.stream.write('\r' + text + pad)
            self.stream.flush()

    def stop(self):
        """Stop redrawing and erase the line."""
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join(INTERVAL * 4)
        with self._lock:
            if self.shown and self._width:
                self.stream.write('\r' + ' ' * self._width + '\r')
                self.stream.flush()
                self._width = 0
