# -*- coding: utf-8 -*-
"""Results read at a console: ``results.us_east_1`` and a repr that gives a
glimpse of small results without ever showing a secret."""
from __future__ import absolute_import

import copy
import pickle

import pytest

from mangrove import RegionAttributeError, RegionNotInPoolError
from mangrove.services import Ec2Pool, SqsPool

REGIONS = ['us-east-1', 'eu-west-1']


def test_a_region_reads_as_an_attribute_as_the_regions_mapping_does():
    sqs = SqsPool(connect=True, regions=REGIONS)
    sqs.regions.eu_west_1.create_queue('glimpse-orders')

    queues = sqs.call('get_all_queues')

    assert [q.name for q in queues.eu_west_1] == ['glimpse-orders']
    assert queues.us_east_1 == queues['us-east-1'] == []
    assert 'eu_west_1' in dir(queues) and 'us_east_1' in dir(queues)
    assert getattr(queues, 'ap_south_1', 'absent') == 'absent'
    with pytest.raises(RegionAttributeError) as info:
        queues.ap_south_1
    assert isinstance(info.value, AttributeError)
    assert isinstance(info.value, RegionNotInPoolError)
    assert info.value.value == 'ap_south_1'
    assert info.value.valid == ['us_east_1', 'eu_west_1']


def test_a_failed_region_read_as_an_attribute_says_why():
    pool = Ec2Pool(connect=True, regions=REGIONS)

    results = pool.call('get_all_instances',
                        instance_ids=['i-00000000000000000'])

    assert sorted(results.failed) == ['eu_west_1', 'us_east_1']
    with pytest.raises(AttributeError) as info:
        results.eu_west_1
    assert 'failed with EC2ResponseError' in str(info.value)
    assert not hasattr(results, 'eu_west_1')


def test_small_results_show_a_glimpse_in_their_repr():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    pool.regions.us_east_1.create_security_group('glimpse', 'a group')

    groups = pool.call('get_all_security_groups', groupnames=['glimpse'],
                       regions=['us-east-1'])
    zones = pool.call('get_all_zones')

    assert repr(groups) == \
        '<RegionResults 1 ok: us_east_1=[SecurityGroup:glimpse]>'
    text = repr(zones)
    assert text.startswith('<RegionResults 2 ok: us_east_1=[Zone:us-east-1')
    assert 'eu_west_1=[Zone:eu-west-1' in text and text.endswith('>')
    assert '(%d)' % len(zones.us_east_1) in text


def test_a_glimpse_never_shows_a_string_or_a_dict():
    pool = Ec2Pool(connect=True, regions=['us-east-1'])

    keys = pool.call('create_key_pair', 'glimpse-key')
    material = keys.us_east_1.material
    as_text = pool.map(lambda region: material)
    as_dict = pool.map(lambda region: {'secret_access_key': material})

    assert material and material not in repr(keys)
    assert repr(keys) == '<RegionResults 1 ok: us_east_1=KeyPair:glimpse-key>'
    assert repr(as_text) == \
        '<RegionResults 1 ok: us_east_1=<%s of %d>>' % (
            type(material).__name__, len(material))
    assert repr(as_dict) == '<RegionResults 1 ok: us_east_1={1 keys}>'
    assert 'secret' not in repr(as_dict)


def test_large_or_failed_results_keep_the_counting_repr():
    wide = REGIONS + ['us-west-2', 'ap-southeast-2', 'eu-central-1']
    pool = Ec2Pool(connect=True, regions=wide)

    many = pool.map(lambda region: [])
    long_values = pool.map(lambda region: [region] * 50,
                           regions=['us-east-1'])
    failed = pool.call('get_all_instances',
                       instance_ids=['i-00000000000000000'],
                       regions=['eu-west-1'])

    assert repr(many) == '<RegionResults 5 ok>'
    assert repr(long_values) == \
        '<RegionResults 1 ok: us_east_1=[<Ec2Pool us_east_1>, ... (50)]>'
    assert repr(failed) == '<RegionResults 0 ok, 1 failed: eu_west_1>'


def test_results_with_attribute_access_still_copy_and_pickle():
    pool = Ec2Pool(connect=True, regions=REGIONS)
    results = pool.map(lambda region: region.region_name)

    for twin in (copy.deepcopy(results), pickle.loads(pickle.dumps(results))):
        assert twin.us_east_1 == 'us-east-1'
        assert dict(twin) == dict(results)
