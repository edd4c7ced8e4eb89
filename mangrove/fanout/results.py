# -*- coding: utf-8 -*-
"""
The outcome of a fan-out: :class:`RegionResults`, each key's result or error.

Results are looked up by the keys the fan-out ran (``'us_east_1'``, or
``('ec2', 'us_east_1')`` for a multi-service pool) in either spelling of a
region (``'us-east-1'`` too), as ``pool.regions`` is. They pickle and
deep-copy with their errors, so a fan-out can run in a worker process and
be read in its parent; an error that cannot travel is replaced by an
:class:`~mangrove.exceptions.UnpicklableError` naming its type and message.
"""
from __future__ import absolute_import

import pickle
import re
import traceback

import six

from mangrove._compat import Mapping
from mangrove.exceptions import (
    MAX_NAMES, FanOutError, RegionAttributeError,
    RegionNotInPoolError, UnpicklableError, error_text, name_list,
    wrong_type)
from mangrove.fanout.keys import (
    KeyedDict as _KeyedDict, format_key, hashable as _hashable, normal_key)
from mangrove.fanout.stats import CallStats, FanOutStats

__all__ = ['RegionResults', 'format_key', 'normal_key']


def _portable(error):
    """``(pickled error or None, type name, message)``: what travels."""
    cls = type(error)
    type_name = '%s.%s' % (cls.__module__, getattr(
        cls, '__qualname__', cls.__name__))
    try:
        message = '%s' % (error,)
    except Exception:
        message = error_text(error)
    try:
        data = pickle.dumps(error, pickle.HIGHEST_PROTOCOL)
    except Exception:
        data = None
    return data, type_name, message


def _arrived(data, type_name, message):
    """The error back from :func:`_portable`, or a stand-in for it."""
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception:
            pass  # its class is not importable here, or it cannot rebuild
    return UnpicklableError(type_name, message)


# Results of at most this many keys, shown in at most this many characters,
# give a glimpse of their values in their repr.
_GLIMPSE_KEYS = 4
_GLIMPSE_WIDTH = 100

_IDENTIFIER = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*\Z')


def _glimpse_of(value):
    """A short, secret-free stand-in for one result in a repr.

    Strings, bytes and dicts are never shown, only their size: a result may
    be key material or a session's credentials. Lists show their first
    item's glimpse; boto's objects their own short repr
    (``Reservation:r-1``), which names an id, never a secret.
    """
    if value is None or isinstance(
            value, (bool, float) + six.integer_types):
        return repr(value)
    if isinstance(value, (six.text_type, six.binary_type)):
        return '<%s of %d>' % (type(value).__name__, len(value))
    if isinstance(value, dict):
        return '{%d keys}' % len(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return '[]'
        first = _glimpse_of(value[0])
        if len(value) == 1:
            return '[%s]' % first
        return '[%s, ... (%d)]' % (first, len(value))
    text = repr(value)
    if type(value).__repr__ is object.__repr__ or len(text) > 40 or \
            '\n' in text:
        return '<%s>' % type(value).__name__
    return text


class RegionResults(Mapping):
    """The outcome of a fan-out: each key's result, or its error.

    As a mapping it holds the keys that succeeded, key -> result, in task
    order (the pool's region order), not in the order the tasks finished.
    The keys that failed or timed out are in :attr:`errors` instead::

        results = pool.map(lambda region: region.get_all_instances())
        for region_key, reservations in results.items():
            ...
        if not results.ok:
            print(results.format_error(results.failed[0]))
        results.raise_for_errors()

    A key may be given in either form of its region (``results['us-east-1']``
    is ``results['us_east_1']``; ``('ec2', 'us-east-1')`` for a mixin pool's
    results), for lookup, ``in``, :attr:`errors` and :meth:`format_error`.
    Looking up a key that failed raises a :class:`KeyError` (a
    :class:`~mangrove.exceptions.RegionNotInPoolError`) that says why.

    Results pickle and deep-copy with their errors: each error keeps its
    type, message and formatted traceback (:meth:`format_error`), not its
    traceback object; an error that cannot be pickled (or whose class
    cannot be imported where it is unpickled) arrives as an
    :class:`~mangrove.exceptions.UnpicklableError` naming its type and
    message.

    :param results: key -> result of the tasks that succeeded, in order.
    :type results: mapping or list of pairs
    :param errors: key -> exception of the tasks that failed, in order.
    :type errors: mapping or list of pairs
    :param tracebacks: key -> traceback of each failed task (``None`` for a
        timeout, which has none).
    :type tracebacks: mapping or list of pairs
    :param stats: key -> :class:`~mangrove.fanout.stats.CallStats` of each
        task, failed or not.
    :type stats: mapping or list of pairs

    :ivar errors: key -> exception of each task that failed or timed out, in
        task order (an :class:`~collections.OrderedDict`).
    :ivar tracebacks: key -> traceback object of each failed task, kept
        apart from the exception because Python 2 exceptions carry none
        (re-raise one with ``six.reraise``); ``None`` in results that were
        copied or unpickled.
    :ivar stats: a :class:`~mangrove.fanout.stats.FanOutStats`: key ->
        :class:`~mangrove.fanout.stats.CallStats` (requests, throttled answers,
        retries, seconds backing off and queued, elapsed) of every key,
        failed or not, with their totals (``results.stats.throttled``).
    """

    def __init__(self, results=(), errors=(), tracebacks=(), stats=()):
        self._results = _KeyedDict(results)
        self.errors = _KeyedDict(errors)
        self.tracebacks = _KeyedDict(tracebacks)
        self.stats = FanOutStats(stats)
        # Traceback text of errors that arrived without their traceback.
        self._texts = {}

    def __getitem__(self, key):
        try:
            return self._results[key]
        except KeyError:
            pass
        except TypeError:
            raise RegionNotInPoolError(
                '%r cannot be a key of these results (unhashable %s)'
                % (key, type(key).__name__), value=key,
                valid=self.succeeded)
        error = self.errors.get(key)
        if error is not None:
            six.raise_from(RegionNotInPoolError(
                '%s has no result: it failed with %s (see .errors[%r])'
                % (format_key(key), error_text(error), key), value=key,
                valid=self.succeeded), error)
        raise RegionNotInPoolError(
            '%r is not a key of these results; succeeded: %s; failed: %s'
            % (key, self._key_list(self._results),
               self._key_list(self.errors)), value=key, valid=self.succeeded)

    def __contains__(self, key):
        return key in self._results

    def __iter__(self):
        return iter(self._results)

    def __len__(self):
        return len(self._results)

    def __getattr__(self, attr):
        # ``results.us_east_1`` reads like ``pool.regions.us_east_1``. Names
        # with an underscore in front are never keys: copy and pickle look
        # some up before the instance has any state.
        if attr.startswith('_'):
            raise AttributeError(attr)
        try:
            return self[attr]
        except RegionNotInPoolError as exc:
            six.raise_from(RegionAttributeError(
                '%s' % (exc,), value=attr, valid=exc.valid,
                suggestions=exc.suggestions, brief=exc.brief), None)

    def __dir__(self):
        # Tab completion in a console offers the keys that have a result.
        names = set(dir(type(self))) | set(self.__dict__)
        names.update(key for key in self._results
                     if isinstance(key, six.string_types) and
                     _IDENTIFIER.match(key))
        return sorted(names)

    def __repr__(self):
        glimpse = self._glimpse()
        if glimpse is not None:
            return '<RegionResults %s>' % glimpse
        text = '<RegionResults %d ok' % len(self._results)
        if self.errors:
            failed = [format_key(k) for k in self.errors]
            shown = ', '.join(failed[:3])
            if len(failed) > 3:
                shown += ', ... (+%d)' % (len(failed) - 3)
            text += ', %d failed: %s' % (len(failed), shown)
        return text + '>'

    @property
    def ok(self):
        """``True`` when no task failed or timed out.

        :rtype: bool
        """
        return not self.errors

    @property
    def succeeded(self):
        """The keys that have a result, in task order.

        :rtype: list
        """
        return list(self._results)

    @property
    def failed(self):
        """The keys that failed or timed out, in task order.

        :rtype: list
        """
        return list(self.errors)

    def format_error(self, key):
        """The traceback of a failed key's error, as text.

        :param key: a key of :attr:`errors` (either form).
        :rtype: str
        :raises KeyError: ``key`` did not fail.
        :raises InvalidArgumentTypeError: ``key`` cannot be a key at all
            (it is not hashable).
        """
        if not _hashable(key):
            raise wrong_type('a results key', 'a region key such as '
                             "'us_east_1' or a (service, region) tuple", key)
        if key not in self.errors:
            raise RegionNotInPoolError(
                '%r did not fail; failed keys: %s'
                % (key, self._key_list(self.errors)), value=key,
                valid=self.failed)
        key = self.errors.stored(key)
        text = self._texts.get(key)
        if text is None:
            error = self.errors[key]
            text = ''.join(traceback.format_exception(
                type(error), error, self.tracebacks.get(key)))
        return text

    def raise_for_errors(self):
        """Raise if any task failed or timed out; do nothing otherwise.

        The error is chained from the first failure in task order, so its
        traceback shows where that one went wrong.

        :raises FanOutError: naming every failed key and its error (the
            first 50; all are in its ``.results``), with these results as
            its ``.results``.
        """
        if not self.errors:
            return
        lines = ['fan-out failed for %d of %d keys:' % (
            len(self.errors), len(self.errors) + len(self._results))]
        for key, error in list(self.errors.items())[:MAX_NAMES]:
            lines.append('  %s: %s' % (format_key(key), error_text(error)))
        if len(self.errors) > MAX_NAMES:
            lines.append('  ... and %d more (see .results.errors)'
                         % (len(self.errors) - MAX_NAMES))
        first = next(iter(self.errors.values()))
        six.raise_from(FanOutError('\n'.join(lines), results=self), first)

    @classmethod
    def gathered(cls, parts, order=None):
        """One fan-out's results from the results of its parts (the chunks
        it ran in other processes), with their stats; each error keeps its
        traceback (or, having travelled, its traceback's text).

        :param parts: :class:`RegionResults` with distinct keys.
        :type parts: iterable
        :param order: every key, in the order the results keep (default:
            the parts' order).
        :type order: list or None
        :rtype: RegionResults
        """
        results, errors, tracebacks, stats, texts = [], [], [], [], {}
        for part in parts:
            results.extend(part._results.items())
            errors.extend(part.errors.items())
            tracebacks.extend(part.tracebacks.items())
            stats.extend(part.stats.items())
            texts.update(part._texts)
        if order is not None:
            rank = dict((key, index) for index, key in enumerate(order))
            for pairs in (results, errors, tracebacks, stats):
                pairs.sort(key=lambda pair: rank.get(pair[0], len(rank)))
        whole = cls(results, errors, tracebacks, stats)
        whole._texts = texts
        return whole

    def picked(self, pairs, tracebacks=None):
        """New results of some of these keys, each under a key of its own,
        with its error's traceback (or, having travelled, its text) and
        its stats.

        :param pairs: ``(key here, key there)``, in the order the new
            results keep.
        :param tracebacks: key there -> a traceback to keep instead.
        :rtype: RegionResults
        """
        tracebacks = tracebacks or {}
        results, errors, kept, stats, texts = [], [], [], [], {}
        for key, new in pairs:
            if key in self._results:
                results.append((new, self._results[key]))
            elif key in self.errors:
                errors.append((new, self.errors[key]))
                kept.append((new, tracebacks.get(new) or
                             self.tracebacks.get(key)))
                if key in self._texts:
                    texts[new] = self._texts[key]
            if key in self.stats:
                stats.append((new, self.stats[key]))
        whole = type(self)(results, errors, kept, stats)
        whole._texts = texts
        return whole

    # -- pickling and copying ----------------------------------------------

    def __getstate__(self):
        # Traceback objects cannot be pickled: their text travels instead,
        # and each error separately, so one that cannot travel is replaced
        # by a stand-in rather than failing the whole pickle.
        return {
            'results': list(self._results.items()),
            'errors': [(key,) + _portable(error)
                       for key, error in self.errors.items()],
            'texts': dict((key, self.format_error(key))
                          for key in self.errors),
            'stats': [(key, stats.as_dict())
                      for key, stats in self.stats.items()],
        }

    def __setstate__(self, state):
        errors = [(row[0], _arrived(*row[1:])) for row in state['errors']]
        self.__init__(state['results'], errors,
                      [(key, None) for key, _ in errors],
                      [(key, CallStats(**figures))
                       for key, figures in state.get('stats', ())])
        self._texts = dict(state['texts'])

    def _glimpse(self):
        """``2 ok: us_east_1=[Reservation:r-1], eu_west_1=[]`` for results
        small enough to show on one line, else ``None``."""
        if self.errors or not 0 < len(self._results) <= _GLIMPSE_KEYS:
            return None
        shown = ', '.join('%s=%s' % (format_key(key), _glimpse_of(value))
                          for key, value in self._results.items())
        if len(shown) > _GLIMPSE_WIDTH:
            return None
        return '%d ok: %s' % (len(self._results), shown)

    @staticmethod
    def _key_list(keys):
        return name_list(format_key(k) for k in keys)
