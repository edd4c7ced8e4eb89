# -*- coding: utf-8 -*-
"""What the account tests share: the way through the loopback proxy, an
STS that refuses one account's role (and the check of what a fan-out then
returns), an organization with nested units,
and a fan-out function that notes the order its calls start in."""
from __future__ import absolute_import

import threading

__all__ = ['through', 'refuse', 'check_refused_alone',
           'organization_with_units', 'StartOrder']


def through(proxy):
    """Connection keywords that send a pool's requests through ``proxy``
    (a :class:`bed.proxy.LoopbackProxy`)."""
    return dict(is_secure=False, proxy='127.0.0.1', proxy_port=proxy.port)


def refuse(account):
    """A proxy answer: STS refuses AssumeRole in ``account``."""
    def answer(param):
        if ':%s:' % account in (param('RoleArn') or ''):
            return 403, 'text/xml', (
                b'<ErrorResponse><Error><Code>AccessDenied</Code><Message>'
                b'not authorized to perform sts:AssumeRole</Message></Error>'
                b'</ErrorResponse>')
        return None
    return answer


def check_refused_alone(results, refused, answered):
    """Check the results of a fan-out in which STS refused the ``Audit``
    role of account ``refused`` (access denied): the ``answered`` keys,
    in order, and one error under the refused account's id alone, naming
    the account and the role; return that error."""
    from mangrove.exceptions import AssumeRoleError
    assert list(results) == answered
    assert list(results.errors) == [refused]
    error = results.errors[refused]
    assert isinstance(error, AssumeRoleError)
    assert error.account == refused and error.error_code == 'AccessDenied'
    assert error.role_arn == 'arn:aws:iam::%s:role/Audit' % refused
    assert 'AssumeRoleError' in results.format_error(refused)
    return error


def organization_with_units(names, in_prod=1, in_inner=1):
    """Make an organization in the moto server with a member account per
    name: the first ``in_prod`` in unit ``prod``, the next ``in_inner`` in
    ``prod-eu`` inside it, the rest at the root.

    :returns: ``dict(members=[account ids], root=root id, prod=unit id,
        inner=unit id)``
    """
    from mangrove.accounts.organizations import OrganizationsConnection
    conn = OrganizationsConnection()
    conn.request('CreateOrganization', {'FeatureSet': 'ALL'})
    root = conn.list_roots()[0]
    prod = conn.request('CreateOrganizationalUnit', {
        'ParentId': root, 'Name': 'prod'})['OrganizationalUnit']['Id']
    inner = conn.request('CreateOrganizationalUnit', {
        'ParentId': prod, 'Name': 'prod-eu'})['OrganizationalUnit']['Id']
    members = [conn.request('CreateAccount', {
        'AccountName': name, 'Email': 'm%d@example.com' % number})[
            'CreateAccountStatus']['AccountId']
        for number, name in enumerate(names)]
    parents = [prod] * in_prod + [inner] * in_inner
    for account, parent in zip(members, parents):
        conn.request('MoveAccount', {'AccountId': account,
                                     'SourceParentId': root,
                                     'DestinationParentId': parent})
    conn.close()
    return dict(members=members, root=root, prod=prod, inner=inner)


class StartOrder(object):
    """A fan-out function that notes the order its calls start in
    (``keys``) and asks each region for its zones."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = []

    def __call__(self, region):
        with self.lock:
            self.keys.append(region.region_key)
        return region.get_all_zones()
