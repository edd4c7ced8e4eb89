# -*- coding: utf-8 -*-
"""The two ways a ``mangrove`` command ends early, by exit status."""
from __future__ import absolute_import

import re

import six

__all__ = ['UsageError', 'CommandError', 'message']

# The parenthesised lists of valid names after a "did you mean" are a whole
# catalog long; the suggestion is what a user at a prompt needs.
_VALID_LIST = re.compile(
    r' \((?:valid|known|its) [a-z ]+: [^)]*\)$')


class UsageError(Exception):
    """Bad usage of the command; exit status 2 with one line on stderr."""


class CommandError(Exception):
    """The command could not do its work (boto found no credentials, the
    demo's server did not start); exit status 1 with one line on stderr."""


def message(exc):
    """An error's message on one line, without a catalog-long list of valid
    names when it already suggests the close ones.

    :rtype: str
    """
    text = ' '.join(six.text_type(exc).split())
    if 'did you mean' in text:
        text = _VALID_LIST.sub('', text)
    return text
