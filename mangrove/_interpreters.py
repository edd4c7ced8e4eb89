# -*- coding: utf-8 -*-
"""
What differs between the Python interpreters mangrove runs on (2.7, 3.6+).

Every ``six.PY2`` branch and ``collections.abc`` fallback of the package
lives here, so the other modules read as plain Python 3 and the day 2.7
goes, this module is the one to simplify.
"""
from __future__ import absolute_import

import inspect

import six

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

__all__ = ['Mapping', 'keyword_names', 'signature_text', 'binds',
           'stream_text', 'native_strings', 'interact']


def keyword_names(func):
    """The keyword names ``func`` takes, or None when it takes any
    (``**kwargs``).

    :rtype: frozenset or None
    """
    if six.PY2:
        spec = inspect.getargspec(func)
        return None if spec.keywords else frozenset(spec.args)
    params = inspect.signature(func).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params)


def signature_text(name, method):
    """``name(arg, ...)`` for a bound method, or ``name(...)`` when its
    signature cannot be read."""
    try:
        if six.PY2:
            spec = inspect.getargspec(method)
            return name + inspect.formatargspec(spec.args[1:], *spec[1:])
        return name + str(inspect.signature(method))
    except (TypeError, ValueError):
        return name + '(...)'


def binds(method, args, kwargs):
    """Raise :class:`TypeError` if ``method(*args, **kwargs)`` would not
    bind; a method whose signature cannot be read passes."""
    if six.PY2:
        inspect.getcallargs(method, *args, **kwargs)
        return
    try:
        signature = inspect.signature(method)
    except ValueError:
        return  # nothing to check against (a builtin)
    signature.bind(*args, **kwargs)


def stream_text(stream, text):
    """``text`` as ``stream.write`` takes it: Python 2's byte streams want
    unicode encoded (in the stream's encoding, else UTF-8)."""
    if six.PY2 and isinstance(text, six.text_type):
        return text.encode(getattr(stream, 'encoding', None) or 'utf-8',
                           'replace')
    return text


def native_strings(value):
    """``value`` (from :mod:`json`) with ASCII unicode made ``str`` on
    Python 2, where boto builds requests from ``str``; unchanged on 3."""
    if not six.PY2:
        return value
    if isinstance(value, six.text_type):
        try:
            return value.encode('ascii')
        except UnicodeEncodeError:
            return value
    if isinstance(value, list):
        return [native_strings(v) for v in value]
    if isinstance(value, dict):
        return dict((native_strings(k), native_strings(v))
                    for k, v in value.items())
    return value


def interact(console, banner):
    """Run an interactive ``code.InteractiveConsole`` without a goodbye
    line (Python 2's ``interact`` has no ``exitmsg``)."""
    if six.PY2:
        console.interact(banner)
    else:
        console.interact(banner, exitmsg='')
