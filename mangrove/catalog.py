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

from mangrove._compat import native_strings
from mangrove.exceptions import InvalidArgumentError
from mangrove.fork import ForkSafeLock

#: The partitions the catalog covers, in the order :func:`regions` lists
#: them.
PARTITIONS = ('aws', 'aws-cn', 'aws-us-gov')

#: The partition "every region" means unless a pool says otherwise: one set
#: of credentials belongs to one partition, and the commercial one is where
#: nearly every account lives.
DEFAULT_PARTITION = 'aws'

#: The word for every partition at once (``partition='all'``).
ALL_PARTITIONS = 'all'

#: boto 2's name for the commercial partition's endpoint of IAM and Route 53.
BOTO_UNIVERSAL = 'universal'

# The commercial regions that were open before AWS made new regions opt-in
# (March 2019): enabled for every account. Every other commercial region,
# including any opened after this catalog was generated, must be enabled by
# the account first. The list is closed: no region will join it.
_ENABLED_BY_DEFAULT = frozenset([
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
    'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1',
    'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'])

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
    if partition is None or partition == ALL_PARTITIONS:
        return PARTITIONS
    if partition not in PARTITIONS:
        raise InvalidArgumentError(
            'unknown partition %r; valid partitions are %s (or %r for all)'
            % (partition, ', '.join(repr(p) for p in PARTITIONS),
               ALL_PARTITIONS))
    return (partition,)


def regions(endpoint_prefix, partition=None):
    """The regions the catalog has an endpoint for, for one service.

    A service with a single partition-wide endpoint (IAM, Route 53,
    Support) is listed under the region its requests are signed for,
    e.g. ``['us-east-1', 'cn-north-1', 'us-gov-west-1']`` for ``'iam'``.

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'ec2'``.
    :type endpoint_prefix: str
    :param partition: ``'aws'``, ``'aws-cn'`` or ``'aws-us-gov'``; ``None``
        or ``'all'`` for all three.
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


def global_endpoints(endpoint_prefix, partition=None):
    """The endpoints of a *global service*: one per partition in which the
    service has no regional endpoint at all (IAM, Route 53, Support).

    S3 and STS have a partition-wide endpoint too, but regional ones beside
    it, so they are not global services.

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'iam'``.
    :type endpoint_prefix: str
    :param partition: one partition, or ``None``/``'all'`` for all three.
    :type partition: str or None
    :returns: one dict per partition, in the order of :data:`PARTITIONS`,
        with ``'name'`` (botocore's endpoint name, ``'aws-global'``),
        ``'partition'``, ``'hostname'`` and ``'signing_region'``; ``[]`` for
        a service with regional endpoints.
    :rtype: list of dict
    :raises InvalidArgumentError: ``partition`` is not a partition.
    """
    found = []
    endpoints = _load()['global'].get(endpoint_prefix, {})
    for name in _partitions(partition):
        endpoint = endpoints.get(name)
        if endpoint is not None and not endpoint['regional']:
            found.append({'name': endpoint['name'], 'partition': name,
                          'hostname': endpoint['hostname'],
                          'signing_region': endpoint['signing_region']})
    return found


def global_endpoint_for(endpoint_prefix, name):
    """The global-service endpoint that a name stands for, if any.

    Users reach a global service's endpoint by many names, and each means
    the endpoint of one partition: its own name (``'aws-global'``), the
    partition's (``'aws-cn'``), boto 2's ``'universal'`` (commercial), and
    any region of the partition (``'us-east-1'``, ``'eu-west-1'``: boto 2
    connects those to ``iam.amazonaws.com`` too).

    :param endpoint_prefix: the service's endpoint prefix, e.g. ``'iam'``.
    :type endpoint_prefix: str
    :param name: a name in AWS form (dashes).
    :type name: str
    :returns: the endpoint as :func:`global_endpoints` gives it, or None if
        the service is not global in the partition of ``name`` (or ``name``
        belongs to none).
    :rtype: dict or None
    """
    endpoints = global_endpoints(endpoint_prefix)
    for endpoint in endpoints:
        if name in (endpoint['name'], endpoint['partition']):
            return endpoint
    partition = 'aws' if name == BOTO_UNIVERSAL else partition_of(name)
    for endpoint in endpoints:
        if endpoint['partition'] == partition:
            return endpoint
    return None


def needs_opt_in(region_name):
    """Whether an account must enable a region before using it.

    Every commercial region opened since March 2019 (``af-south-1``,
    ``ap-east-1``, ``me-south-1``, ...) is disabled until the account
    enables it; China and GovCloud regions never are.

    :param region_name: a region name, e.g. ``'af-south-1'``.
    :type region_name: str
    :rtype: bool
    """
    return (partition_of(region_name) == 'aws'
            and region_name not in _ENABLED_BY_DEFAULT)


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
