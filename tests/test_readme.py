# -*- coding: utf-8 -*-
"""README.rst's examples run as written, against the test suite's server.

The "boto3" section needs Python 3.9+ with boto3; where boto3 pools cannot
run (Python 2.7, 3.6-3.8), its examples are left out and the rest still
run.
"""
from __future__ import absolute_import

import doctest
import io
import os
import re
import sys

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'README.rst')

# A section: its title, underlined with '=', up to the next such title.
_BOTO3_SECTION = re.compile(r'\nboto3\n=====\n.*?(?=\n[^\n]+\n=+\n)', re.S)


def boto3_available():
    if sys.version_info < (3, 9):
        return False
    try:
        import boto3  # noqa: F401
    except ImportError:
        return False
    return True


def readme_text():
    with io.open(README, encoding='utf-8') as handle:
        text = handle.read()
    if not boto3_available():
        text, cut = _BOTO3_SECTION.subn('\n', text)
        assert cut == 1, 'README.rst has no "boto3" section to leave out'
    return text


@pytest.mark.slow
def test_readme_examples_run_as_written():
    flags = (doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE |
             doctest.IGNORE_EXCEPTION_DETAIL)
    test = doctest.DocTestParser().get_doctest(
        readme_text(), {}, 'README.rst', README, 0)
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test)
    result = runner.summarize()
    assert result.attempted > 40
    assert result.failed == 0, 'README examples failed (see output above)'
