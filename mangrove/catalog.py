# -*- coding: utf-8 -*-
"""
The region catalog: which regions each service runs in, and their host names.

boto 2.49's endpoint data dates from 2018 and misses every region opened
since. mangrove ships its own catalog as package data
(``mangrove/data/endpoints.json``), generated at development time from
botocore's endpoint data by ``python tools/make_catalog.py``; botocore is
never imported here. The catalog covers the partitions in
:data:`PARTITIONS` and the services of :mod:`mangrove.registry`, keyed by
their endpoint prefix (``'ec2'``, ``'elasticloadbalancing'``, ``'email'``).

Region names are in their dash form (``'us-east-1'``). The data is read once,
on first use, through :func:`pkgutil.get_data`, so it works from a zip or a
wheel as well as from a source tree.
"""
from __future__ import absolute_import

import json
import pkgutil
import re

from mangrove._interpreters import native_strings
from mangrove.exceptions import InvalidArgumentError
from mangrove.fork import ForkSafeLock

#: The partitions the catalog covers, in the order :func:`regions` lists
#: them.
PARTITIONS = ('aws', 'aws-cn', 'aws-us-gov')

# Fork-safe: a child forked while another thread parses the catalog must
# not inherit the lock held.
_lock = ForkSafeLock()
_catalog = None


def _load():
    global _catalog
    # Checked once outside the lock so that every call after the first
    # costs no locking; the lock only keeps two first calls from both parsing.
    if _catalog is None:
        with _lock:
            if _catalog is None:
                raw = pkgutil.get_data('mangrove', 'data/endpoints.json')
                data = json.loads(raw.decode('utf-8'))
                # Python 2: boto builds request lines from host names, and
                # unicode in them breaks requests with binary bodies.
                data = native_strings(data)
                data['regex'] = dict(
                    (name, re.compile(data['partitions'][name]['regionRegex']))
                    for name in PARTITIONS)
                _catalog = data
    return _catalog


def _partitions(partition):
    if partition is None:
        return PARTITIONS
    if partition not in PARTITIONS:
        raise InvalidArgumentError(
            'unknown partition %r; valid partitions are %s (or None for all)'
            % (partition, ', '.join(repr(p) for p in PARTITIONS)))
    return (partition,)


def regions(endpoint_prefix, partition=None):
    """The regions the catalog has an endpoint for, for one service.

    A service with a single partition-wide endpoint (IAM, Route 53,
    Support) is listed under the region its requests are signed for,
    e.g. ``['us-east-1', 'cn-north-1', 'us-gov-west-1']`` for ``'iam'``.

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'ec2'``.
    :type endpoint_prefix: str
    :param partition: ``'aws'``, ``'aws-cn'`` or ``'aws-us-gov'``; ``None``
        for all three.
    :type partition: str or None
    :returns: region names, sorted within each partition, partitions in the
        order of :data:`PARTITIONS`; ``[]`` for a prefix the catalog lacks.
    :rtype: list of str
    :raises InvalidArgumentError: ``partition`` is not one of
        :data:`PARTITIONS`.
    """
    wanted = _partitions(partition)
    service = _load()['services'].get(endpoint_prefix, {})
    names = []
    for name in wanted:
        names.extend(sorted(service.get(name, ())))
    return names


def hostname(endpoint_prefix, region_name):
    """The host name of a service's endpoint in one region.

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'s3'``.
    :type endpoint_prefix: str
    :param region_name: a region name, e.g. ``'eu-west-1'``.
    :type region_name: str
    :returns: the host name (``'s3.eu-west-1.amazonaws.com'``), or ``None``
        if the catalog has no endpoint for that service in that region.
    :rtype: str or None
    """
    partition = partition_of(region_name)
    if partition is None:
        return None
    service = _load()['services'].get(endpoint_prefix, {})
    return service.get(partition, {}).get(region_name)


def global_endpoint(endpoint_prefix, partition='aws'):
    """A service's partition-wide endpoint, if it has one.

    IAM, Route 53 and Support have only this one in each partition; S3 and
    STS also have one in ``'aws'`` (``s3.amazonaws.com``,
    ``sts.amazonaws.com``) beside their regional endpoints.

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'iam'``.
    :type endpoint_prefix: str
    :param partition: ``'aws'``, ``'aws-cn'`` or ``'aws-us-gov'``.
    :type partition: str
    :returns: ``{'hostname': ..., 'signing_region': ...}``, e.g.
        ``{'hostname': 'iam.amazonaws.com', 'signing_region': 'us-east-1'}``;
        ``None`` if the service has no such endpoint in that partition.
    :rtype: dict or None
    :raises InvalidArgumentError: ``partition`` is not one of
        :data:`PARTITIONS`.
    """
    if partition is None:
        raise InvalidArgumentError(
            'global_endpoint() needs one partition of %s, not None'
            % ', '.join(repr(p) for p in PARTITIONS))
    _partitions(partition)
    endpoint = _load()['global'].get(endpoint_prefix, {}).get(partition)
    return dict(endpoint) if endpoint is not None else None


def partition_of(region_name):
    """The partition a region name belongs to.

    A name the catalog lists belongs to its partition; any other name is
    matched against each partition's ``regionRegex``, so a region opened
    after the catalog was generated is still placed (``'eu-west-9'`` is
    ``'aws'``).

    :param region_name: a region name, e.g. ``'cn-north-1'``.
    :type region_name: str
    :returns: ``'aws'``, ``'aws-cn'`` or ``'aws-us-gov'``; ``None`` if no
        partition matches.
    :rtype: str or None
    """
    catalog = _load()
    for name in PARTITIONS:
        if region_name in catalog['partitions'][name]['regions']:
            return name
    for name in PARTITIONS:
        if catalog['regex'][name].match(region_name):
            return name
    return None
