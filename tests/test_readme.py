# -*- coding: utf-8 -*-
"""README.rst's examples run as written, against the test suite's server."""
from __future__ import absolute_import

import doctest
import os

README = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'README.rst')


def test_readme_examples_run_as_written():
    flags = (doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE |
             doctest.IGNORE_EXCEPTION_DETAIL)
    result = doctest.testfile(README, module_relative=False,
                              optionflags=flags, globs={}, report=True,
                              encoding='utf-8')
    assert result.attempted > 40
    assert result.failed == 0, 'README examples failed (see output above)'
