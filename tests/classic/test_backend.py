# -*- coding: utf-8 -*-
"""The boto seam connects a region boto knows exactly as boto would."""
from __future__ import absolute_import

import pytest

from mangrove.classic.backend import boto_backend
from mangrove.registry import SERVICES

# Nothing here talks to AWS: no moto server (see conftest.py).
pytestmark = pytest.mark.no_server

KEYWORDS = dict(aws_access_key_id='testing', aws_secret_access_key='testing')


def _facts(conn):
    # boto's DynamoDB and Glacier modules hand out a Layer2 over the
    # connection itself.
    wrapper = type(conn)
    conn = getattr(conn, 'layer1', conn)
    handler = conn._auth_handler
    return (wrapper, type(conn), conn.host, conn.port, conn.is_secure,
            type(handler), getattr(handler, 'region_name', None),
            getattr(handler, 'service_name', None),
            conn._required_auth_capability())


# CloudSearchDomain cannot connect without a host of its own.
@pytest.mark.parametrize('name', sorted(set(SERVICES) - {'cloudsearchdomain'}))
def test_a_boto_region_connects_as_boto_connect_to_region_would(name):
    spec = SERVICES[name]
    module = boto_backend.load(spec)
    regions = sorted(boto_backend.boto_regions(spec))
    assert regions, 'boto lists no region for %s' % name
    for region in regions:
        ours = boto_backend.connect(spec, region, dict(KEYWORDS))
        boto_own = module.connect_to_region(region, **KEYWORDS)
        assert _facts(ours) == _facts(boto_own), (name, region)


def test_boto_keywords_with_their_own_meaning_go_through_connect_to_region():
    spec = SERVICES['s3']
    conn = boto_backend.connect(spec, 'us-west-1',
                                dict(KEYWORDS, host='s3.example.test'))
    assert conn.host == 's3.example.test'
