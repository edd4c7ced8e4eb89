# -*- coding: utf-8 -*-
"""The fault proxy's throttling mode: AWS's "slow down" answers.

:class:`Throttle` decides, per endpoint (the access key a request is signed
with, and its host), whether a request is throttled: when more than
``max_in_flight`` requests of that endpoint are in flight, or when it is
above ``rate`` requests per second (a token bucket of ``burst``), or
among its ``first`` requests. It keeps each endpoint's ``peak`` of
requests in flight at once.
:func:`throttling_answer` is the answer each service really gives.
"""
from __future__ import absolute_import

import re
import threading
import time

from six.moves.urllib.parse import parse_qs, urlsplit

_SIGV4_KEY = re.compile(r'Credential=([^/,\s]+)/')
_SIGV2_HEADER_KEY = re.compile(r'^AWS ([^:\s]+):')


def access_key(authorization, path, body):
    """The access key id a request is signed with, or None."""
    if authorization:
        match = _SIGV4_KEY.search(authorization) or \
            _SIGV2_HEADER_KEY.search(authorization)
        if match:
            return match.group(1)
    for text in (urlsplit(path).query,
                 body.decode('latin-1') if body else ''):
        values = parse_qs(text).get('AWSAccessKeyId')
        if values:
            return values[0]
    return None


def _xml(text):
    return text.encode('utf-8')


def throttling_answer(host, content_type, status=None, code=None,
                      retry_after=None):
    """``(status, headers, body, code)``: how the service behind ``host``
    throttles (EC2: 503 ``RequestLimitExceeded``; S3: 503 ``SlowDown``;
    JSON services: 400 ``ThrottlingException``, or ``code``; other query
    services: 400 ``Throttling``). ``status=429`` answers ``code`` (default
    ``TooManyRequestsException``) in a JSON body with HTTP 429 instead,
    whatever the service. ``retry_after``: the ``Retry-After`` header's
    value (None: no such header)."""
    answer = _answer(host, content_type, status, code)
    if retry_after is not None:
        answer[1].append(('Retry-After', str(retry_after)))
    return answer


def _answer(host, content_type, status, code):
    host = (host or '').lower()
    if status == 429:
        code = code or 'TooManyRequestsException'
        return 429, [('Content-Type', 'application/json')], (
            b'{"__type": "%s", "message": "Rate exceeded"}'
            % code.encode('ascii')), code
    if host.startswith('ec2.'):
        return 503, [('Content-Type', 'text/xml')], _xml(
            u'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors>'
            u'<Error><Code>RequestLimitExceeded</Code><Message>Request '
            u'limit exceeded.</Message></Error></Errors><RequestID>'
            u'mangrove-testbed</RequestID></Response>'), \
            'RequestLimitExceeded'
    labels = host.split(':')[0].split('.')
    if any(label == 's3' or label.startswith('s3-') for label in labels):
        return 503, [('Content-Type', 'application/xml')], _xml(
            u'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown'
            u'</Code><Message>Please reduce your request rate.</Message>'
            u'<RequestId>mangrove-testbed</RequestId></Error>'), 'SlowDown'
    if 'json' in (content_type or ''):
        code = code or 'ThrottlingException'
        return 400, [('Content-Type', 'application/x-amz-json-1.0')], (
            b'{"__type": "com.amazonaws.dynamodb.v20120810#%s", '
            b'"message": "Rate exceeded"}' % code.encode('ascii')), code
    return 400, [('Content-Type', 'text/xml')], _xml(
        u'<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>'
        u'<Message>Rate exceeded</Message></Error><RequestId>'
        u'mangrove-testbed</RequestId></ErrorResponse>'), 'Throttling'


class Throttle(object):
    """When an endpoint's requests are throttled.

    :param max_in_flight: more than this many requests of one endpoint at
        once are throttled (0: every request); None: no such bound.
    :param rate: requests per second allowed per endpoint, in a token
        bucket of ``burst`` (default ``rate``); None: no such bound.
    :param first: the first this many requests of each endpoint are
        throttled; None: none.
    :param status: 429 to throttle with HTTP 429 and a JSON body naming
        ``code`` (default ``TooManyRequestsException``) instead of the
        service's own answer.
    :param code: the error code of a JSON service's answer, or of a 429
        (None: the default).
    :param retry_after: the value of a ``Retry-After`` header on each
        throttling answer (None: none).

    :ivar peak: endpoint -> the most requests it had in flight at once
        (throttled ones not counted: they are answered at once).
    """

    def __init__(self, max_in_flight=None, rate=None, burst=None,
                 first=None, status=None, code=None, retry_after=None):
        self.max_in_flight = max_in_flight
        self.first = first
        self.peak = {}
        self._seen = {}
        self.rate = rate
        self.burst = float(burst if burst is not None else rate or 0)
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._in_flight = {}
        self._buckets = {}

    def enter(self, endpoint):
        """Whether a request of ``endpoint`` arriving now is throttled; if
        not, it counts as in flight until :meth:`leave`."""
        with self._lock:
            seen = self._seen[endpoint] = self._seen.get(endpoint, 0) + 1
            if self.first is not None and seen <= self.first:
                return True
            if self.max_in_flight is not None and \
                    self._in_flight.get(endpoint, 0) >= self.max_in_flight:
                return True
            if self.rate is not None and not self._take_token(endpoint):
                return True
            count = self._in_flight[endpoint] = \
                self._in_flight.get(endpoint, 0) + 1
            self.peak[endpoint] = max(self.peak.get(endpoint, 0), count)
            return False

    def leave(self, endpoint):
        with self._lock:
            self._in_flight[endpoint] -= 1

    def _take_token(self, endpoint):
        clock = time.time()
        tokens, then = self._buckets.get(endpoint, (self.burst, clock))
        tokens = min(self.burst, tokens + (clock - then) * self.rate)
        if tokens < 1:
            self._buckets[endpoint] = (tokens, clock)
            return False
        self._buckets[endpoint] = (tokens - 1, clock)
        return True
