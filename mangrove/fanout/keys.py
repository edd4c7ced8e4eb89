# -*- coding: utf-8 -*-
"""
How results are keyed: a region key (``'us_east_1'``) or a tuple of parts
(``('ec2', 'us_east_1')``), found in either spelling of a region, and
written one way in messages.
"""
from __future__ import absolute_import

import collections

import six

from mangrove.exceptions import MangroveError
from mangrove.regions import region_key

__all__ = ['format_key', 'normal_key', 'hashable', 'KeyedDict']


def format_key(key):
    """How mangrove writes a result key in messages.

    ``'us_east_1'`` stays as it is; a mixin pool's ``('ec2', 'us_east_1')``
    becomes ``ec2/us_east_1``.

    :param key: a task key.
    :rtype: str
    """
    if isinstance(key, tuple):
        return '/'.join('%s' % (part,) for part in key)
    return '%s' % (key,)


def _region_form(name):
    try:
        return region_key(name)
    except MangroveError:
        return name


def normal_key(key):
    """The key a result is stored under, for a key written either way.

    A region name becomes its key (``'us-east-1'`` -> ``'us_east_1'``); in
    a tuple such as ``(service, region)`` or ``(account, service, region)``
    the region, last, is written as a key and the parts before it as a
    pool's attributes (``'cognito-identity'`` -> ``'cognito_identity'``).
    Anything else is returned as it is.
    """
    if isinstance(key, six.string_types):
        return _region_form(key)
    if isinstance(key, tuple) and len(key) >= 2 and all(
            isinstance(part, six.string_types) for part in key):
        return tuple(part.strip().lower().replace('-', '_')
                     for part in key[:-1]) + (_region_form(key[-1]),)
    return key


def hashable(key):
    try:
        hash(key)
    except TypeError:
        return False
    return True


class KeyedDict(collections.OrderedDict):
    """An ordered dict of result keys that finds a key in either spelling."""

    def __missing__(self, key):
        other = normal_key(key)
        if other is not key and other != key and \
                collections.OrderedDict.__contains__(self, other):
            return self[other]
        raise KeyError(key)

    def __contains__(self, key):
        if not hashable(key):
            return False
        return collections.OrderedDict.__contains__(self, key) or \
            collections.OrderedDict.__contains__(self, normal_key(key))

    def stored(self, key):
        """The key as stored, for a key that is ``in`` the dict."""
        if collections.OrderedDict.__contains__(self, key):
            return key
        return normal_key(key)

    def get(self, key, default=None):
        if not hashable(key):
            return default
        try:
            return self[key]
        except KeyError:
            return default
