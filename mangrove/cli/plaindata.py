# -*- coding: utf-8 -*-
"""
boto results as plain data: dicts, lists, strings and numbers.

:func:`to_data` turns whatever a boto method returned (result sets, boto
objects, datetimes) into data that :mod:`json` can write and that
:mod:`mangrove.cli.tables` lays out as text. It never imports boto.
"""
from __future__ import absolute_import

import base64
import collections
import datetime
import re
import sys

import six

from mangrove._compat import Mapping


__all__ = ['to_data', 'is_secret']

# Deeper than any boto object graph; a cycle not caught by identity stops
# here. Dicts and lists (boto3's results) do not count: only objects.
_MAX_DEPTH = 8

_CAMEL = re.compile(r'(?<=[a-z0-9])([A-Z])')

# Attributes boto's XML parser leaves on objects that say nothing.
_XML_NOISE = frozenset(['item', 'requestId', 'xmlns', 'connection'])

# Fields whose value is a secret: a new key pair's private key (AWS keeps
# no copy), a new IAM access key's secret, STS credentials, passwords.
_SECRET_NAMES = frozenset([
    'material', 'key_material', 'private_key', 'password', 'secret',
    'secret_key', 'secret_access_key', 'session_token', 'security_token',
    'token'])
_SECRET_ENDINGS = ('_password', '_secret', '_secret_key', '_private_key',
                   '_session_token', '_security_token')


def _is_connection(value):
    connection = sys.modules.get('boto.connection')
    return connection is not None and isinstance(
        value, connection.AWSAuthConnection)


def _is_stream(value):
    """Whether ``value`` is a botocore ``StreamingBody``."""
    return type(value).__module__ == 'botocore.response' and \
        callable(getattr(value, 'read', None))


def _bytes_data(value):
    try:
        return value.decode('utf-8')
    except UnicodeDecodeError:
        return base64.b64encode(value).decode('ascii')


def _snake(name):
    return _CAMEL.sub(r'_\1', name).lower()


def is_secret(name):
    """Whether a field of this name holds a value AWS shows only once or
    that grants access: a private key, a password, a secret access key, a
    session token.

    :param name: a field name, ``snake_case`` or ``camelCase``.
    :rtype: bool
    """
    name = _snake(name)
    return name in _SECRET_NAMES or name.endswith(_SECRET_ENDINGS)


def _public_attributes(value):
    """``(attribute, field)`` of the public data attributes of an object:
    its own, plus the properties of its class (boto computes
    ``Instance.state`` that way), each under a ``snake_case`` field name."""
    names = set()
    try:
        names.update(vars(value))
    except TypeError:
        pass
    cls = type(value)
    for name in dir(cls):
        if isinstance(getattr(cls, name, None), property):
            names.add(name)
    # boto's XML parser also sets an attribute for every element it does not
    # know: ``RunInstancesResponse`` (capitalized, never one of boto's own),
    # list wrappers (``item``, ``attachmentSet``), ``requestId``, and
    # camelCase copies of fields boto also parses (``ownerId`` beside
    # ``owner_id``). A camelCase element boto does not parse
    # (``creationDate`` of an image) is kept under its snake_case name.
    # ``connection`` is the owning connection (or None) on every boto object.
    fields = []
    for name in sorted(names):
        if name.startswith('_') or name[:1].isupper() or \
                name in _XML_NOISE or name.endswith('Set'):
            continue
        field = _snake(name)
        if field != name and field in names:
            continue
        fields.append((name, field))
    return sorted(fields, key=lambda f: f[1])


def to_data(value, _path=None, _depth=0):
    """Convert a boto result to plain data that :mod:`json` can write.

    boto objects become dicts of their public, non-callable attributes,
    recursively, without the leftovers of boto's XML parsing (``item``,
    ``requestId``, camelCase copies of snake_case fields); connection
    objects and references back up to an object
    already being converted are left out (in a list, such a reference
    becomes its ``str()``). Lists,
    tuples and boto result sets become lists, sets sorted lists, mappings
    dicts with string keys, datetimes ISO 8601 strings, and anything else
    its ``str()``. Bytes are text when they are UTF-8, else their base64
    encoding (as the AWS CLI shows binary fields); a boto3 streaming body
    (S3's ``get_object``) is read whole and shown the same way.

    :param value: what a boto method returned.
    :rtype: dict, list, str, int, float, bool or None
    """
    if value is None or isinstance(value, (bool, float) + six.integer_types):
        return value
    if isinstance(value, six.string_types):
        return value
    if isinstance(value, bytes):
        return _bytes_data(value)
    if _is_stream(value):
        return _bytes_data(value.read())
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if _is_connection(value):
        return str(value)
    path = _path if _path is not None else set()
    if id(value) in path or _depth >= _MAX_DEPTH:
        return str(value)
    path.add(id(value))
    try:
        if isinstance(value, Mapping):
            return collections.OrderedDict(
                (six.text_type(k), to_data(v, path, _depth))
                for k, v in sorted(value.items(), key=lambda i: str(i[0])))
        if isinstance(value, (list, tuple)):
            return [to_data(v, path, _depth) for v in value]
        if isinstance(value, (set, frozenset)):
            return [to_data(v, path, _depth)
                    for v in sorted(value, key=str)]
        return _object_data(value, path, _depth)
    finally:
        path.discard(id(value))


def _object_data(value, path, depth):
    """A boto object's public data attributes, each as plain data."""
    fields = _public_attributes(value)
    if not fields:
        return str(value)
    data = collections.OrderedDict()
    for name, field in fields:
        try:
            item = getattr(value, name)
        except Exception:
            # A property that cannot be computed for this object is
            # simply not part of its data.
            continue
        # A reference back up the tree (boto's BlockDeviceType keeps its
        # mapping as ``connection``) would only repeat what is shown.
        if callable(item) or _is_connection(item) or id(item) in path:
            continue
        data[field] = to_data(item, path, depth + 1)
    return data
