# -*- coding: utf-8 -*-
"""
Region names, normalized once where they enter.

AWS spells a region ``us-east-1``; Python attribute access wants
``us_east_1``. mangrove accepts either form everywhere and converts it here,
at the boundary, so the rest of the code only ever sees two canonical forms:
the *key* (``us_east_1``, used by :attr:`ServicePool.regions`) and the
*name* (``us-east-1``, what boto and AWS expect).
"""
from __future__ import absolute_import

import difflib
import re

import six

from mangrove.exceptions import InvalidArgumentError, InvalidArgumentTypeError

# Lower-case words joined by dashes or underscores: 'us-east-1',
# 'us_gov_west_1', 'universal'. Anything else cannot be a region.
_REGION_RE = re.compile(r'^[a-z0-9]+(?:[-_][a-z0-9]+)*$')

#: The word that means "every region the service knows" in declarations.
ALL = '*'


def region_key(name):
    """Normalize a region name of either form to its key (``us_east_1``).

    :param name: ``'us-east-1'`` or ``'us_east_1'`` (case-insensitive).
    :type name: str
    :rtype: str
    :raises InvalidArgumentTypeError: ``name`` is not a string.
    :raises InvalidArgumentError: ``name`` cannot be a region name.
    """
    if not isinstance(name, six.string_types):
        raise InvalidArgumentTypeError(
            'a region name must be a string such as %r or %r, not %s %r'
            % ('us-east-1', 'us_east_1', type(name).__name__, name))
    key = name.strip().lower().replace('-', '_')
    if not _REGION_RE.match(key):
        raise InvalidArgumentError(
            '%r is not a region name; expected a name such as %r or %r'
            % (name, 'us-east-1', 'us_east_1'))
    return str(key)


def region_name(key):
    """The AWS form of a region key: ``'us_east_1'`` -> ``'us-east-1'``.

    :type key: str
    :rtype: str
    """
    return key.replace('_', '-')


def region_keys(regions, what='regions'):
    """Normalize a list of region names, keeping order and dropping repeats.

    :param regions: a list, tuple or set of region names in either form.
    :param what: how the error messages name the argument.
    :rtype: list of str
    :raises InvalidArgumentTypeError: ``regions`` is not a collection of
        strings (a bare string is refused: it is almost always a forgotten
        list).
    """
    if isinstance(regions, six.string_types) or not isinstance(
            regions, (list, tuple, set, frozenset)):
        hint = (' such as [%r]' % regions
                if isinstance(regions, six.string_types) else '')
        raise InvalidArgumentTypeError(
            '%s must be a list of region names%s, %r or None, not %s %r'
            % (what, hint, ALL, type(regions).__name__, regions))
    keys = []
    for name in regions:
        key = region_key(name)
        if key not in keys:
            keys.append(key)
    return keys


def suggest(key, valid_keys):
    """A ``did you mean`` phrase for an unknown region key, or ``''``.

    :rtype: str
    """
    close = difflib.get_close_matches(key, list(valid_keys), n=3, cutoff=0.6)
    if not close:
        return ''
    return '; did you mean %s?' % ' or '.join(
        repr(region_name(c)) for c in close)
