# -*- coding: utf-8 -*-
"""
Opt-in regions: which regions an account has enabled, and the failures of
those it has not.

Every commercial region opened since March 2019 (``af-south-1``,
``ap-east-1``, ``me-south-1``, ...) refuses requests until the account
enables it. AWS then answers as it does for bad credentials, in each
protocol's own words: EC2 ``401 AuthFailure``, the other XML services
``403 InvalidClientTokenId``, the JSON services ``400
UnrecognizedClientException``. From an opt-in region, those answers mean
the region is not enabled; :func:`not_enabled_error` turns them into a
:class:`~mangrove.exceptions.RegionNotEnabledError` so that a fan-out's
results say so.

``regions='enabled'`` asks EC2's ``DescribeRegions``, which lists the
regions enabled for the credentials that ask (:func:`enabled_regions`).
"""
from __future__ import absolute_import

import logging

from mangrove import catalog
from mangrove.exceptions import RegionNotEnabledError

log = logging.getLogger(__name__)

#: The word for "the regions enabled for these credentials".
ENABLED = 'enabled'

#: The error codes AWS answers a request to a region the account has not
#: enabled with (EC2; other XML services; JSON services; EC2 for an
#: account not yet signed up where it asks).
NOT_ENABLED_CODES = frozenset([
    'AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException',
    'OptInRequired'])

# Where to ask DescribeRegions in each partition: a region every account
# of that partition has.
_ASK_IN = {'aws': 'us-east-1', 'aws-cn': 'cn-north-1',
           'aws-us-gov': 'us-gov-west-1'}


def enabled_regions(backend, kwargs, partition, endpoint_url=None):
    """The regions of ``partition`` enabled for these credentials.

    :param backend: the pool's backend (what connects to EC2).
    :param kwargs: the pool's connection keywords (credentials, proxy...).
    :param partition: one partition, or ``'all'``.
    :param endpoint_url: the pool's ``endpoint_url``, if any.
    :returns: region names (dash form), in EC2's order.
    :rtype: list of str
    :raises: boto's error if ``DescribeRegions`` fails.
    """
    partitions = catalog.PARTITIONS if partition == catalog.ALL_PARTITIONS \
        else (partition or catalog.DEFAULT_PARTITION,)
    # Each backend knows EC2 by its own spec.
    spec = backend.service('ec2')
    names = []
    for name in partitions:
        conn = backend.connect(spec, _ASK_IN[name], kwargs,
                               endpoint_url=endpoint_url)
        try:
            answered = _region_names(conn)
        finally:
            conn.close()
        # A real partition lists only its own; an emulator may list all.
        names.extend(r for r in answered if catalog.partition_of(r) == name)
    log.debug('enabled regions (%s): %s', partition, ', '.join(names))
    return names


def _region_names(conn):
    """The regions EC2's ``DescribeRegions`` lists, through a boto
    connection or a boto3 client."""
    if hasattr(conn, 'describe_regions'):
        return [r['RegionName'] for r in conn.describe_regions()['Regions']]
    return [info.name for info in conn.get_all_regions()]


def _error_fields(error):
    """``(code, status, message)`` of a boto error or a botocore
    ``ClientError``."""
    response = getattr(error, 'response', None)
    if isinstance(response, dict) and 'Error' in response:
        details = response.get('Error') or {}
        return (details.get('Code'),
                (response.get('ResponseMetadata') or {}).get(
                    'HTTPStatusCode'), details.get('Message'))
    return (getattr(error, 'error_code', None),
            getattr(error, 'status', None),
            getattr(error, 'error_message', None) or
            getattr(error, 'message', None))


def not_enabled_error(error, region_name):
    """The :class:`~mangrove.exceptions.RegionNotEnabledError` that
    ``error`` stands for, or None.

    :param error: an exception a call to ``region_name`` raised.
    :param region_name: the region (dash form).
    """
    code, status, message = _error_fields(error)
    if code not in NOT_ENABLED_CODES or not catalog.needs_opt_in(region_name):
        return None
    message = message or ''
    fresh = RegionNotEnabledError(
        '%s is not enabled for these credentials: AWS answered %s %s (%s); '
        "enable the region for the account, or use regions='enabled'"
        % (region_name, status, code, ' '.join(('%s' % message).split())),
        region_name, code, status, error)
    fresh.__cause__ = error
    return fresh


class NotEnabledAware(object):
    """``func(proxy)`` for a fan-out, whose failure in a region the account
    has not enabled becomes a :class:`RegionNotEnabledError` (picklable if
    ``func`` is)."""

    __slots__ = ('func',)

    def __init__(self, func):
        self.func = func

    def __call__(self, proxy):
        try:
            return self.func(proxy)
        except Exception as exc:
            fresh = not_enabled_error(exc, proxy.region_name)
            if fresh is None:
                raise
        raise fresh

    def __getstate__(self):
        return self.func

    def __setstate__(self, func):
        self.func = func
