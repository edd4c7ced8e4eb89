# -*- coding: utf-8 -*-
"""
Every error mangrove raises, and the one place their messages are built.

Each one is a :class:`MangroveError`, and also the builtin a caller would
naturally catch: a region missing from a pool's mapping is a
:class:`KeyError`, a bad value a :class:`ValueError`, a bad type a
:class:`TypeError`. Messages name the bad value and what would be valid;
they never contain a secret.

An error also carries that as data, so a program never has to read it out
of the text: :attr:`~MangroveError.value` (the bad value),
:attr:`~MangroveError.valid` (what would have been accepted) and
:attr:`~MangroveError.suggestions` (the valid names closest to the bad one).

The functions below build the messages (``"X must be ..., not int 5"``,
``"... did you mean 'us-east-1'?"``, lists of names capped at
:data:`MAX_NAMES`, error text cut at :data:`MAX_TEXT`), so every error reads
the same way wherever it is raised.
"""
from __future__ import absolute_import

import difflib
import pickle
from concurrent.futures import CancelledError as _FuturesCancelledError
from concurrent.futures import TimeoutError as _FuturesTimeoutError

import six

#: The longest error text quoted inside another message (a failed region's
#: error in a fan-out summary, a command line error): long enough for
#: boto's ``EC2ResponseError: 400 Bad Request <xml...>`` to show AWS's own
#: message, short enough to keep thirty regions' summary readable.
MAX_TEXT = 300

#: The most names a message lists (the regions of a pool, the services
#: mangrove knows); the rest are counted. The full list is in ``.valid``.
MAX_NAMES = 50

# The longest repr of a bad value shown in a message.
_MAX_VALUE_REPR = 120


class MangroveError(Exception):
    """Base class of every error raised by mangrove.

    :ivar value: the bad value, when the error is about one (``None``
        otherwise, and always for a secret).
    :ivar valid: what would have been accepted: a list of names (regions,
        services, methods) or a short description (``'True or False'``);
        ``None`` when the error is not about a value.
    :ivar suggestions: the valid names closest to :attr:`value`, best
        first (a tuple, empty when nothing is close).
    :ivar brief: the message without its list of valid names, for a prompt
        where the suggestions say enough.
    """

    def __init__(self, message='', value=None, valid=None, suggestions=(),
                 brief=None):
        super(MangroveError, self).__init__(message)
        self.value = value
        self.valid = valid
        self.suggestions = tuple(suggestions)
        self.brief = message if brief is None else brief

    def __str__(self):
        # KeyError's own __str__ quotes its argument; a message reads better.
        return self.args[0] if self.args else ''

    def __reduce__(self):
        # As BaseException pickles, but a bad value that cannot be pickled
        # (a lambda passed where a list was due) travels as its repr rather
        # than making the whole error unpicklable.
        state = dict(self.__dict__)
        try:
            pickle.dumps(state.get('value'), pickle.HIGHEST_PROTOCOL)
        except Exception:
            state['value'] = repr(state.get('value'))
        return type(self), self.args, state


class InvalidArgumentError(MangroveError, ValueError):
    """An argument has the right type but a value mangrove cannot use."""


class InvalidArgumentTypeError(MangroveError, TypeError):
    """An argument has a type mangrove cannot use."""


class InvalidServiceError(InvalidArgumentError):
    """A service name that the service registry does not know."""


class UnknownRegionError(InvalidArgumentError):
    """A region name that the service does not know."""


class UnknownMethodError(InvalidArgumentError, AttributeError):
    """A boto method that the service's connection class does not have."""


class ServiceAttributeError(InvalidServiceError, AttributeError):
    """A service read as an attribute of a multi-service pool's region
    (``pool.regions['us_east_1'].ec3``) that the pool does not have."""


class PoolAttributeError(MangroveError, AttributeError):
    """A boto method read off a pool (``ec2.get_all_instances()``), which
    holds a connection per region rather than one of its own."""


class InvalidDeclarationError(InvalidArgumentError):
    """A ``service`` or ``services`` class attribute of the wrong shape."""


class RegionNotInPoolError(MangroveError, KeyError):
    """A region looked up in a pool that does not hold it."""


class RegionAttributeError(RegionNotInPoolError, AttributeError):
    """A region read as an attribute of ``pool.regions`` that the pool lacks.

    An :class:`AttributeError` too, so ``hasattr`` and ``getattr`` with a
    default work on the mapping.
    """


class UnknownAccountError(MangroveError, KeyError):
    """An account looked up in an account pool that does not hold it."""


class AccountAttributeError(UnknownAccountError, AttributeError):
    """An account name read as an attribute of ``fleet.accounts`` that the
    pool lacks (an :class:`AttributeError` too, for ``hasattr``)."""


class AssumeRoleError(MangroveError):
    """A role that could not be assumed in an account: no trust, no role,
    a suspended account, STS unreachable.

    :ivar account: the account id, also ``value``.
    :ivar role_arn: the role asked for.
    :ivar error_code: AWS's error code (``'AccessDenied'``), or None.
    :ivar status: the HTTP status AWS answered, or None.
    """

    def __init__(self, message='', account=None, role_arn=None,
                 error_code=None, status=None, **fields):
        fields.setdefault('value', account)
        super(AssumeRoleError, self).__init__(message, **fields)
        self.account = account
        self.role_arn = role_arn
        self.error_code = error_code
        self.status = status


class OrganizationsError(MangroveError):
    """AWS Organizations refused or failed a request (listing accounts).

    :ivar error_code: AWS's error code
        (``'AWSOrganizationsNotInUseException'``), or None.
    :ivar status: the HTTP status, or None.
    """

    def __init__(self, message='', error_code=None, status=None, **fields):
        super(OrganizationsError, self).__init__(message, **fields)
        self.error_code = error_code
        self.status = status


class NoDefaultRegionError(MangroveError, LookupError):
    """``regions.default`` read on a pool that has no default region."""


class NotConnectedError(MangroveError, RuntimeError):
    """A region connection used before the pool's ``connect()``."""


class Boto3UnavailableError(MangroveError, ImportError):
    """The boto3 extra used where it cannot work: Python older than 3.9, or
    boto3 not installed (``pip install 'boto-mangrove[boto3]'``).

    :ivar python_version: this interpreter's version (``'2.7.18'``).
    """

    def __init__(self, message='', python_version=None, **fields):
        super(Boto3UnavailableError, self).__init__(message, **fields)
        self.python_version = python_version


class UnpicklableError(MangroveError):
    """Stands in for a fan-out's error that could not be pickled or copied.

    Results that cross a process boundary (or are deep-copied) carry each
    error whole when it can be; one that cannot (its class takes other
    constructor arguments than it stores, holds a socket, or cannot be
    imported where it arrives) becomes this, naming its type and message.

    :ivar type_name: the original error's class, with its module
        (``'socket.timeout'``).
    :ivar text: the original error's message.
    """

    def __init__(self, type_name='', text='', **fields):
        super(UnpicklableError, self).__init__(
            '%s: %s' % (type_name, text) if text else type_name, **fields)
        self.type_name = type_name
        self.text = text


class UnpicklableFunctionError(InvalidArgumentTypeError):
    """A function given to ``map`` with a process or cluster executor that
    cannot be pickled to reach the workers (a lambda, a nested function,
    for a :class:`~concurrent.futures.ProcessPoolExecutor`)."""


class RegionNotEnabledError(MangroveError):
    """A region the credentials' account has not enabled (an opt-in region).

    :ivar region_name: the region (``'af-south-1'``), also ``value``.
    :ivar error_code: AWS's error code (``'AuthFailure'``).
    :ivar status: the HTTP status (401).
    :ivar error: AWS's answer as boto raised it.
    """

    def __init__(self, message='', region_name=None, error_code=None,
                 status=None, error=None):
        super(RegionNotEnabledError, self).__init__(message,
                                                    value=region_name)
        self.region_name = region_name
        self.error_code = error_code
        self.status = status
        self.error = error

    def __reduce__(self):
        # boto's own error travels along when it can rebuild itself (some
        # of boto's JSON errors cannot, on Python 2).
        error = self.error
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:
            error = None
        return (type(self), (str(self), self.region_name, self.error_code,
                             self.status, error))


class FanOutError(MangroveError):
    """One or more regions of a fan-out failed; ``.results`` holds them all.

    :ivar results: the fan-out's
        :class:`~mangrove.fanout.RegionResults`, successes and failures.
    """

    def __init__(self, message='', results=None, **fields):
        super(FanOutError, self).__init__(message, **fields)
        self.results = results


_TIMEOUT_DOC = """A region of a fan-out did not answer within its timeout.

    It is :mod:`concurrent.futures`' ``TimeoutError`` and, on every
    Python 3, the builtin :class:`TimeoutError`, an :class:`OSError` (on
    Python 2.7, which has no builtin ``TimeoutError``, an :class:`OSError`
    only), so ``except OSError`` catches it on every interpreter.

    :ivar key: the task's key (``'us_east_1'``, ``('ec2', 'us_east_1')``).
    :ivar timeout: the fan-out's timeout, in seconds.
    """

# concurrent.futures' TimeoutError is the builtin one from Python 3.11 on;
# before, it is not an OSError, so ``except OSError`` would catch a fan-out
# timeout on some interpreters only. Adding the builtin as a base makes it
# one everywhere (Python 2.7: OSError itself, having no TimeoutError).
if issubclass(_FuturesTimeoutError, OSError):
    class FanOutTimeoutError(MangroveError, _FuturesTimeoutError):
        __doc__ = _TIMEOUT_DOC
        key = timeout = None
else:
    class FanOutTimeoutError(MangroveError, _FuturesTimeoutError,
                             getattr(six.moves.builtins, 'TimeoutError',
                                     OSError)):
        __doc__ = _TIMEOUT_DOC
        key = timeout = None


class FanOutCancelledError(MangroveError, _FuturesCancelledError):
    """A key of a fan-out on an executor has no outcome: the executor
    cancelled the chunk of work it was in before the key reported.

    A dask scheduler that was killed or closed, or a client that lost it,
    cancels every task it held, and dask's executor then says no more than
    an empty ``CancelledError``; so does an executor shut down with
    ``cancel_futures=True`` while the fan-out ran. It is
    :mod:`concurrent.futures`' ``CancelledError`` too, so ``except
    CancelledError`` catches it as before.

    :ivar key: the task's key (``'us_east_1'``, ``('111111111111',
        'us_east_1')``).
    :ivar cause: what the executor said: the ``CancelledError`` (also
        ``__cause__``).
    """

    def __init__(self, message='', key=None, cause=None, **fields):
        super(FanOutCancelledError, self).__init__(message, **fields)
        self.key = key
        self.cause = cause
        self.__cause__ = cause

    def __reduce__(self):
        # Results travel between processes: the cause goes along only as
        # the text the message already holds (dask's own errors may not
        # rebuild elsewhere).
        return type(self), (str(self), self.key)


# -- building messages -------------------------------------------------------


def shorten(text, limit=MAX_TEXT):
    """``text`` on one line, cut to ``limit`` characters (ending ``...``).

    :type text: str
    :rtype: str
    """
    text = ' '.join(text.split())
    if len(text) > limit:
        text = text[:limit - 3] + '...'
    return text


def describe(value):
    """A bad value as messages show it: its type, then its repr (cut).

    :rtype: str
    """
    return '%s %s' % (type(value).__name__,
                      shorten(repr(value), _MAX_VALUE_REPR))


def name_list(names, limit=MAX_NAMES):
    """Names joined by commas, at most ``limit`` of them, or ``'none'``.

    :rtype: str
    """
    names = ['%s' % (name,) for name in names]
    if not names:
        return 'none'
    text = ', '.join(names[:limit])
    if len(names) > limit:
        text += ', ... (%d more)' % (len(names) - limit)
    return text


def close_matches(word, candidates, normalize=None):
    """The candidates closest to a mistyped word, best first (at most 3).

    :param word: the bad name.
    :param candidates: the valid names.
    :param normalize: compares ``normalize(word)`` with
        ``normalize(candidate)`` (such as ``str.lower``), and returns the
        candidates as given.
    :rtype: list
    """
    if not isinstance(word, six.string_types):
        return []
    candidates = list(candidates)
    if normalize is None:
        return difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    by_form = {}
    for candidate in candidates:
        by_form.setdefault(normalize(candidate), candidate)
    return [by_form[form] for form in difflib.get_close_matches(
        normalize(word), list(by_form), n=3, cutoff=0.6)]


def did_you_mean(suggestions):
    """``'; did you mean 'a' or 'b'?'`` for suggestions, ``''`` for none.

    :rtype: str
    """
    if not suggestions:
        return ''
    return '; did you mean %s?' % ' or '.join(repr(s) for s in suggestions)


def wrong_type(what, expected, value, show_value=True):
    """``<what> must be <expected>, not <type> <value>``.

    :param what: the argument as the caller wrote it (``'timeout'``).
    :param expected: what would be valid, in words.
    :param value: the bad value.
    :param show_value: False for a secret: its type is named, never its
        value (and the error does not keep it).
    :rtype: InvalidArgumentTypeError
    """
    shown = describe(value) if show_value else type(value).__name__
    return InvalidArgumentTypeError(
        '%s must be %s, not %s' % (what, expected, shown),
        value=value if show_value else None, valid=expected)


def wrong_value(what, expected, value, error_class=None):
    """``<what> must be <expected>, not <value>``.

    :param error_class: :class:`InvalidArgumentError` or a subclass.
    :rtype: InvalidArgumentError
    """
    return (error_class or InvalidArgumentError)(
        '%s must be %s, not %s' % (what, expected,
                                   shorten(repr(value), _MAX_VALUE_REPR)),
        value=value, valid=expected)


def not_one_of(error_class, head, value, valid, what='valid', shown=None,
               suggestions=None, normalize=None):
    """An error for a name that is none of the valid ones.

    The message is ``<head>; did you mean 'x'? (<what>: a, b, c)``, with the
    list capped at :data:`MAX_NAMES`; ``brief`` is the same without the
    list.

    :param error_class: the :class:`MangroveError` subclass to build.
    :param head: what went wrong, naming the value
        (``"Ec2Pool has no region 'us-est-1'"``).
    :param value: the bad name.
    :param valid: the valid names, as they are compared with ``value``.
    :param what: how the list is introduced (``'valid regions'``).
    :param shown: the valid names as the message lists them (default
        ``valid``).
    :param suggestions: the closest valid names, when the caller computed
        them; otherwise taken from ``valid`` with :func:`close_matches`.
    :param normalize: passed to :func:`close_matches`.
    """
    valid = list(valid)
    shown = valid if shown is None else list(shown)
    if suggestions is None:
        suggestions = close_matches(value, valid, normalize)
    brief = head + did_you_mean(suggestions)
    return error_class('%s (%s: %s)' % (brief, what, name_list(shown)),
                       value=value, valid=shown, suggestions=suggestions,
                       brief=brief)


def rephrase(error, prefix, error_class=None):
    """The same error, its message (and brief) prefixed with ``prefix: ``.

    For a layer that knows more of the context than the one that raised
    (the class that declared a service), or that raises another class; the
    data fields are kept.

    :param error: a :class:`MangroveError`.
    :param prefix: the text to put first, or None for none.
    :param error_class: the class of the new error (default the same).
    """
    def prefixed(text):
        return text if prefix is None else '%s: %s' % (prefix, text)
    return (error_class or type(error))(
        prefixed('%s' % (error,)), value=error.value, valid=error.valid,
        suggestions=error.suggestions, brief=prefixed(error.brief))


def error_text(error, limit=MAX_TEXT):
    """A caught exception on one line: ``Type: message``, cut to ``limit``.

    The type is named once, even when the exception's own text starts with
    it (as boto's ``BotoServerError: 503 ...`` does).

    :rtype: str
    """
    name = type(error).__name__
    try:
        text = '%s' % (error,)
    except Exception:  # Python 2: a unicode message that is not ASCII
        try:
            text = six.text_type(error)
        except Exception:  # an exception whose __str__ fails has a name
            text = ''
    text = ' '.join(text.split())
    if text.startswith(name + ':'):
        text = text[len(name) + 1:].lstrip()
    text = shorten(text, max(limit - len(name) - 2, 10))
    return '%s: %s' % (name, text) if text else name
