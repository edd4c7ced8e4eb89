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

import re

import six

from mangrove.exceptions import (
    InvalidArgumentError, close_matches, not_one_of, wrong_type)

# Lower-case words joined by dashes or underscores: 'us-east-1',
# 'us_gov_west_1', 'universal'. Anything else cannot be a region.
_REGION_RE = re.compile(r'^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z')

_EXPECTED_NAME = "a string such as 'us-east-1' or 'us_east_1'"

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
        raise wrong_type('a region name', _EXPECTED_NAME, name)
    key = name.strip().lower().replace('-', '_')
    if not _REGION_RE.match(key):
        raise InvalidArgumentError(
            '%r is not a region name; expected %s' % (name, _EXPECTED_NAME),
            value=name, valid=_EXPECTED_NAME)
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
        raise wrong_type(what, 'a list of region names%s, %r or None'
                         % (hint, ALL), regions)
    keys = []
    for name in regions:
        key = region_key(name)
        if key not in keys:
            keys.append(key)
    return keys


def region_list(regions, what='regions'):
    """A list of region names as given, or None: the ``regions`` argument
    of a fan-out, checked for its type only (each name is checked where it
    is looked up).

    :raises InvalidArgumentTypeError: ``regions`` is not a list, tuple or
        set (a bare string is refused: it is almost always a forgotten
        list).
    """
    if regions is None:
        return None
    if isinstance(regions, six.string_types) or not isinstance(
            regions, (list, tuple, set, frozenset)):
        raise wrong_type(what, 'a list of region names or None', regions)
    return list(regions)


def unknown_region(error_class, head, name, valid_keys, what, as_names=False):
    """The error for a region name none of ``valid_keys`` matches.

    Suggestions are region names (``'us-east-1'``), whichever form the
    user typed; the message lists ``valid_keys`` as the pool shows them.

    :param error_class: the :class:`~mangrove.exceptions.MangroveError`
        subclass to raise.
    :param head: what went wrong, naming ``name``.
    :param name: the name as the user gave it.
    :param valid_keys: the region keys that would have been valid.
    :param what: how the message introduces the list (``'its regions'``).
    :param as_names: list the valid regions as names (``us-east-1``)
        rather than keys.
    :rtype: :class:`~mangrove.exceptions.MangroveError`
    """
    valid_keys = list(valid_keys)
    try:
        key = region_key(name)
    except (TypeError, ValueError):
        key = name
    suggestions = [region_name(k) for k in close_matches(key, valid_keys)]
    shown = [region_name(k) for k in valid_keys] if as_names else valid_keys
    return not_one_of(error_class, head, name, valid_keys, what, shown=shown,
                      suggestions=suggestions)
