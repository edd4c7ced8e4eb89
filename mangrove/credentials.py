# -*- coding: utf-8 -*-
"""
Live credentials: new keys for a pool's connections, in place.

boto fixes a connection's keys when it is built. Temporary credentials
expire, so a long-lived pool must take new ones without being rebuilt, and
every connection must see them, including those behind region proxies that
callers already hold. A pool shares one :class:`CredentialHolder` between
its connections; :func:`install` makes a connection sign each request with
the holder's current credentials. The holder is given new ones
(:meth:`CredentialHolder.set`), or asks a callable source when they are
about to expire.

A request is always signed with one consistent set (key, secret and token
of the same generation), whatever other threads change meanwhile. Secrets
never appear in a repr, a message or a log line.
"""
from __future__ import absolute_import

import calendar
import collections
import copy
import datetime
import logging
import numbers
import time

import six

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

from mangrove._compat import wall_time
from mangrove.classic.transport import senders
from mangrove.exceptions import (
    InvalidArgumentError, InvalidArgumentTypeError, NotConnectedError,
    wrong_type)
from mangrove.fork import ForkSafeLock

log = logging.getLogger(__name__)

#: Seconds before expiry at which a source is asked for new credentials;
#: boto refreshes instance-role credentials with the same margin.
REFRESH_MARGIN = 300

_ISO_FORMATS = ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ')


class Credentials(collections.namedtuple(
        'Credentials',
        ['access_key', 'secret_key', 'token', 'expiry'])):
    """One set of AWS credentials.

    :ivar access_key: the access key id (shown in reprs: it is no secret).
    :ivar secret_key: the secret access key (never shown).
    :ivar token: the session token of temporary credentials, or None (never
        shown).
    :ivar expiry: when they expire, in seconds since the epoch, or None.
    """

    __slots__ = ()

    def __repr__(self):
        parts = ['access_key=%r' % (self.access_key,), 'secret_key=***']
        if self.token is not None:
            parts.append('token=***')
        if self.expiry is not None:
            parts.append('expiry=%s' % time.strftime(
                '%Y-%m-%dT%H:%M:%SZ', time.gmtime(self.expiry)))
        return 'Credentials(%s)' % ', '.join(parts)

    __str__ = __repr__


def _epoch(value):
    """An expiry of any usual form -> seconds since the epoch, or None."""
    if value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is not None:
            value = value.replace(tzinfo=None) - value.utcoffset()
        return calendar.timegm(value.timetuple()) + value.microsecond / 1e6
    if isinstance(value, six.string_types):
        for fmt in _ISO_FORMATS:
            try:
                return _epoch(datetime.datetime.strptime(value, fmt))
            except ValueError:
                pass
    raise InvalidArgumentError(
        'expiry must be a datetime (UTC), seconds since the epoch or an '
        "ISO 8601 UTC string such as '2026-01-01T12:00:00Z', not %r"
        % (value,))


def _check_text(name, value, required):
    # The value itself never goes into a message: it may be a secret.
    if value is None and not required:
        return
    if not isinstance(value, six.string_types) or not value:
        raise wrong_type(name, 'a non-empty string' + (
            '' if required else ' or None'), value, show_value=False)


def make_credentials(aws_access_key_id, aws_secret_access_key,
                     security_token=None, expiry=None):
    """Checked :class:`Credentials` from boto's keyword names.

    :raises InvalidArgumentTypeError: a key is missing or not a string.
    :raises InvalidArgumentError: ``expiry`` cannot be read.
    """
    _check_text('aws_access_key_id', aws_access_key_id, True)
    _check_text('aws_secret_access_key', aws_secret_access_key, True)
    _check_text('security_token', security_token, False)
    return Credentials(str(aws_access_key_id), str(aws_secret_access_key),
                       None if security_token is None else str(security_token),
                       _epoch(expiry))


def ask(source):
    """Call a credential source and read its answer.

    :raises InvalidArgumentTypeError: ``source`` is not callable, or its
        answer is not credentials.
    """
    if not callable(source):
        raise wrong_type('credential_source',
                         'a callable returning credentials', source)
    return from_source_value(source())


def from_source_value(value):
    """Read what a credential source returned.

    Accepted: :class:`Credentials`; a mapping with ``aws_access_key_id``,
    ``aws_secret_access_key`` and optionally ``security_token`` and
    ``expiry``; or an object with ``access_key``, ``secret_key`` and
    optionally ``session_token`` and ``expiration``, such as the
    ``credentials`` of boto's STS ``assume_role()``.

    :rtype: Credentials
    :raises InvalidArgumentTypeError: it is none of these.
    """
    if isinstance(value, Credentials):
        return value
    if isinstance(value, Mapping):
        unknown = set(value) - set(['aws_access_key_id',
                                    'aws_secret_access_key',
                                    'security_token', 'expiry'])
        if unknown:
            raise InvalidArgumentError(
                'a credential source returned unknown keys %s; valid keys: '
                'aws_access_key_id, aws_secret_access_key, security_token, '
                'expiry' % ', '.join(sorted(repr(k) for k in unknown)))
        return make_credentials(value.get('aws_access_key_id'),
                                value.get('aws_secret_access_key'),
                                value.get('security_token'),
                                value.get('expiry'))
    if hasattr(value, 'access_key') and hasattr(value, 'secret_key'):
        return make_credentials(value.access_key, value.secret_key,
                                getattr(value, 'session_token', None),
                                getattr(value, 'expiration', None))
    raise wrong_type(
        "a credential source's answer", 'Credentials, a dict with '
        'aws_access_key_id and aws_secret_access_key, or boto STS '
        'credentials', value, show_value=False)


class CredentialHolder(object):
    """The credentials every connection of a pool signs with.

    :param label: how log lines name the pool.
    :param credentials: the first :class:`Credentials`, or None.
    :param source: a callable with no arguments returning credentials (see
        :func:`from_source_value`), called now if ``credentials`` is None,
        and again whenever the current ones are less than ``margin``
        seconds from their expiry.
    :param margin: seconds before expiry at which ``source`` is called;
        a source with a ``refresh_margin`` attribute says it itself (read
        at each request, so a change takes effect at once).
    """

    def __init__(self, label, credentials=None, source=None,
                 margin=REFRESH_MARGIN):
        self._label = label
        self._margin = margin
        self._lock = ForkSafeLock()
        # Fork-safe too: a child forked during a refresh must not inherit
        # the lock held by a thread it does not have.
        self._refreshing = ForkSafeLock()
        self._state = (0, None)
        self._source = None
        self.set(credentials, source)

    def set(self, credentials=None, source=None):
        """Replace the credentials (and the source, if given).

        :param credentials: new :class:`Credentials`, or None to ask
            ``source`` now.
        :param source: a credential source, or None to keep none.
        :raises InvalidArgumentTypeError: ``source`` is not callable, or
            neither argument is given.
        """
        if credentials is None and source is None:
            raise InvalidArgumentTypeError(
                'give credentials (aws_access_key_id and '
                'aws_secret_access_key) or a credential_source')
        if credentials is None:
            credentials = ask(source)
        elif source is not None and not callable(source):
            ask(source)
        with self._lock:
            self._source = source
            self._state = (self._state[0] + 1, credentials)
        log.info('%s: new credentials (access key %s)', self._label,
                 credentials.access_key)

    @property
    def credentials(self):
        """The current :class:`Credentials`, as they are (no refresh)."""
        return self._state[1]

    @property
    def source(self):
        """The credential source, or None."""
        return self._source

    @property
    def margin(self):
        """Seconds before expiry at which the source is asked: its own
        ``refresh_margin`` if it has one, else the holder's."""
        return getattr(self._source, 'refresh_margin', self._margin)

    def current(self):
        """``(generation, credentials)``, asking the source first when the
        credentials are about to expire.

        Only one thread asks the source; the others keep signing with the
        current credentials until it has answered, or wait for it once the
        credentials have expired. A source that fails while the current
        credentials are still valid is logged and asked again later.
        """
        state = self._state
        expiry = state[1].expiry
        source = self._source
        if source is None or expiry is None or \
                wall_time() < expiry - self.margin:
            return state
        expired = wall_time() >= expiry
        if not self._refreshing.acquire(expired):
            return state
        try:
            if self._state[0] != state[0]:
                return self._state
            try:
                fresh = ask(source)
            except Exception:
                if wall_time() >= expiry:
                    raise
                log.warning('%s: the credential source failed; the current '
                            'credentials stay in use until they expire',
                            self._label, exc_info=True)
                return state
            with self._lock:
                self._state = (self._state[0] + 1, fresh)
            log.info('%s: credentials refreshed (access key %s)',
                     self._label, fresh.access_key)
            return self._state
        finally:
            self._refreshing.release()

    def __repr__(self):
        return '<CredentialHolder %s: %r%s>' % (
            self._label, self._state[1],
            ', with a source' if self._source is not None else '')


def renewed(holder, label, aws_access_key_id=None, aws_secret_access_key=None,
            security_token=None, expiry=None, credential_source=None):
    """``holder`` given new credentials (or a new holder if it is None):
    what a pool's ``update_credentials`` does before it reaches its
    connections.

    Everything is checked, and a source asked, before anything changes, so
    a bad argument leaves the pool as it was.

    :rtype: CredentialHolder
    """
    if aws_access_key_id is not None or aws_secret_access_key is not None \
            or credential_source is None:
        fresh = make_credentials(aws_access_key_id, aws_secret_access_key,
                                 security_token, expiry)
        if credential_source is not None and not callable(credential_source):
            ask(credential_source)
    else:
        # Asked here, under no lock of the pool's: a source may call STS.
        fresh = ask(credential_source)
    if holder is None:
        return CredentialHolder(label, fresh, credential_source)
    holder.set(fresh, credential_source)
    return holder


def as_keywords(kwargs, credentials):
    """Connection keywords with ``credentials`` in boto's names: what later
    connections (and a pickle) are made with."""
    kwargs = dict(kwargs, aws_access_key_id=credentials.access_key,
                  aws_secret_access_key=credentials.secret_key)
    kwargs.pop('security_token', None)
    if credentials.token is not None:
        kwargs['security_token'] = credentials.token
    return kwargs


class LiveCredentials(object):
    """What a pool does with new credentials: :meth:`update_credentials`.

    A pool keeps a :class:`CredentialHolder` (or None while boto's own
    credentials serve) in ``_credentials``, its lock in ``_lock``, its
    :class:`~mangrove.backends.Backend` in ``backend``, and says
    which connections it built (``_built_connections``), how it remembers
    credentials for later connections and pickles
    (``_remember_credentials``), and what else takes them
    (``_apply_credentials``: a multi-service pool's services).
    """

    _credentials = None

    def update_credentials(self, aws_access_key_id=None,
                           aws_secret_access_key=None, security_token=None,
                           expiry=None, credential_source=None):
        """Give the pool new credentials, in place.

        Every region's connection signs its next request with them,
        including those behind region proxies handed out before; a request
        already being signed keeps the set it started with. Safe from any
        thread, at any time. With ``credential_source``, a callable
        returning credentials, the pool asks it now and again whenever its
        credentials are less than five minutes from their expiry.

        :param aws_access_key_id: the new access key id.
        :param aws_secret_access_key: the new secret key (never shown).
        :param security_token: the new session token, if temporary (never
            shown).
        :param expiry: when they expire (a UTC datetime, seconds since the
            epoch or an ISO 8601 string).
        :param credential_source: a callable with no arguments returning a
            dict with ``aws_access_key_id``, ``aws_secret_access_key`` and
            optionally ``security_token`` and ``expiry``, or boto STS
            credentials (``sts.assume_role(...).credentials``).
        :raises InvalidArgumentTypeError: a key is missing or of the wrong
            type; the pool is left as it was.
        """
        holder = renewed(
            self._credentials, type(self).__name__, aws_access_key_id,
            aws_secret_access_key, security_token, expiry, credential_source)
        with self._lock:
            self._credentials = holder
            self._remember_credentials(holder.credentials, credential_source)
            # Under the lock that installs new connections: none is missed.
            for conn in self._built_connections():
                self._adopt(conn)
            self._apply_credentials(holder.credentials, credential_source)

    def _adopt(self, conn):
        """Make a connection sign with the managed credentials, if any."""
        if self._credentials is not None:
            self.backend.install_credentials(conn, self._credentials)

    def _apply_credentials(self, fresh, source):
        pass


class _Signer(object):
    """Stands for a boto connection's auth handler: before each request it
    brings the handler up to date with the holder's credentials.

    boto keeps a connection's keys in its ``provider`` and, for the HMAC
    handlers, a key derived from the secret in the handler itself. Neither
    is changed in place, where a request being signed on another thread
    could mix two generations: a fresh provider and handler are made, and
    swapped in by one assignment each.
    """

    def __init__(self, transport, handler, holder):
        set_ = object.__setattr__
        set_(self, '_transport', transport)
        set_(self, '_holder', holder)
        set_(self, '_current', (None, handler))

    def refresh(self):
        """The handler for the holder's current credentials."""
        generation, credentials = self._holder.current()
        seen, handler = self._current
        if seen == generation:
            return handler
        transport = self._transport
        provider = copy.copy(transport.provider)
        # boto's own refresh from the instance metadata must not undo ours.
        provider._credential_expiry_time = None
        provider.access_key = credentials.access_key
        provider.secret_key = credentials.secret_key
        provider.security_token = credentials.token
        provider.__class__ = _held_class(type(provider))
        fresh = copy.copy(handler)
        if hasattr(fresh, 'update_provider'):
            fresh.update_provider(provider)
        else:
            fresh._provider = provider
        transport.provider = provider
        object.__setattr__(self, '_current', (generation, fresh))
        return fresh

    def add_auth(self, http_request, **kwargs):
        handler = self.refresh()
        if handler._provider.security_token is None:
            # A retry reuses the headers of the attempt before.
            http_request.headers.pop(
                handler._provider.security_token_header, None)
        return handler.add_auth(http_request, **kwargs)

    def __getattr__(self, name):
        # Pre-signed URLs and policies sign outside add_auth.
        if name.startswith('__'):
            raise AttributeError(name)
        return getattr(self.refresh(), name)

    def __setattr__(self, name, value):
        setattr(self._current[1], name, value)

    def __reduce__(self):
        # A boto object pickled with its connection (a result sent back
        # from a worker process) leaves the credentials behind.
        return (CredentialsLeftBehind, (self._holder._label,))


class CredentialsLeftBehind(object):
    """The signer of a connection that was pickled (with a result, from a
    worker process) out of a pool whose credentials mangrove manages (an
    account's assumed role, a credential source): the credentials stay in
    the process that made them, so this connection cannot sign. Ask
    through a pool in this process instead."""

    def __init__(self, label):
        self.label = label

    def add_auth(self, *args, **kwargs):
        raise NotConnectedError(
            'this connection of %s was pickled into another process, and '
            'its credentials (managed by mangrove, such as an assumed '
            'role) stayed behind: make the request through a pool in this '
            'process' % self.label)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return self.add_auth()


#: boto's credential attributes, never pickled out of a managed
#: connection's provider.
_PROVIDER_SECRETS = ('_access_key', '_secret_key', '_security_token')

_held_classes = {}


def _held_class(cls):
    """``cls`` (boto's ``Provider``) whose instances pickle without their
    keys: what a managed connection's provider is."""
    if cls.__dict__.get('__reduce__') is _reduce_held:
        return cls
    held = _held_classes.get(cls)
    if held is None:
        held = _held_classes.setdefault(cls, type(
            cls.__name__, (cls,), {'__reduce__': _reduce_held,
                                   '__module__': __name__}))
    return held


def _reduce_held(provider):
    state = dict(provider.__dict__)
    for name in _PROVIDER_SECRETS:
        if name in state:
            state[name] = None
    return (_keyless_provider, (type(provider).__mro__[1], state))


def _keyless_provider(cls, state):
    provider = cls.__new__(cls)
    provider.__dict__.update(state)
    return provider


def install(conn, holder):
    """Make ``conn`` (a boto connection, or a boto ``AWSAuthConnection``
    that sends for one) sign with the holder's credentials from now on; do
    it at once, so that what boto reads outside a request
    (``aws_access_key_id``, pre-signed URLs) agrees.

    Every sender of ``conn`` (:func:`mangrove.classic.transport.senders`: a
    ``Layer2``'s ``layer1``) is changed; an anonymous one, which signs
    nothing, and an object that is not a boto connection are left as they
    are.
    """
    for transport in senders(conn):
        if getattr(transport, 'anon', False):
            continue
        handler = transport._auth_handler
        if isinstance(handler, _Signer):
            object.__setattr__(handler, '_holder', holder)
        else:
            handler = _Signer(transport, handler, holder)
            transport._auth_handler = handler
        handler.refresh()
