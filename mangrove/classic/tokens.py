# -*- coding: utf-8 -*-
"""
Client tokens: a request that AWS makes idempotent with a ``ClientToken``
gets one when the caller gave none.

Why: boto sends a request again when its connection drops before the
answer (up to ``num_retries`` times), whether or not AWS already carried it
out. For ``RunInstances`` that means instances launched twice, or seven
times. AWS carries out a request once per client token: a re-send with the
token of a request already done gets that request's answer, and does
nothing more.

Where: every request of a connection a pool builds goes through its
governed ``_mexe`` (:mod:`mangrove.throttling`), which calls
:func:`ensure_token` once per request, before boto's first send. The token
is then part of the request that boto signs again and re-sends on a dropped
connection, and that mangrove re-sends after a throttling error: one token
per call, the same on every send of it, a new one for the next call. So
``pool.call()``, a function given to ``pool.map()``, a region used directly
(``pool.regions['us_west_1'].run_instances(...)``), ``region.connection``
and the objects boto returns (``image.run()``) are all covered. A boto
connection mangrove did not build is not.

What: the actions of :data:`QUERY_ACTIONS` and :data:`JSON_TARGETS`, those
whose boto 2.49 method sends a client token (``run_instances``,
``copy_image``, ``create_reserved_instances_listing``,
``modify_reserved_instances``; CloudHSM's ``create_hsm``). A token the
caller gave (``client_token='...'``) is sent untouched; ``None`` counts as
none given. A token is 32 hex digits (a random UUID): within every
service's limit of 64 ASCII letters and digits.
"""
from __future__ import absolute_import

import json
import logging
import uuid

__all__ = ['QUERY_ACTIONS', 'JSON_TARGETS', 'new_token', 'ensure_token']

log = logging.getLogger(__name__)

#: Query-protocol actions (EC2) that take a ``ClientToken`` parameter, and
#: the boto method that sends each.
QUERY_ACTIONS = {
    'RunInstances': 'run_instances',
    'CopyImage': 'copy_image',
    'CreateReservedInstancesListing': 'create_reserved_instances_listing',
    'ModifyReservedInstances': 'modify_reserved_instances',
}

#: JSON-protocol actions (by their ``X-Amz-Target``) whose body takes a
#: ``ClientToken`` member, and the boto method that sends each.
JSON_TARGETS = {
    'CloudHsmFrontendService.CreateHsm': 'create_hsm',
}


def new_token():
    """A fresh client token: 32 random hex digits.

    :rtype: str
    """
    return uuid.uuid4().hex


def ensure_token(request):
    """Give a boto request a client token if its action takes one and the
    caller gave none.

    Called once per request, before its first send; boto's re-sends and
    mangrove's retries reuse the request, token included.

    :param request: a ``boto.connection.HTTPRequest`` not yet sent.
    :returns: the token the request carries (the caller's or a new one),
        or None when its action takes none.
    :rtype: str or None
    """
    params = request.params
    action = params.get('Action') if isinstance(params, dict) else None
    if action is not None:
        if action not in QUERY_ACTIONS:
            return None
        token = params.get('ClientToken')
        if token is None:
            token = params['ClientToken'] = new_token()
            _log_new(action, token)
        return token
    headers = request.headers
    target = headers.get('X-Amz-Target') if headers else None
    if target not in JSON_TARGETS:
        return None
    return _json_token(request, target)


def _json_token(request, target):
    body = request.body
    text = body.decode('utf-8') if isinstance(body, bytes) else body
    try:
        members = json.loads(text or '{}')
    except ValueError:
        return None  # not boto's JSON: leave it as it is
    if not isinstance(members, dict):
        return None
    token = members.get('ClientToken')
    if token is not None:
        return token
    token = members['ClientToken'] = new_token()
    text = json.dumps(members)   # ASCII: as many bytes as characters
    request.body = text.encode('utf-8') if isinstance(body, bytes) else text
    # boto's JSON services set the length before the request reaches _mexe.
    for name in list(request.headers):
        if name.lower() == 'content-length':
            request.headers[name] = str(len(text))
    _log_new(target, token)
    return token


def _log_new(action, token):
    log.debug('%s sent with client token %s: a re-send cannot run it twice',
              action, token)
