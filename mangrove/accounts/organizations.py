# -*- coding: utf-8 -*-
"""
A small client of AWS Organizations: which accounts an organization has.

boto 2.49 has no Organizations module. The service speaks JSON (``POST /``
with an ``X-Amz-Target`` header) and signs with Signature Version 4;
:class:`OrganizationsConnection` sends its requests through boto's own
signed connection classes (so credentials and proxies are boto's), governed
as a pool's connections are (:func:`mangrove.classic.backend.query_connection`:
the endpoint's limit, throttling answers retried, a fan-out task's stats),
and follows ``NextToken`` to the last page. :func:`organization_accounts`
lists the active accounts, narrowed to organizational units (and the units
inside them) and without the accounts to skip.
"""
from __future__ import absolute_import

import collections
import json
import logging
import re

import six

from mangrove import catalog
from mangrove.classic import sockets
from mangrove.classic.backend import query_connection
from mangrove.exceptions import (
    OrganizationsError, error_text, wrong_type, wrong_value)

__all__ = ['OrganizationsConnection', 'Account', 'organization_accounts',
           'check_parent_ids', 'ENDPOINTS']

log = logging.getLogger(__name__)

#: Each partition's Organizations endpoint and the region it signs for.
ENDPOINTS = {
    'aws': ('organizations.us-east-1.amazonaws.com', 'us-east-1'),
    'aws-cn': ('organizations.cn-northwest-1.amazonaws.com.cn',
               'cn-northwest-1'),
    'aws-us-gov': ('organizations.us-gov-west-1.amazonaws.com',
                   'us-gov-west-1'),
}

_TARGET = 'AWSOrganizationsV20161128'
_PARENT_ID = re.compile(
    r'^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$')
_XML_CODE = re.compile(r'<Code>([^<]*)</Code>')
_XML_MESSAGE = re.compile(
    r'<Message>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</Message>', re.S)
# Pages of a listing followed at most: a token answered forever is a fault.
_MAX_PAGES = 10000


class Account(collections.namedtuple('Account',
                                     ['id', 'name', 'email', 'status'])):
    """An account of the organization, as ``ListAccounts`` describes it."""

    __slots__ = ()


class OrganizationsConnection(object):
    """Requests to AWS Organizations, signed by boto.

    :param partition: whose endpoint to ask (``'aws'`` by default).
    :param endpoint_url: ask this URL instead (an emulator).
    :param page_size: ask for at most this many items per page (AWS's own
        default when None).
    :param kwargs: boto connection keywords: credentials (else boto's own
        lookup), ``proxy``, ``proxy_port``, ``is_secure``...
    """

    def __init__(self, partition=None, endpoint_url=None, page_size=None,
                 **kwargs):
        partition = partition or catalog.DEFAULT_PARTITION
        if partition not in ENDPOINTS:
            raise wrong_value('partition', 'one of %s' % ', '.join(
                sorted(ENDPOINTS)), partition)
        if page_size is not None and (
                isinstance(page_size, bool) or
                not isinstance(page_size, six.integer_types) or
                not 1 <= page_size <= 20):
            raise wrong_type('page_size', 'a whole number from 1 to 20 or '
                             'None', page_size)
        self.page_size = page_size
        host, self.signing_region = ENDPOINTS[partition]
        # Governed as a pool's connections are: its requests take slots of
        # the endpoint's limit, and a fan-out task's retry policy and stats
        # apply to them.
        self.connection = query_connection(
            host, 'organizations', self.signing_region, kwargs,
            endpoint_url=endpoint_url)

    def request(self, action, params=None):
        """Send one action and return its answer, parsed.

        :param action: ``'ListAccounts'``, ``'ListRoots'``...
        :param params: the request's JSON members.
        :rtype: dict
        :raises OrganizationsError: AWS answered an error, or could not be
            reached.
        """
        body = json.dumps(params or {})
        conn = self.connection
        headers = {
            'X-Amz-Target': '%s.%s' % (_TARGET, action),
            'Content-Type': 'application/x-amz-json-1.1',
            'Content-Length': str(len(body)),
        }
        request = conn.build_base_http_request(
            'POST', '/', '/', params={}, headers=headers, data=body,
            host=conn.host)
        try:
            response = conn._mexe(request, sender=None)
            text = response.read().decode('utf-8', 'replace')
        except Exception as exc:
            raise _failed(action, exc)
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = None
        if response.status != 200 or not isinstance(data, dict):
            code, message = _error_of(data, text)
            raise OrganizationsError(
                'Organizations %s failed: %s (HTTP %s): %s' % (
                    action, code or 'error', response.status, message),
                error_code=code, status=response.status)
        return data

    def pages(self, action, result_key, **params):
        """Every item of a listing, page after page (``NextToken``).

        :rtype: list
        """
        items = []
        if self.page_size is not None:
            params['MaxResults'] = self.page_size
        for _ in range(_MAX_PAGES):
            page = self.request(action, params)
            items.extend(page.get(result_key) or [])
            token = page.get('NextToken')
            if not token:
                return items
            params['NextToken'] = token
        raise OrganizationsError('Organizations %s answered more than %d '
                                 'pages' % (action, _MAX_PAGES))

    def list_accounts(self):
        """Every account of the organization, whatever its status.

        :rtype: list of :class:`Account`
        """
        return [_account(item) for item in self.pages('ListAccounts',
                                                      'Accounts')]

    def list_accounts_for_parent(self, parent_id):
        """The accounts directly under a root or organizational unit.

        :rtype: list of :class:`Account`
        """
        return [_account(item) for item in self.pages(
            'ListAccountsForParent', 'Accounts', ParentId=parent_id)]

    def list_organizational_units_for_parent(self, parent_id):
        """The ids of the organizational units directly under a parent.

        :rtype: list of str
        """
        return [item['Id'] for item in self.pages(
            'ListOrganizationalUnitsForParent', 'OrganizationalUnits',
            ParentId=parent_id)]

    def list_roots(self):
        """The ids of the organization's roots.

        :rtype: list of str
        """
        return [item['Id'] for item in self.pages('ListRoots', 'Roots')]

    def close(self):
        """Close the connection's idle sockets (it stays usable)."""
        sockets.close(self.connection)
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return '<OrganizationsConnection %s>' % self.connection.host


def _failed(action, exc):
    """The :class:`OrganizationsError` for an exception raised sending
    ``action``: boto's error (a throttling answer retried as long as the
    policy allows) keeps its code and status."""
    code = getattr(exc, 'error_code', None)
    status = getattr(exc, 'status', None)
    if isinstance(status, six.integer_types) and not isinstance(status, bool):
        return OrganizationsError(
            'Organizations %s failed: %s (HTTP %s): %s' % (
                action, code or 'error', status,
                getattr(exc, 'message', None) or error_text(exc)),
            error_code=code, status=status)
    return OrganizationsError('Organizations %s failed: %s' % (
        action, error_text(exc)))


def _error_of(data, text):
    """``(code, message)`` of an error answer, JSON as AWS sends it or
    XML as some emulators do."""
    if isinstance(data, dict):
        code = (data.get('__type') or '').split('#')[-1] or None
        return code, data.get('Message') or data.get('message') or ''
    code = _XML_CODE.search(text)
    message = _XML_MESSAGE.search(text)
    return (code.group(1) if code else None,
            message.group(1) if message else ' '.join(text.split())[:200])


def _account(item):
    return Account(str(item.get('Id')), item.get('Name'), item.get('Email'),
                   item.get('Status'))


def check_parent_ids(values, what='organizational_units'):
    """Organizational unit (or root) ids, checked; None stays None.

    :rtype: list of str or None
    """
    if values is None:
        return None
    if isinstance(values, six.string_types) or not isinstance(
            values, (list, tuple, set, frozenset)):
        raise wrong_type(what, "a list of ids such as "
                         "['ou-ab12-cdef3456']", values)
    ids = []
    for value in values:
        if not isinstance(value, six.string_types) or \
                not _PARENT_ID.match(value.strip()):
            raise wrong_value('each of %s' % what, "an organizational unit "
                              "id ('ou-ab12-cdef3456') or root id "
                              "('r-ab12')", value)
        ids.append(str(value.strip()))
    return ids


def _units_below(conn, parent_ids):
    """``parent_ids`` and every organizational unit inside them."""
    seen, queue = [], list(parent_ids)
    while queue:
        parent = queue.pop(0)
        if parent in seen:
            continue
        seen.append(parent)
        queue.extend(conn.list_organizational_units_for_parent(parent))
    return seen


def organization_accounts(conn, organizational_units=None, skip=(),
                          exclude=None):
    """The active accounts of the caller's organization, in
    ``ListAccounts`` order.

    :param conn: an :class:`OrganizationsConnection`.
    :param organizational_units: only the accounts inside these units (or
        roots), at any depth.
    :param skip: account ids to leave out.
    :param exclude: one more account id to leave out (the caller's).
    :rtype: list of :class:`Account`
    :raises OrganizationsError: AWS refused a listing (the caller is in no
        organization, or may not list it).
    """
    # Says at once when the caller is in no organization (where an
    # emulator's ListAccounts would answer an empty list).
    organization = conn.request('DescribeOrganization').get('Organization')
    log.debug('listing the accounts of organization %s',
              (organization or {}).get('Id'))
    accounts = [a for a in conn.list_accounts() if a.status == 'ACTIVE']
    units = check_parent_ids(organizational_units)
    if units is not None:
        inside = set()
        for unit in _units_below(conn, units):
            inside.update(a.id for a in conn.list_accounts_for_parent(unit))
        accounts = [a for a in accounts if a.id in inside]
    left_out = set(skip or ()) | set([exclude] if exclude else [])
    unknown = set(skip or ()) - set(a.id for a in accounts)
    if unknown:
        log.info('accounts to skip that the listing did not have: %s',
                 ', '.join(sorted(unknown)))
    return [a for a in accounts if a.id not in left_out]
