# -*- coding: utf-8 -*-
"""
Credentials for other accounts: STS ``AssumeRole``, once per account, and
again shortly before they expire.

:class:`RoleSettings` is what every account shares (the role, the session
name, the external id, the duration, the caller's credentials and
connection keywords); :class:`AssumeRole` is one account's credential
source, as a pool's ``credential_source`` takes it. It remembers the
credentials it got, so that every holder asking within their lifetime (the
services of a multi-service pool, threads of a fan-out) shares one
``AssumeRole`` call, made under a lock, one at a time per account; it asks
STS again only when they are less than ``refresh_margin`` seconds from
expiry. Temporary credentials never appear in a repr, a message or a log
line.
"""
from __future__ import absolute_import

import logging
import numbers
import re
import socket
import time

import six

from mangrove import backends, catalog
from mangrove._compat import wall_time
from mangrove.credentials import REFRESH_MARGIN, from_source_value
from mangrove.exceptions import (
    AssumeRoleError, InvalidArgumentError, error_text, wrong_type,
    wrong_value)
from mangrove.fork import ForkSafeLock, process_token

__all__ = ['RoleSettings', 'AssumeRole', 'check_account_id', 'role_arn_for',
           'caller_account', 'STS_REGIONS', 'DEFAULT_SESSION_NAME']

log = logging.getLogger(__name__)

#: Where each partition's STS is asked by default (for ``aws``, the global
#: endpoint ``sts.amazonaws.com``).
STS_REGIONS = {'aws': 'us-east-1', 'aws-cn': 'cn-north-1',
               'aws-us-gov': 'us-gov-west-1'}

#: The session name AssumeRole is given unless told otherwise; it shows in
#: the accounts' CloudTrail as who came.
DEFAULT_SESSION_NAME = 'mangrove'

# \Z, not $: '$' also matches before a final newline ('Audit\n').
_ACCOUNT_ID = re.compile(r'^[0-9]{12}\Z')
_ROLE_NAME = re.compile(r'^[\w+=,.@/-]{1,512}\Z')
_SESSION_NAME = re.compile(r'^[\w+=,.@-]{2,64}\Z')
_EXTERNAL_ID = re.compile(r'^[\w+=,.@:/-]{2,1224}\Z')
# An ARN template: arn:PARTITION:iam::{account}:role/PATH/NAME.
_ROLE_ARN = re.compile(
    r'^arn:[a-z-]+:iam::\{account\}:role/[\w+=,.@/-]{1,512}\Z')

#: The shortest and longest credentials STS ``AssumeRole`` gives, in
#: seconds (a role's maximum session may be set lower, which STS then
#: enforces).
MIN_DURATION, MAX_DURATION = 900, 43200
_CALLER_ACCOUNT = re.compile(r'<Account>\s*([0-9]{12})\s*</Account>')

#: The caller's own keys among its STS keywords: what a pickle leaves
#: behind unless told otherwise. The access key id goes with them: alone it
#: is useless, and beside a worker's own secret key it would sign wrongly.
#: ``profile_name`` is a name, not a secret: it travels, and a worker reads
#: that profile from its own files.
CALLER_SECRETS = ('aws_access_key_id', 'aws_secret_access_key',
                  'security_token')


def check_account_id(value, what='an account id'):
    """An account id as mangrove keeps it: a string of twelve digits.

    :raises InvalidArgumentTypeError: not a string (an int would lose an
        id's leading zeros).
    :raises InvalidArgumentError: not twelve digits.
    :rtype: str
    """
    if not isinstance(value, six.string_types):
        raise wrong_type(what, "a string of 12 digits such as "
                         "'111111111111'", value)
    text = value.strip()
    if not _ACCOUNT_ID.match(text):
        raise wrong_value(what, "12 digits such as '111111111111'", value)
    return str(text)


def role_arn_for(account, role_name=None, role_arn=None, partition=None):
    """The ARN of the role to assume in ``account``.

    :param role_name: the role's name (or path and name), the same in
        every account: ``'Audit'`` -> ``arn:aws:iam::<account>:role/Audit``.
    :param role_arn: instead, a template in which ``{account}`` stands for
        the account id.
    :param partition: the ARN's partition (``'aws'``, ``'aws-cn'``,
        ``'aws-us-gov'``); default ``'aws'``.
    :rtype: str
    """
    if role_arn is not None:
        return role_arn.replace('{account}', account)
    return 'arn:%s:iam::%s:role/%s' % (partition or catalog.DEFAULT_PARTITION,
                                       account, role_name)


def _check_text(what, value, pattern, expected, required=False):
    if value is None and not required:
        return None
    if not isinstance(value, six.string_types):
        raise wrong_type(what, expected, value)
    if not pattern.match(value):
        raise wrong_value(what, expected, value)
    return str(value)


def _check_seconds(what, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise wrong_type(what, 'a number of seconds', value)
    if not value >= minimum or value != value:
        raise wrong_value(what, 'a number of seconds >= %s' % minimum, value)
    return value


class RoleSettings(object):
    """How every account of an account pool is reached.

    :param role_name: the role to assume, the same name in every account.
    :param role_arn: or an ARN template with ``{account}``
        (``'arn:aws:iam::{account}:role/team/Audit'``); one of the two.
    :param session_name: the role session name (CloudTrail shows it).
    :param external_id: the external id the roles' trust policies ask for.
    :param duration: the credentials' lifetime in seconds, from 900 to
        43200 (what STS allows; a role's maximum session duration may be
        shorter, which STS enforces).
    :param refresh_margin: seconds before expiry at which credentials are
        replaced (may be changed at any time).
    :param partition: the partition of the accounts: the ARNs' prefix and
        where STS is asked.
    :param sts_region: ask STS in this region instead (a regional
        endpoint).
    :param endpoint_url: send STS requests to this URL instead.
    :param caller_kwargs: boto keywords of the caller's STS connection:
        credentials (else boto's own lookup: environment, config file,
        profile, instance role) and network settings.
    :param pickle_credentials: whether a pickle carries credentials: the
        caller's keys given in ``caller_kwargs`` and the temporary
        credentials assumed so far. By default it carries neither: the
        unpickled settings ask STS with boto's own lookup where they are
        unpickled (a worker's environment, config file, profile or
        instance role), and assume the roles again.
    """

    def __init__(self, role_name=None, role_arn=None,
                 session_name=DEFAULT_SESSION_NAME, external_id=None,
                 duration=3600, refresh_margin=REFRESH_MARGIN,
                 partition=None, sts_region=None, endpoint_url=None,
                 caller_kwargs=None, pickle_credentials=False):
        if (role_name is None) == (role_arn is None):
            raise InvalidArgumentError(
                "give role_name (such as 'OrganizationAccountAccessRole') or "
                "role_arn (such as 'arn:aws:iam::{account}:role/Audit'), "
                'not %s' % ('both' if role_name else 'neither'),
                valid='role_name or role_arn')
        self.role_name = _check_text(
            'role_name', role_name, _ROLE_NAME,
            "a role name such as 'Audit' (letters, digits, +=,.@_-/)")
        if role_arn is not None:
            if not isinstance(role_arn, six.string_types):
                raise wrong_type('role_arn', "an ARN template such as "
                                 "'arn:aws:iam::{account}:role/Audit'",
                                 role_arn)
            if not _ROLE_ARN.match(role_arn):
                raise wrong_value('role_arn', "an ARN with {account} where "
                                  "each account's id goes, such as "
                                  "'arn:aws:iam::{account}:role/Audit'",
                                  role_arn)
            role_arn = str(role_arn)
        self.role_arn = role_arn
        self.session_name = _check_text(
            'session_name', session_name, _SESSION_NAME,
            '2 to 64 letters, digits or +=,.@_-', required=True)
        self.external_id = _check_text(
            'external_id', external_id, _EXTERNAL_ID,
            '2 to 1224 letters, digits or +=,.@:/_-')
        if isinstance(duration, bool) or not isinstance(
                duration, six.integer_types):
            raise wrong_type('duration', 'a whole number of seconds from '
                             '%d to %d' % (MIN_DURATION, MAX_DURATION),
                             duration)
        if not MIN_DURATION <= duration <= MAX_DURATION:
            # STS would refuse it, account after account: refused here,
            # before any is asked.
            raise wrong_value('duration', 'from %d seconds (15 minutes) to '
                              '%d (12 hours), what STS AssumeRole gives'
                              % (MIN_DURATION, MAX_DURATION), duration)
        self.duration = duration
        self.refresh_margin = refresh_margin
        if partition not in (None,) + catalog.PARTITIONS:
            raise wrong_value('partition', 'one partition: %s' % ', '.join(
                catalog.PARTITIONS), partition)
        self.partition = partition or catalog.DEFAULT_PARTITION
        self.sts_region = sts_region or STS_REGIONS[self.partition]
        self.endpoint_url = endpoint_url
        self.caller_kwargs = dict(caller_kwargs or {})
        if not isinstance(pickle_credentials, bool):
            raise wrong_type('pickle_credentials', 'True or False',
                             pickle_credentials)
        self.pickle_credentials = pickle_credentials
        # True once unpickled without the caller's keys (see __getstate__).
        self.caller_keys_left_behind = False

    @property
    def refresh_margin(self):
        """Seconds before expiry at which credentials are replaced."""
        return self._refresh_margin

    @refresh_margin.setter
    def refresh_margin(self, seconds):
        seconds = _check_seconds('refresh_margin', seconds, 0)
        if seconds >= self.duration:
            # Credentials would be due the moment they arrive: STS asked
            # again before every request.
            raise wrong_value('refresh_margin', 'fewer seconds than the '
                              'duration of the credentials (%d)'
                              % self.duration, seconds)
        self._refresh_margin = seconds

    def arn(self, account):
        """The role's ARN in ``account``.

        :rtype: str
        """
        return role_arn_for(account, self.role_name, self.role_arn,
                            self.partition)

    @property
    def role(self):
        """The role as messages name it: its name, or the ARN template."""
        return self.role_name or self.role_arn

    def connect_sts(self):
        """A new boto STS connection with the caller's credentials.

        :rtype: boto.sts.STSConnection
        """
        backend = backends.named('boto')
        return backend.connect(backend.service('sts'), self.sts_region,
                               self.caller_kwargs,
                               endpoint_url=self.endpoint_url)

    def __getstate__(self):
        # What travels to every executor worker, a remote dask cluster
        # included: the caller's long-term secret only when asked for.
        state = dict(self.__dict__)
        if not self.pickle_credentials:
            kept = dict((k, v) for k, v in self.caller_kwargs.items()
                        if k not in CALLER_SECRETS)
            if len(kept) < len(self.caller_kwargs):
                state['caller_kwargs'] = kept
                state['caller_keys_left_behind'] = True
        return state

    def __setstate__(self, state):
        # A pickle of an earlier mangrove (a worker newer than its caller)
        # says nothing of the keys: it carried them.
        self.caller_keys_left_behind = False
        self.__dict__.update(state)

    def __copy__(self):
        # A copy in this process keeps the keys: only pickles leave them.
        copied = type(self).__new__(type(self))
        copied.__dict__.update(self.__dict__)
        copied.caller_kwargs = dict(self.caller_kwargs)
        return copied

    def __deepcopy__(self, memo):
        copied = self.__copy__()
        memo[id(self)] = copied
        return copied

    def __repr__(self):
        return '<RoleSettings %s, session %s%s, %ds, refreshed %ss before ' \
            'expiry>' % (self.role, self.session_name,
                         ', with an external id' if self.external_id else '',
                         self.duration, self.refresh_margin)


class AssumeRole(object):
    """One account's credential source: STS ``AssumeRole`` of the role
    :class:`RoleSettings` names, asked again only when the credentials it
    holds are close to expiry.

    Calling it returns :class:`~mangrove.credentials.Credentials`. Safe
    from any thread, and in a forked child (which opens its own STS
    connection).

    :param account: the account id.
    :param settings: the :class:`RoleSettings` shared by every account.
    :param credentials: credentials already assumed (from a pickle).
    :raises AssumeRoleError: when called, if STS refuses or cannot be
        reached; naming the account and role, never a secret.
    """

    def __init__(self, account, settings, credentials=None):
        self.account = account
        self.settings = settings
        self._credentials = credentials
        self._lock = ForkSafeLock()
        self._sts = (None, None)

    @property
    def refresh_margin(self):
        """What the pools' credential holders read: the settings' margin."""
        return self.settings.refresh_margin

    @property
    def role_arn(self):
        """The role's ARN in this account.

        :rtype: str
        """
        return self.settings.arn(self.account)

    @property
    def credentials(self):
        """The credentials last assumed, or None (no STS request)."""
        return self._credentials

    def _fresh(self, credentials):
        return credentials is not None and (
            credentials.expiry is None or
            wall_time() < credentials.expiry - self.refresh_margin)

    def __call__(self):
        held = self._credentials
        if self._fresh(held):
            return held
        with self._lock:
            if self._credentials is not held and \
                    self._fresh(self._credentials):
                return self._credentials
            fresh = self._assume()
            self._credentials = fresh
            return fresh

    def _connection(self):
        token, conn = self._sts
        if conn is None or token != process_token():
            # A forked child opens its own: the parent's socket is not its.
            conn = self.settings.connect_sts()
            self._sts = (process_token(), conn)
        return conn

    def _assume(self):
        arn = self.role_arn
        settings = self.settings
        try:
            answer = self._connection().assume_role(
                arn, settings.session_name,
                duration_seconds=settings.duration,
                external_id=settings.external_id)
        except Exception as exc:
            raise self._error(arn, exc)
        fresh = from_source_value(answer.credentials)
        log.info('account %s: assumed %s (access key %s)', self.account, arn,
                 fresh.access_key)
        return fresh

    def _error(self, arn, exc):
        unreached = False
        code = getattr(exc, 'error_code', None)
        status = getattr(exc, 'status', None)
        if code or status:
            why = '%s%s: %s' % (code or 'error', ' (HTTP %s)' % status
                                if status else '',
                                getattr(exc, 'error_message', None) or
                                getattr(exc, 'reason', '') or '')
        elif isinstance(exc, (socket.error, IOError)) or \
                type(exc).__module__.startswith(('http', 'httplib')):
            why = 'STS could not be reached (%s)' % error_text(exc)
            unreached = True
        else:
            why = error_text(exc)
        if self.settings.caller_keys_left_behind and not unreached:
            # Refused, or no credentials here: say whose were used.
            why += (" (the caller's keys were not pickled with the account "
                    "pool: this process asked STS with its own credentials; "
                    "make the pool with pickle_credentials=True to send "
                    "them)")
        error = AssumeRoleError(
            'account %s: cannot assume role %s: %s'
            % (self.account, arn, ' '.join(why.split())),
            account=self.account, role_arn=arn, error_code=code,
            status=status)
        error.__cause__ = exc
        log.warning('%s', error)
        return error

    def __getstate__(self):
        # Temporary credentials travel only when the pool is told so; a
        # worker otherwise assumes the role again, with its own credentials
        # (the settings leave the caller's behind too): they are secrets,
        # would expire within the hour anyway, and one AssumeRole per
        # account per worker costs a round trip inside the fan-out.
        keep = self.settings.pickle_credentials
        return (self.account, self.settings,
                self._credentials if keep else None)

    def __setstate__(self, state):
        self.__init__(*state)

    def __repr__(self):
        held = self._credentials
        if held is None:
            when = 'not assumed yet'
        elif held.expiry is None:
            when = 'assumed'
        else:
            when = 'assumed until %s' % time.strftime(
                '%Y-%m-%dT%H:%M:%SZ', time.gmtime(held.expiry))
        return '<AssumeRole %s in %s: %s>' % (self.role_arn.split(':', 5)[-1],
                                              self.account, when)


def caller_account(settings):
    """The account id of the caller's credentials (STS
    ``GetCallerIdentity``).

    :param settings: a :class:`RoleSettings`.
    :rtype: str
    :raises AssumeRoleError: STS did not say.
    """
    conn = settings.connect_sts()
    try:
        response = conn.make_request('GetCallerIdentity', {}, '/', 'POST')
        body = response.read()
    finally:
        conn.close()
    if not isinstance(body, str):
        body = body.decode('utf-8', 'replace')
    match = _CALLER_ACCOUNT.search(body)
    if response.status != 200 or match is None:
        raise AssumeRoleError(
            'STS GetCallerIdentity did not name the calling account (HTTP '
            '%s): %s' % (response.status, ' '.join(body.split())[:300]),
            status=response.status)
    return match.group(1)
