# -*- coding: utf-8 -*-
"""
Throttling absorbed: a request AWS throttles is sent again after an
exponential backoff with full jitter, within a budget of attempts and
seconds, and its endpoint's concurrency limit backs off
(:mod:`mangrove.limits`).

Where: every boto connection a pool builds sends each request through its
``_mexe`` (boto's request loop, also what S3's and the JSON services'
``make_request`` end in). :func:`govern` puts an endpoint's limit around
it and hands boto a ``retry_handler``, which boto calls with each answer
before its own handling. So the same retries serve ``pool.call()``, a
function given to ``pool.map()`` and a region used directly, and each
fan-out task's requests are counted in its
:class:`~mangrove.fanout.stats.CallStats` and retried by its fan-out's policy,
both read from the task's :class:`~mangrove.fanout.context.SendContext` (a
thread the task starts has none, unless given
:func:`~mangrove.fanout.context.carry`).

What: an answer is a throttling error when its status is 429 or its AWS
error code is one of :data:`THROTTLING_CODES` (EC2's
``RequestLimitExceeded``, ``Throttling``, ``ThrottlingException``, S3's
``SlowDown``, ``TooManyRequestsException``...), whatever its status (EC2
and S3 throttle with a 503) and whether its body is XML or JSON.

One budget: the policy bounds every re-send of a throttling answer. Within
it mangrove re-sends, waiting at least the ``Retry-After`` the answer asks
for; when it is spent (or a ``Retry-After`` would end past its seconds),
nobody re-sends: not boto's loop of 5xx retries (which would send a 503
throttle ``num_retries`` more times, each after a sleep of its own), nor a
service's own retry handler (DynamoDB's, Route 53's). A 5xx throttle then
raises at once what boto raises when its retries are spent
(``BotoServerError``), a 4xx one reaches the service's own error handling,
and in either the error names the throttling code, read from a JSON body
too. Nothing else is retried by mangrove: other errors, other 503s
included, reach boto's own handling unchanged, and boto's ``num_retries``
keeps its meaning (its retries of other 5xx answers and broken
connections).

The same path gives a request that AWS makes idempotent its client token
(:mod:`mangrove.classic.tokens`).
"""
from __future__ import absolute_import

import email.utils
import json
import logging
import math
import numbers
import random
import re
import time
import weakref

import six

from mangrove import limits
from mangrove._compat import now
from mangrove.classic.tokens import ensure_token
from mangrove.classic.transport import senders
from mangrove.exceptions import wrong_type, wrong_value
from mangrove.fanout.context import current

__all__ = ['RetryPolicy', 'THROTTLING_CODES', 'default_retry',
           'set_default_retry', 'check_retry', 'is_throttling',
           'throttling_code', 'govern']

log = logging.getLogger(__name__)

#: The AWS error codes that mean "slow down", across the services boto
#: speaks to (the throttling codes of the AWS SDKs' retry rules). Quota
#: errors such as ``LimitExceededException`` are not among them: retrying
#: does not lift a quota.
THROTTLING_CODES = frozenset([
    'Throttling', 'ThrottlingException', 'ThrottledException',
    'RequestThrottledException', 'TooManyRequestsException',
    'ProvisionedThroughputExceededException', 'RequestLimitExceeded',
    'BandwidthLimitExceeded', 'RequestThrottled', 'SlowDown',
    'PriorRequestNotComplete', 'EC2ThrottledException',
])


def _positive(name, value, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise wrong_type(name, 'a number of seconds (int or float)', value)
    valid = 'a finite number of seconds, %s' % (
        '0 or more' if allow_zero else 'more than 0')
    try:
        seconds = float(value)
    except OverflowError:
        # An int past the largest float (10 ** 400).
        raise wrong_value(name, valid, value)
    if not (seconds >= 0 if allow_zero else seconds > 0) or \
            math.isinf(seconds):
        raise wrong_value(name, valid, value)
    return seconds


class RetryPolicy(object):
    """How a throttled request is retried: exponential backoff with full
    jitter (each wait a random length between 0 and ``base * 2 ** n``,
    ``n`` the retry's number from 0, at most ``cap``; or the answer's
    ``Retry-After``, when that is longer), within one budget that bounds
    every send of a throttled request, boto's own retries included.

    :param attempts: sends of one request at most while it is throttled,
        the first included (``1``: a throttled request is never sent
        again).
    :type attempts: int
    :param seconds: no retry is made whose wait would end more than this
        many seconds after the request was first sent.
    :type seconds: int or float
    :param base: the longest first wait, in seconds.
    :type base: int or float
    :param cap: the longest of any wait, in seconds.
    :type cap: int or float
    :raises InvalidArgumentTypeError: an argument has the wrong type.
    :raises InvalidArgumentError: an argument is out of range.
    """

    def __init__(self, attempts=8, seconds=60.0, base=0.1, cap=10.0):
        if isinstance(attempts, bool) or not isinstance(
                attempts, six.integer_types):
            raise wrong_type('attempts', 'a positive int', attempts)
        if attempts < 1:
            raise wrong_value('attempts', 'a positive int (1: no retries)',
                              attempts)
        self.attempts = attempts
        self.seconds = _positive('seconds', seconds)
        self.base = _positive('base', base, allow_zero=True)
        self.cap = _positive('cap', cap, allow_zero=True)

    def delay(self, retry):
        """A wait before retry number ``retry`` (0 for the first).

        :rtype: float
        """
        return random.uniform(0, min(self.cap, self.base * 2 ** min(
            retry, 62)))

    def __eq__(self, other):
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return vars(self) == vars(other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __repr__(self):
        return 'RetryPolicy(attempts=%d, seconds=%g, base=%g, cap=%g)' % (
            self.attempts, self.seconds, self.base, self.cap)


_default = [RetryPolicy()]


def default_retry():
    """The policy of requests made with no other (outside a fan-out, or in
    one given no ``retry``).

    :rtype: RetryPolicy
    """
    return _default[0]


def set_default_retry(policy):
    """Set the process's default :class:`RetryPolicy`
    (``RetryPolicy(attempts=1)`` turns mangrove's retries off).

    :raises InvalidArgumentTypeError: ``policy`` is no :class:`RetryPolicy`.
    """
    if not isinstance(policy, RetryPolicy):
        raise wrong_type('policy', 'a RetryPolicy', policy)
    _default[0] = policy


def check_retry(retry):
    """Check a ``retry`` argument: a :class:`RetryPolicy` or None.

    :raises InvalidArgumentTypeError: it is neither.
    """
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise wrong_type('retry', 'a RetryPolicy or None', retry)


def _plain_code(code):
    """``'com.amazonaws.dynamodb.v20120810#ThrottlingException'`` and
    ``'ThrottlingException:http://...'`` are ``'ThrottlingException'``."""
    if isinstance(code, bytes):
        code = code.decode('utf-8', 'replace')
    return code.rsplit('#', 1)[-1].split(':', 1)[0].strip()


def is_throttling(status, code):
    """Whether an answer with this HTTP status and AWS error code is a
    throttling error.

    :param status: the HTTP status (or None).
    :param code: the AWS error code (or None), in any of its written forms.
    :rtype: bool
    """
    return status == 429 or (bool(code) and
                             _plain_code(code) in THROTTLING_CODES)


def throttling_code(error):
    """The throttling code of an exception boto raised, or None when it is
    no throttling error.

    :param error: an exception, such as ``EC2ResponseError``.
    :rtype: str or None
    """
    status = getattr(error, 'status', None)
    code = getattr(error, 'error_code', None)
    if not isinstance(code, (six.string_types, bytes)):
        code = None
    if not is_throttling(status, code):
        return None
    return _plain_code(code) if code else 'HTTP %s' % status


_XML_CODE = re.compile(br'<Code>\s*([^<\s]+)\s*</Code>')
_JSON_TYPE = re.compile(br'"__type"\s*:\s*"([^"]+)"')


def _answer_code(response):
    """The AWS error code of an error answer. Its body is read through
    boto's response, which keeps it for the caller's own read."""
    header = response.getheader('x-amzn-ErrorType')
    if header:
        return header
    if not hasattr(response, '_cached_response'):
        return None  # not boto's response: its body is the caller's alone
    body = response.read()
    if isinstance(body, six.text_type):
        body = body.encode('utf-8')
    match = _XML_CODE.search(body) or _JSON_TYPE.search(body)
    return match.group(1) if match else None


def _throttled(response):
    """The throttling code of an answer, or None."""
    status = getattr(response, 'status', 200)
    if status < 400:
        return None
    code = _answer_code(response)
    if not is_throttling(status, code):
        return None
    return _plain_code(code) if code else 'HTTP %s' % status


def govern(conn, service, region):
    """Send every request of a boto connection under its endpoint's limit
    and retry its throttling errors. Returns ``conn``.

    Objects that are not boto connections are returned unchanged.

    :param conn: a boto connection, as a pool builds it.
    :param service: the service's name (``'ec2'``).
    :param region: the region's name (``'us-east-1'``).
    """
    # A boto Layer2 (DynamoDB, Glacier) sends through its layer1.
    for transport in senders(conn):
        if not isinstance(vars(transport).get('_mexe'), _Governed):
            transport._mexe = _Governed(transport, service, region)
    return conn


class _Governed(object):
    """Stands for a boto connection's ``_mexe``. It holds the connection
    weakly: a connection must not hold itself, or only the cyclic collector
    could free its sockets."""

    __slots__ = ('transport', 'service', 'region', '__weakref__')

    def __init__(self, transport, service, region):
        self.transport = weakref.ref(transport)
        self.service = service
        self.region = region

    def __reduce__(self):
        # boto connections pickle (boto's objects hold theirs): a copy is
        # governed as its original. Pickle has the connection in its memo
        # before its attributes, so this refers to the copy being made.
        return _Governed, (self.transport(), self.service, self.region)

    def __call__(self, request, sender=None, override_num_retries=None,
                 retry_handler=None):
        transport = self.transport()
        # Before boto's first send, so that its re-sends on a dropped
        # connection and the retries below carry the same token.
        ensure_token(request)
        # The fan-out task's context, if this thread runs one
        # (mangrove.fanout.context): its stats and retry policy.
        context = current()
        endpoint = limits.endpoint(_account(transport), self.service,
                                   self.region)
        attempt = _Attempts(endpoint, context.retry or _default[0],
                            context.stats, retry_handler, self, request)
        attempt.acquire()
        try:
            return type(transport)._mexe(transport, request, sender,
                                         override_num_retries,
                                         attempt.handle)
        finally:
            attempt.release()


def _account(transport):
    try:
        return transport.aws_access_key_id
    except Exception:  # a connection without a provider: anonymous
        return None


class _Attempts(object):
    """One request's sends: its slot of the endpoint's limit, and the
    retries of its throttling errors within the policy's budget."""

    def __init__(self, endpoint, policy, stats, chained, governed,
                 request=None):
        self.endpoint = endpoint
        self.request = request
        self.policy = policy
        self.stats = stats
        self.chained = chained
        self.governed = governed
        self.ticket = None
        self.retries = 0
        self.started = now()

    def acquire(self):
        began = now()
        self.ticket = self.endpoint.acquire()
        if self.stats is not None:
            self.stats.queued += now() - began

    def release(self):
        if self.ticket is not None:
            self.ticket = None
            self.endpoint.release()

    def handle(self, response, i, next_sleep):
        """boto's ``retry_handler``: None lets boto go on as usual; a
        ``(message, i, sleep)`` makes it send the request again; an
        exception ends the request."""
        code = _throttled(response)
        self.endpoint.answered(self.ticket, code is not None)
        stats = self.stats
        if stats is not None:
            stats.requests += 1
            stats.throttled += code is not None
        if code is None:
            if self.chained is not None:
                return self.chained(response, i, next_sleep)
            return None
        delay = self._delay(_retry_after(response))
        if delay is None:
            return self._spent(response, code, i, next_sleep)
        # The slot is given back while backing off: the endpoint's halved
        # limit then holds this request too.
        self.release()
        time.sleep(delay)
        self.acquire()
        self.retries += 1
        if stats is not None:
            stats.retries += 1
            stats.backoff += delay
        message = '%s/%s throttled (%s); retry %d after %.3fs' % (
            self.governed.service, self.governed.region, code, self.retries,
            delay)
        log.debug(message)
        # i unchanged: a throttle mangrove retries does not count against
        # boto's num_retries.
        return message, i, 0

    def _delay(self, retry_after):
        """The wait before the next retry (at least ``retry_after``
        seconds, the answer's ``Retry-After``), or None when the budget is
        spent."""
        if self.retries + 1 >= self.policy.attempts:
            return None
        delay = self.policy.delay(self.retries)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if now() + delay - self.started > self.policy.seconds:
            return None
        return delay

    def _spent(self, response, code, i, next_sleep):
        """End a request whose budget a throttling answer spent."""
        log.debug('%s/%s throttled (%s); budget of %d sends, %gs spent '
                  'after %d', self.governed.service, self.governed.region,
                  code, self.policy.attempts, self.policy.seconds,
                  self.retries + 1)
        # boto is imported by now (a boto connection sent the request);
        # mangrove itself imports it only when it must.
        from boto.exception import BotoServerError
        transport = self.governed.transport()
        status = response.status
        if status in _BOTO_RETRIES:
            # boto would send a 5xx again, num_retries times, after sleeps
            # of its own, outside the budget: raise now what boto raises
            # when those retries are spent, its request hook told as boto
            # tells it.
            body = _text(response.read())
            self._hook(transport, response)
            raise _naming(BotoServerError(status, response.reason, body),
                          code, body)
        if self.chained is not None:
            # A service's own handler (DynamoDB's, Route 53's) still reads
            # the answer (old DynamoDB's raises its errors there, and
            # returns no error otherwise), but may not send it again on a
            # budget of its own: when it asks to, mangrove raises the
            # error it would raise when that budget ran out.
            if not self.chained(response, i, next_sleep):
                return None
            error = _json_error(transport, response, code)
            if error is None:
                body = _text(response.read())
                error = _naming((_service_error(transport) or
                                 BotoServerError)(status, response.reason,
                                                  body), code, body)
            self._hook(transport, response)
            raise error
        # A 4xx answer: boto hands it to the service, which raises its own
        # error from the body. It cannot name a code sent in a body of the
        # other kind (a 429 in JSON from an XML service): mangrove raises
        # that same error, with the code.
        cls = _service_error(transport)
        if cls is None or not hasattr(response, '_cached_response'):
            return None
        body = _text(response.read())
        try:
            error = cls(status, response.reason, body)
        except Exception:  # an error class that cannot read this body
            return None
        if error.error_code:
            return None
        self._hook(transport, response)
        raise _naming(error, code, body)

    def _hook(self, transport, response):
        # boto tells a connection's request hook of each request it ends
        # with an error; mangrove ends these in boto's stead.
        hook = getattr(transport, 'request_hook', None)
        if hook is not None:
            hook.handle_request_data(self.request, response, error=True)


def _json_error(transport, response, code):
    """For a JSON service (DynamoDB), the error its own retry handler
    raises when its retries of a throttle are spent; else None."""
    from boto.exception import JSONResponseError
    cls = getattr(transport, 'ResponseError', None)
    if not isinstance(cls, type) or not issubclass(cls, JSONResponseError):
        return None
    try:
        data = json.loads(_text(response.read()))
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    faults = getattr(transport, '_faults', None) or {}
    if code in faults:          # boto.dynamodb2
        cls = faults[code]
    elif code == getattr(transport, 'ThruputError', None):  # boto.dynamodb
        from boto.dynamodb.exceptions import DynamoDBThroughputExceededError
        cls = DynamoDBThroughputExceededError
    return cls(response.status, response.reason, data)


# The statuses boto's _mexe sends again, num_retries times.
_BOTO_RETRIES = frozenset([500, 502, 503, 504])


def _text(body):
    # What boto gives its errors: the body decoded when it can be.
    if isinstance(body, bytes):
        try:
            return body.decode('utf-8')
        except UnicodeDecodeError:
            return body
    return body


def _service_error(transport):
    """The error class a service raises from an error answer's text body,
    or None when mangrove does not know it (or the service reads JSON
    itself)."""
    from boto.exception import BotoServerError, JSONResponseError
    if hasattr(transport, 'bucket_class'):   # S3, Google Storage
        cls = getattr(getattr(transport, 'provider', None),
                      'storage_response_error', None)
    else:
        cls = getattr(transport, 'ResponseError', None)
    if not isinstance(cls, type) or not issubclass(cls, BotoServerError) or \
            issubclass(cls, JSONResponseError):
        return None
    return cls


def _naming(error, code, body):
    """``error`` with the throttling code, where its class could not read it
    from the body (JSON, or no body: ``'HTTP 429'`` is no code)."""
    if not error.error_code and not code.startswith('HTTP '):
        error.error_code = code
        if not error.message:
            try:
                parsed = json.loads(body)
                error.message = parsed.get('message') or \
                    parsed.get('Message') or ''
            except (TypeError, ValueError, AttributeError):
                pass
    return error


def _retry_after(response):
    """The seconds an answer's ``Retry-After`` asks to wait (a number of
    seconds or an HTTP date), or None."""
    value = response.getheader('Retry-After')
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - time.time()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)
