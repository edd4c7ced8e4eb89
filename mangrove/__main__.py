# -*- coding: utf-8 -*-
"""``python -m mangrove``: the ``mangrove`` command, :mod:`mangrove.cli`."""
from __future__ import absolute_import

from mangrove.cli import main

if __name__ == '__main__':
    main()
