# -*- coding: utf-8 -*-
"""The progress line ``mangrove call`` keeps on stderr while regions answer."""
from __future__ import absolute_import

from mangrove.cli.terminal import isatty

__all__ = ['Progress']


class Progress(object):
    """``\\r12/34 regions answered`` on stderr, when it is a terminal."""

    def __init__(self, total, stream):
        self.total = total
        self.done = 0
        self.stream = stream
        self.shown = stream is not None and isatty(stream)
        self.width = 0

    def __call__(self, key, result, error):
        self.done += 1
        if self.shown:
            text = '\r%d/%d regions answered' % (self.done, self.total)
            self.width = len(text)
            self.stream.write(text)
            self.stream.flush()

    def clear(self):
        if self.shown and self.width:
            self.stream.write('\r' + ' ' * self.width + '\r')
            self.stream.flush()
