# -*- coding: utf-8 -*-
"""
A concurrency limit per endpoint, so that widening a fan-out never floods
one endpoint.

An endpoint is an ``(account, service, region)`` triple: the access key id
a connection signs with (so that the pools of different accounts, or of
different credentials, are different endpoints), the service's name and the
region's name. Every request a pool's connection sends (``call()``, a
function given to ``map()``, a region used directly) first takes a slot of
its endpoint's limit, in every fan-out and thread of the process at once,
and gives it back when the answer has arrived.

A limit adapts to throttling, AIMD as TCP does: a throttling error halves
the endpoint's limit (once per window of requests, however many requests of
that window were throttled), and each answer that is not a throttling error
raises it by ``1/limit``, back up to its ceiling. A throttled endpoint thus
slows itself alone; the others keep their own limits.

The ceiling is :data:`DEFAULT_ENDPOINT_LIMIT` for every service unless set
by :func:`set_endpoint_limit`::

    from mangrove import limits
    limits.set_endpoint_limit(64, service='s3')   # S3 takes more at once
    limits.set_endpoint_limit(4)                  # every other service
"""
from __future__ import absolute_import

import threading

import six

from mangrove._compat import wait_until
from mangrove.exceptions import wrong_type, wrong_value
from mangrove.fork import process_token
from mangrove.registry import get_service

__all__ = ['DEFAULT_ENDPOINT_LIMIT', 'EndpointLimit', 'endpoint',
           'endpoint_limit', 'set_endpoint_limit', 'endpoint_stats',
           'reset_endpoints']

#: Requests in flight per endpoint at most, unless set otherwise. AWS's
#: request-rate buckets for most APIs allow a burst of about a hundred and
#: then tens per second: sixteen round trips at once stay under that while
#: a paginated listing or a user's loop still overlaps its requests.
DEFAULT_ENDPOINT_LIMIT = 16


class EndpointLimit(object):
    """The concurrency limit of one endpoint.

    :ivar endpoint: ``(account, service, region)``.
    :ivar ceiling: the most requests in flight at once.
    :ivar limit: the requests allowed in flight now (at least 1).
    :ivar in_flight: requests sent and not yet answered.
    :ivar requests: answers received.
    :ivar throttled: of those, throttling errors.
    """

    def __init__(self, endpoint, ceiling):
        self.endpoint = endpoint
        self.ceiling = ceiling
        self.limit = float(ceiling)
        self.in_flight = 0
        self.requests = 0
        self.throttled = 0
        self._sent = 0     # slots handed out, ever: a request's ticket
        self._window = 0   # throttles of tickets below this were answered
        self._cond = threading.Condition(threading.Lock())

    def acquire(self):
        """Wait for a slot; return the request's ticket for
        :meth:`answered`."""
        with self._cond:
            wait_until(self._cond, self._has_room)
            self.in_flight += 1
            self._sent += 1
            return self._sent - 1

    def _has_room(self):
        return self.in_flight < max(1, int(self.limit))

    def release(self):
        """Give back a slot taken by :meth:`acquire`."""
        with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def answered(self, ticket, throttled):
        """Adapt the limit to an answer of the request holding ``ticket``.

        A throttling error halves the limit, unless one answered since the
        request was sent already did (the requests of one window are
        throttled together; halving for each would collapse the limit).
        """
        with self._cond:
            self.requests += 1
            if throttled:
                self.throttled += 1
                if ticket >= self._window:
                    self.limit = max(1.0, self.limit / 2)
                    self._window = self._sent
            elif self.limit < self.ceiling:
                self.limit = min(float(self.ceiling),
                                 self.limit + 1.0 / self.limit)
                self._cond.notify_all()

    def set_ceiling(self, ceiling):
        with self._cond:
            self.ceiling = ceiling
            self.limit = min(self.limit, float(ceiling))
            self._cond.notify_all()

    def as_dict(self):
        """The endpoint's figures now.

        :rtype: dict
        """
        with self._cond:
            return {'endpoint': self.endpoint, 'ceiling': self.ceiling,
                    'limit': self.limit, 'in_flight': self.in_flight,
                    'requests': self.requests, 'throttled': self.throttled}

    def __repr__(self):
        account, service, region = self.endpoint
        return '<EndpointLimit %s/%s: %d of %g in flight (ceiling %d)>' % (
            service, region, self.in_flight, self.limit, self.ceiling)


class _Endpoints(object):
    """Every endpoint's limit in this process (a forked child starts
    afresh: the parent's requests in flight are not its own)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.default = DEFAULT_ENDPOINT_LIMIT
        self.ceilings = {}   # service -> ceiling, where set
        self._reset()

    def _reset(self):
        self.limits = {}
        self.owner = process_token()
        self.lock = threading.Lock()

    def get(self, account, service, region):
        if self.owner != process_token():
            self._reset()
        key = (account, service, region)
        limit = self.limits.get(key)
        if limit is None:
            with self.lock:
                limit = self.limits.get(key)
                if limit is None:
                    limit = self.limits[key] = EndpointLimit(
                        key, self.ceilings.get(service, self.default))
        return limit


_endpoints = _Endpoints()


def endpoint(account, service, region):
    """The :class:`EndpointLimit` of an endpoint, made on first use."""
    return _endpoints.get(account, service, region)


def _service_name(service):
    if service is None:
        return None
    return get_service(service).name


def set_endpoint_limit(limit, service=None):
    """Set how many requests may be in flight at once per endpoint.

    It applies at once, to endpoints already in use too.

    :param limit: the ceiling of each endpoint's concurrency limit (the
        limit itself halves on throttling and grows back to it).
    :type limit: int
    :param service: only for this service's endpoints (``'s3'``); None for
        every service without a ceiling of its own.
    :type service: str or None
    :raises InvalidArgumentTypeError: ``limit`` is not an int.
    :raises InvalidArgumentError: ``limit`` is not positive.
    :raises InvalidServiceError: no service has that name.
    """
    if isinstance(limit, bool) or not isinstance(limit, six.integer_types):
        raise wrong_type('limit', 'a positive int', limit)
    if limit < 1:
        raise wrong_value('limit', 'a positive int (1 or more)', limit)
    name = _service_name(service)
    with _endpoints.lock:
        if name is None:
            _endpoints.default = limit
        else:
            _endpoints.ceilings[name] = limit
        for key, each in list(_endpoints.limits.items()):
            ceiling = _endpoints.ceilings.get(key[1], _endpoints.default)
            if each.ceiling != ceiling:
                each.set_ceiling(ceiling)


def endpoint_limit(service=None):
    """The ceiling of a service's endpoints (None: the default one).

    :rtype: int
    :raises InvalidServiceError: no service has that name.
    """
    name = _service_name(service)
    return _endpoints.ceilings.get(name, _endpoints.default)


def endpoint_stats():
    """Every endpoint used in this process, with its figures: a list of
    dicts with ``endpoint`` (``(account, service, region)``), ``ceiling``,
    ``limit``, ``in_flight``, ``requests`` and ``throttled``.

    :rtype: list of dict
    """
    return [each.as_dict() for each in list(_endpoints.limits.values())]


def reset_endpoints():
    """Forget every endpoint's state and figures, and every ceiling set by
    :func:`set_endpoint_limit` (back to :data:`DEFAULT_ENDPOINT_LIMIT`).

    Requests in flight keep the slots they hold of the old limits.
    """
    with _endpoints.lock:
        _endpoints.default = DEFAULT_ENDPOINT_LIMIT
        _endpoints.ceilings = {}
        _endpoints.limits = {}
