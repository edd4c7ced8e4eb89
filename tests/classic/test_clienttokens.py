# -*- coding: utf-8 -*-
"""Client tokens: a re-sent ``run_instances`` is carried out once.

boto sends a request again when its connection drops before the answer,
even one AWS carried out. The fault proxy here does the work (forwards the
request to moto), then drops the client's connection without answering;
it also keeps AWS's promise that moto does not, answering a re-send with a
``ClientToken`` it saw before from what the first send got. Without a
token every re-send launches instances again; with the one mangrove adds,
moto runs ``RunInstances`` once.
"""
from __future__ import absolute_import

import re

import pytest

from mangrove.classic import tokens as clienttokens
from mangrove.services import CloudHsmPool, Ec2Pool
from mangrove.throttling import RetryPolicy
from workers import boto_setting

AMI = 'ami-12c6146b'
TOKEN = re.compile(r'^[0-9a-f]{32}$')


@pytest.fixture
def via_proxy(proxy, connect_kwargs):
    proxy.idempotent = True
    connect_kwargs['proxy_port'] = proxy.port
    return connect_kwargs


@pytest.fixture
def pool(via_proxy):
    return Ec2Pool(connect=True, regions=['us-east-1'], **via_proxy)


def instances_at_moto(moto_server):
    """The instance ids moto holds in us-east-1, asked of moto itself."""
    direct = moto_server.pool(Ec2Pool, regions=['us-east-1'])
    try:
        return sorted(instance.id for instance in
                      direct.regions.us_east_1.get_only_instances())
    finally:
        direct.close()


def run_instances_sent(proxy):
    """The ``ClientToken`` of each RunInstances request the proxy got."""
    return [r['client_token'] for r in proxy.records
            if r['action'] == 'RunInstances']


def test_a_run_instances_whose_answer_is_lost_runs_once(
        pool, proxy, moto_server):
    # The server launches the instance, then the connection drops: boto
    # sends RunInstances again (num_retries as boto's default config has
    # it), mangrove retrying nothing itself.
    proxy.lose_answers['RunInstances'] = 1
    with boto_setting('num_retries', 6):
        results = pool.call('run_instances', AMI,
                            retry=RetryPolicy(attempts=1))
    assert results.ok, results.errors
    assert len(run_instances_sent(proxy)) == 2     # boto re-sent it once
    # ... and moto ran it once: the instance the caller got, no other.
    launched = [i.id for i in results['us_east_1'].instances]
    assert len(launched) == 1
    assert instances_at_moto(moto_server) == launched
    first, again = run_instances_sent(proxy)
    assert TOKEN.match(first) and again == first


def test_every_way_of_calling_sends_a_new_token_per_call(pool, proxy):
    region = pool.regions.us_east_1
    assert pool.call('run_instances', AMI).ok
    assert pool.map(lambda r: r.run_instances(AMI)).ok
    region.run_instances(AMI)
    region.connection.run_instances(AMI)      # boto's own object, as built
    region.get_image(AMI).run()                # boto calling its connection
    sent = run_instances_sent(proxy)
    assert len(sent) == 5
    assert all(TOKEN.match(token) for token in sent), sent
    assert len(set(sent)) == 5                 # one per call


def test_a_callers_token_is_sent_untouched(pool, proxy, moto_server):
    region = pool.regions.us_east_1
    first = pool.call('run_instances', AMI, client_token='mine-1')
    assert first.ok
    region.run_instances(AMI, client_token='mine-2')
    # The same token again: AWS (here the proxy) answers what the first
    # call got, and launches nothing.
    again = region.run_instances(AMI, client_token='mine-2')
    assert run_instances_sent(proxy) == ['mine-1', 'mine-2', 'mine-2']
    assert len(instances_at_moto(moto_server)) == 2
    assert again.instances[0].id in instances_at_moto(moto_server)


def test_a_throttled_run_instances_is_retried_with_its_token(
        pool, proxy, moto_server):
    from bed.throttle import throttling_answer
    status, headers, body, _ = throttling_answer('ec2.us-east-1.amazonaws.com',
                                                 'text/xml')
    throttled = []

    def once(param):
        if throttled:
            return None        # forwarded to moto
        throttled.append(param('ClientToken'))
        return status, dict(headers)['Content-Type'], body

    proxy.answers['RunInstances'] = once
    results = pool.call('run_instances', AMI,
                        retry=RetryPolicy(attempts=3, base=0))
    assert results.ok, results.errors
    assert results.stats['us_east_1'].retries == 1
    sent = run_instances_sent(proxy)
    assert len(sent) == 2 and sent[1] == sent[0] == throttled[0]
    assert len(instances_at_moto(moto_server)) == 1


def test_copy_image_sends_a_token(pool, proxy):
    assert pool.regions.us_east_1.copy_image('us-east-1', AMI).image_id
    sent = [r['client_token'] for r in proxy.records
            if r['action'] == 'CopyImage']
    assert len(sent) == 1 and TOKEN.match(sent[0])


def test_cloudhsm_create_hsm_sends_a_token_in_its_json_body(
        proxy, connect_kwargs):
    # moto does not serve CloudHSM (classic): the proxy answers for it.
    proxy.answers['CloudHsmFrontendService.CreateHsm'] = (
        200, 'application/x-amz-json-1.1',
        b'{"HsmArn": "arn:aws:cloudhsm:us-east-1:123456789012:hsm-1"}')
    connect_kwargs['proxy_port'] = proxy.port
    hsm = CloudHsmPool(connect=True, regions=['us-east-1'], **connect_kwargs)
    args = ('subnet-1', 'ssh-rsa AAAA', 'arn:aws:iam::123456789012:role/hsm',
            'PRODUCTION')
    results = hsm.call('create_hsm', *args)
    assert results.ok, results.errors
    hsm.regions.us_east_1.create_hsm(*args, client_token='mine')
    sent = [r['client_token'] for r in proxy.records]
    assert len(sent) == 2
    assert TOKEN.match(sent[0]) and sent[1] == 'mine'


def test_other_actions_get_no_token(pool, proxy):
    pool.regions.us_east_1.get_all_instances()
    pool.regions.us_east_1.create_security_group('web', 'a group')
    assert [r['client_token'] for r in proxy.records] == [None, None]


@pytest.mark.no_server
def test_new_tokens_fit_every_service():
    tokens = set(clienttokens.new_token() for _ in range(100))
    assert len(tokens) == 100
    assert all(TOKEN.match(token) for token in tokens)
