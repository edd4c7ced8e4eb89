# -*- coding: utf-8 -*-
"""
Declarations: the ``service`` and ``services`` class attributes, validated.

A pool class says what it serves in a class attribute::

    service = 'ec2'
    service = {'ec2': {'regions': ['us-east-1'],
                       'default_region': 'us-east-1'}}
    services = {'ec2': {...}, 's3': {'regions': '*'}, 'sqs': {}}

This module turns those into :class:`Declaration` tuples, or raises
:class:`~mangrove.exceptions.InvalidDeclarationError` naming the class and
the service, before a pool builds anything. Data flows one way from here:
declaration, then settings merged with constructor arguments, then the pool.
"""
from __future__ import absolute_import

import collections
import re
import sys

import six
from six.moves.urllib.parse import urlsplit

from mangrove import backends
from mangrove.catalog import ALL_PARTITIONS, PARTITIONS
from mangrove.exceptions import (
    InvalidArgumentError, InvalidDeclarationError, MangroveError, not_one_of,
    rephrase, wrong_type, wrong_value)
from mangrove.optin import ENABLED
from mangrove.regions import ALL, region_key, region_keys

#: The keys a service's options may have.
OPTION_KEYS = ('regions', 'default_region', 'endpoint_url', 'partition',
               'backend')

#: What ``backend`` may name: classic boto (the default), or boto3 clients
#: (:mod:`mangrove.pool.client`, Python 3.9+).
BACKENDS = backends.NAMES

_EXPECTED_NAME = "a non-empty string such as 'ec2'"
_EXPECTED_SERVICE = ("a service name or a dict of exactly one service name "
                     "to its options")
_EXPECTED_SERVICES = ("a non-empty dict of service name to options such as "
                      "{'ec2': {'regions': ['us-east-1']}, 's3': {}}")


class Declaration(collections.namedtuple(
        'Declaration',
        ['service', 'regions', 'default_region', 'endpoint_url',
         'partition', 'backend'])):
    """One service's validated declaration.

    :ivar service: the service name as declared.
    :ivar regions: region keys, or None for every region the service knows.
    :ivar default_region: a region key or None.
    :ivar endpoint_url: a URL template or None.
    :ivar partition: ``'aws'``, ``'aws-cn'``, ``'aws-us-gov'`` or None.
    :ivar backend: ``'boto'``, ``'boto3'``, or None for the pool's own.
    """

    __slots__ = ()

    def __new__(cls, service, regions=None, default_region=None,
                endpoint_url=None, partition=None, backend=None):
        # backend came last: declarations made without it stay valid.
        return super(Declaration, cls).__new__(
            cls, service, regions, default_region, endpoint_url, partition,
            backend)


def check_bool(name, value):
    """Refuse anything but True or False for the argument ``name``."""
    if not isinstance(value, bool):
        raise wrong_type(name, 'True or False', value)


def check_credential(name, value):
    """Refuse a credential that is not a string (or None), without ever
    showing its value."""
    if value is not None and not isinstance(value, six.string_types):
        raise wrong_type(name, 'a string or None', value, show_value=False)


def overridden(decl, regions=None, default_region=None, endpoint_url=None,
               partition=None):
    """``decl`` with the constructor's arguments (those not None) in place
    of what it declares, each checked.

    :rtype: :class:`Declaration`
    """
    if regions is not None:
        decl = decl._replace(regions=parse_regions(regions))
    if default_region is not None:
        decl = decl._replace(default_region=parse_default(default_region))
    if endpoint_url is not None:
        decl = decl._replace(endpoint_url=parse_endpoint_url(endpoint_url))
    if partition is not None:
        decl = decl._replace(partition=parse_partition(partition))
    return decl


def _owner_name(owner):
    return owner if isinstance(owner, six.string_types) else owner.__name__


def parse_regions(value, what='regions'):
    """``None`` or ``'*'`` -> None (every region); ``'enabled'`` -> itself
    (the regions enabled for the pool's credentials); a list -> region
    keys."""
    if value is None or value == ALL:
        return None
    if value == ENABLED:
        return ENABLED
    return region_keys(value, what)


def parse_backend(value):
    """A backend name (``'boto'``, ``'boto3'``), checked, or None."""
    if value is None or value in BACKENDS:
        return value
    if not isinstance(value, six.string_types):
        raise wrong_type('backend', "'boto', 'boto3' or None", value)
    raise not_one_of(InvalidArgumentError, 'unknown backend %r' % (value,),
                     value, BACKENDS, 'backends')


def parse_default(value):
    """A default region name of either form -> its key, or None."""
    return None if value is None else region_key(value)


def parse_partition(value):
    """A partition name or ``'all'``, checked, or None."""
    if value is None:
        return value
    if not isinstance(value, six.string_types):
        raise wrong_type('partition', 'one of %s, %r or None' % (', '.join(
            repr(p) for p in PARTITIONS), ALL_PARTITIONS), value)
    if value in PARTITIONS or value == ALL_PARTITIONS:
        return value
    raise not_one_of(InvalidArgumentError, 'unknown partition %r' % (value,),
                     value, PARTITIONS + (ALL_PARTITIONS,),
                     'valid partitions')


# The port of a URL's netloc, if it names one: what follows the last ':'
# after the host (an IPv6 host is bracketed).
_NETLOC_RE = re.compile(r'^(?:.*@)?(?:\[[^\]]*\]|[^:]*)(?::(.*))?$')


def parse_endpoint_url(value):
    """An ``endpoint_url`` template, checked, or None.

    It must be an ``http`` or ``https`` URL with a host; ``{region}`` in it
    stands for the region name.
    """
    if value is None:
        return None
    if not isinstance(value, six.string_types):
        raise wrong_type('endpoint_url', 'a URL string such as %r'
                         % 'http://127.0.0.1:4566', value)
    expected = 'something like %r or %r' % (
        'http://127.0.0.1:4566', 'https://s3.{region}.example.com')
    try:
        parts = urlsplit(value.replace('{region}', 'region'))
        hostname = parts.hostname
    except ValueError:
        # An unclosed IPv6 bracket ('http://[::1'), among others.
        parts = hostname = None
    if parts is not None and '@' in parts.netloc:
        # boto has nowhere to put them: they would be dropped silently.
        raise InvalidArgumentError(
            'endpoint_url %r carries credentials (user:password@), which '
            'boto never sends; give the host alone, %s, and credentials as '
            'aws_access_key_id and aws_secret_access_key'
            % (_without_userinfo(parts), expected),
            value=_without_userinfo(parts), valid=expected)
    # urlsplit's .port differs between Pythons on a bad port (an error, or
    # None), so the port is checked here, once, for all of them.
    port = None if parts is None else \
        _NETLOC_RE.match(parts.netloc).group(1)
    port_ok = port is None or (port.isdigit() and 0 < int(port) < 65536)
    if parts is None or parts.scheme not in ('http', 'https') or \
            not hostname or not port_ok:
        raise InvalidArgumentError(
            'endpoint_url %r is not an http(s) URL with a host (and a port '
            'from 1 to 65535, if any); expected %s' % (value, expected),
            value=value, valid=expected)
    return value


def _without_userinfo(parts):
    """The URL of ``parts`` with its user:password@ left out, for messages
    (a password has no place in one)."""
    return parts._replace(netloc=parts.netloc.rsplit('@', 1)[1]).geturl()


def parse_options(owner, service, options):
    """Validate one service's options dict into a :class:`Declaration`.

    :param owner: the declaring class (or its name), for error messages.
    :param service: the service name.
    :param options: a dict with any of :data:`OPTION_KEYS`, or None.
    :rtype: :class:`Declaration`
    :raises InvalidDeclarationError: the options have the wrong shape.
    """
    where = '%s declares service %r' % (_owner_name(owner), service)
    if options is None:
        options = {}
    if not isinstance(options, dict):
        expected = 'a dict with keys from %s' % ', '.join(OPTION_KEYS)
        raise InvalidDeclarationError(
            '%s with options %r; options must be %s' % (
                where, options, expected), value=options, valid=expected)
    unknown = sorted(set(options) - set(OPTION_KEYS), key=str)
    if unknown:
        raise not_one_of(
            InvalidDeclarationError, '%s with unknown option %s' % (
                where, ', '.join(repr(k) for k in unknown)),
            unknown[0], OPTION_KEYS, 'valid options')
    try:
        return Declaration(
            service=service,
            regions=parse_regions(options.get('regions')),
            default_region=parse_default(options.get('default_region')),
            endpoint_url=parse_endpoint_url(options.get('endpoint_url')),
            partition=parse_partition(options.get('partition')),
            backend=parse_backend(options.get('backend')))
    except MangroveError as exc:
        raise rephrase(exc, where, InvalidDeclarationError)


def _check_name(owner, service):
    if not isinstance(service, six.string_types) or not service.strip():
        raise InvalidDeclarationError(
            '%s declares a service named %r; a service name is %s'
            % (_owner_name(owner), service, _EXPECTED_NAME),
            value=service, valid=_EXPECTED_NAME)
    return service


def service_declaration(cls):
    """Read and validate ``cls.service``.

    :param cls: a :class:`~mangrove.pool.ServicePool` subclass.
    :rtype: :class:`Declaration`
    :raises InvalidDeclarationError: ``service`` is missing or malformed.
    """
    value = getattr(cls, 'service', None)
    if value is None:
        raise InvalidDeclarationError(
            '%s has no service: ServicePool is abstract; subclass it and set '
            "service = 'ec2' (or {'ec2': {'regions': [...], "
            "'default_region': ...}})" % cls.__name__,
            valid=_EXPECTED_SERVICE)
    if isinstance(value, dict):
        if len(value) != 1:
            raise wrong_value('%s.service' % cls.__name__,
                              _EXPECTED_SERVICE, value,
                              InvalidDeclarationError)
        (name, options), = value.items()
        return parse_options(cls, _check_name(cls, name), options)
    return parse_options(cls, _check_name(cls, value), None)


def services_declaration(cls):
    """Read and validate ``cls.services`` of a mixin pool.

    ``services`` is a dict of service name to options (``{}`` for every
    region and no default), or a list of service names.

    :rtype: :class:`collections.OrderedDict` of name to :class:`Declaration`
    :raises InvalidDeclarationError: ``services`` is missing or malformed.
    """
    value = getattr(cls, 'services', None)
    if isinstance(value, (list, tuple)):
        for name in value:
            _check_name(cls, name)
        value = collections.OrderedDict((name, None) for name in value)
    if not isinstance(value, dict) or not value:
        raise wrong_value('%s.services' % cls.__name__, _EXPECTED_SERVICES,
                          value, InvalidDeclarationError)
    # A plain dict keeps the declared order from Python 3.7 on; before
    # that its order is arbitrary, so sort to make it repeatable.
    ordered = isinstance(value, collections.OrderedDict) or \
        sys.version_info >= (3, 7)
    names = list(value) if ordered else sorted(value, key=repr)
    return collections.OrderedDict(
        (name, parse_options(cls, _check_name(cls, name), value[name]))
        for name in names)
