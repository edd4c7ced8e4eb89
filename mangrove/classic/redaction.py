# -*- coding: utf-8 -*-
"""
Secrets out of boto's log records.

At ``DEBUG`` classic boto logs every request and answer whole: the headers
(``x-amz-security-token``), the parameters of a Signature Version 2
request (``SecurityToken``), the canonical request of a version 4 one, and
the body of an answer, such as the temporary secret key and session token
of the ``AssumeRole`` answers mangrove's account pools ask for. A program
that turns on ``logging.basicConfig(level=logging.DEBUG)`` would write them
all to its log.

:func:`install` puts a filter on boto's logger (``boto``, where boto logs
all of that) that rewrites each record's text with every secret value
replaced by ``<redacted>``. mangrove installs it before it makes its first
connection. Only the values go: what was sent, where and when still shows.
"""
from __future__ import absolute_import

import logging
import re

from mangrove.fork import ForkSafeLock

__all__ = ['REDACTED', 'redact', 'install', 'RedactingFilter']

#: What a secret value is replaced by.
REDACTED = '<redacted>'

# Each pattern keeps what names the secret (group 1) and replaces the value
# that follows. Names are matched without regard to case.
_SECRET_NAMES = (r'SecretAccessKey|SecretKey|SessionToken|SecurityToken|'
                 r'x-amz-security-token|aws_secret_access_key|'
                 r'aws_session_token|security_token')
_PATTERNS = [
    # XML elements: <SessionToken>...</SessionToken>.
    re.compile(r'(<(?:%s|Token)>)[^<]*(?=</)' % _SECRET_NAMES, re.I),
    # Dict reprs and JSON: 'SecurityToken': '...', "SessionToken": "...".
    re.compile(r'''(['"](?:%s)['"]\s*:\s*u?['"])[^'"]*''' % _SECRET_NAMES,
               re.I),
    # Query strings and form bodies: SecurityToken=...&.
    re.compile(r'((?:^|[?&\s])(?:%s)=)[^&\s]*' % _SECRET_NAMES, re.I),
    # Header lines of a canonical request: x-amz-security-token:....
    re.compile(r'((?:^|\n)\s*x-amz-security-token\s*:)[^\n]*', re.I),
    # boto's own line, 'Token: ...'.
    re.compile(r'(^Token: ).*', re.S),
]


def redact(text):
    """``text`` with every secret value in it replaced by
    :data:`REDACTED`.

    :type text: str
    :rtype: str
    """
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A filter that passes every record, its text redacted."""

    #: Marks the filter, so that it is put on a logger once.
    mangrove_redaction = True

    def filter(self, record):
        try:
            text = record.getMessage()
        except Exception:
            # A record that cannot be formatted fails as it would have.
            return True
        redacted = redact(text)
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


# Fork-safe: connections are made in forked workers too.
_lock = ForkSafeLock()


def install(logger_name='boto'):
    """Put a :class:`RedactingFilter` on the logger ``logger_name`` (boto's
    own by default), once; idempotent and thread-safe."""
    logger = logging.getLogger(logger_name)
    with _lock:
        if not any(getattr(f, 'mangrove_redaction', False)
                   for f in logger.filters):
            logger.addFilter(RedactingFilter())
