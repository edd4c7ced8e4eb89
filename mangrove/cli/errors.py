# -*- coding: utf-8 -*-
"""The two ways a ``mangrove`` command ends early, by exit status."""
from __future__ import absolute_import

import six

__all__ = ['UsageError', 'CommandError', 'message']


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
    # A mangrove error says apart what a prompt needs (its brief) and the
    # list of valid names, which can be a whole catalog long.
    if getattr(exc, 'suggestions', None):
        return ' '.join(exc.brief.split())
    return ' '.join(six.text_type(exc).split())
