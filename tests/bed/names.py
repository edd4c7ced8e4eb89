# -*- coding: utf-8 -*-
"""AWS names as the test bed reads them: regions, host names, SigV4 scopes."""
from __future__ import absolute_import

import re

#: AWS's 34 commercial regions, as the region catalog lists them.
COMMERCIAL_REGIONS = [
    'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1',
    'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-central-1',
    'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
    'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1',
    'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1',
    'us-east-2', 'us-west-1', 'us-west-2',
]

_REGION_RE = re.compile(
    r'(?:^|-)((?:us|eu|ap|sa|ca|me|af|il|cn|mx)(?:-gov|-iso|-isob)?'
    r'-[a-z]+-\d+)$')


def region_of_host(host):
    """Return the AWS region an AWS host name belongs to.

    Covers the forms boto 2.49 uses: ``ec2.eu-west-1.amazonaws.com``,
    ``us-west-1.queue.amazonaws.com``, ``bucket.s3-us-west-1.amazonaws.com``,
    ``s3.eu-central-1.amazonaws.com``, ``*.amazonaws.com.cn`` and the
    region-less global names (``ec2.amazonaws.com``, ``s3.amazonaws.com``,
    ``s3-external-1.amazonaws.com``, ``iam.amazonaws.com``...), which are
    ``us-east-1``.  A port suffix is ignored.

    :param host: a host name, maybe with ``:port``.
    :type host: str or None
    :returns: the region name, or None when ``host`` is no AWS host name.
    :rtype: str or None
    """
    if not host:
        return None
    host = host.strip().lower().rstrip('.')
    if ':' in host:
        host = host.rsplit(':', 1)[0]
    if host.endswith('.amazonaws.com.cn'):
        prefix, default = host[:-len('.amazonaws.com.cn')], 'cn-north-1'
    elif host.endswith('.amazonaws.com'):
        prefix, default = host[:-len('.amazonaws.com')], 'us-east-1'
    else:
        return None
    labels = prefix.split('.')
    # Right to left: an S3 bucket name in front of the service may itself
    # look like a region.
    for label in reversed(labels):
        match = _REGION_RE.search(label)
        if match:
            return match.group(1)
        if label == 'us-gov':
            return 'us-gov-west-1'
    return default


_CREDENTIAL_RE = re.compile(
    r'Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request')


def credential_scope(authorization):
    """Return the ``(region, service)`` of a SigV4 ``Authorization`` header.

    :param authorization: the header's value, e.g. ``'AWS4-HMAC-SHA256
        Credential=AKID/20260101/eu-west-1/ec2/aws4_request, ...'``.
    :type authorization: str or None
    :returns: ``(region, service)``, or None for SigV2 or no header.
    :rtype: tuple or None
    """
    if not authorization:
        return None
    if isinstance(authorization, bytes):
        authorization = authorization.decode('latin-1')
    if not authorization.startswith('AWS4-'):
        return None
    match = _CREDENTIAL_RE.search(authorization)
    if not match:
        return None
    return match.group(1), match.group(2)
