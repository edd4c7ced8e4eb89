# -*- coding: utf-8 -*-
"""
What each key of a fan-out cost: requests, throttled answers, retries and
time, as :attr:`RegionResults.stats
<mangrove.fanout.results.RegionResults.stats>` shows it.

A fan-out's worker thread runs each task in a
:class:`~mangrove.fanout.context.SendContext` holding the task's
:class:`CallStats`; the requests made on that thread through a pool's
connections, by ``call()`` or by a function given to ``map()``, are counted
in it (see :mod:`mangrove.throttling`). Requests made on threads a task
starts itself are not attributed to it, unless the thread's function is
wrapped by :func:`mangrove.fanout.carry`.
"""
from __future__ import absolute_import

from mangrove._compat import Mapping
from mangrove.fanout import context as sendcontext
from mangrove.fanout.keys import KeyedDict, format_key

__all__ = ['CallStats', 'FanOutStats', 'current', 'recording']

_FIELDS = ('requests', 'throttled', 'retries', 'backoff', 'queued',
           'elapsed')


class CallStats(object):
    """What one key's call cost.

    :ivar requests: answers received from AWS (each attempt of each
        request).
    :ivar throttled: of those, how many were throttling errors.
    :ivar retries: requests mangrove sent again after a throttling error.
    :ivar backoff: seconds spent backing off before those retries.
    :ivar queued: seconds spent waiting for an endpoint's concurrency limit.
    :ivar elapsed: seconds the key's task took, start to end.
    """

    def __init__(self, requests=0, throttled=0, retries=0, backoff=0.0,
                 queued=0.0, elapsed=0.0):
        self.requests = requests
        self.throttled = throttled
        self.retries = retries
        self.backoff = backoff
        self.queued = queued
        self.elapsed = elapsed

    def as_dict(self):
        """The figures as a dict (for JSON).

        :rtype: dict
        """
        return dict((name, getattr(self, name)) for name in _FIELDS)

    def __eq__(self, other):
        if not isinstance(other, CallStats):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __repr__(self):
        return ('<CallStats %d requests, %d throttled, %d retries, %.3fs '
                'backoff, %.3fs queued, %.3fs>' % tuple(
                    getattr(self, name) for name in _FIELDS))


class FanOutStats(Mapping):
    """Each key's :class:`CallStats`, in task order, and their totals.

    A key may be written in either form of its region, as for the results.
    """

    def __init__(self, stats=()):
        self._stats = KeyedDict(stats)

    def __getitem__(self, key):
        return self._stats[key]

    def __contains__(self, key):
        return key in self._stats

    def __iter__(self):
        return iter(self._stats)

    def __len__(self):
        return len(self._stats)

    def _total(self, name):
        return sum(getattr(stats, name) for stats in self._stats.values())

    @property
    def requests(self):
        """Answers received, over every key.

        :rtype: int
        """
        return self._total('requests')

    @property
    def throttled(self):
        """Throttling errors received, over every key.

        :rtype: int
        """
        return self._total('throttled')

    @property
    def retries(self):
        """Requests sent again after a throttling error, over every key.

        :rtype: int
        """
        return self._total('retries')

    @property
    def backoff(self):
        """Seconds spent backing off, summed over every key.

        :rtype: float
        """
        return self._total('backoff')

    @property
    def queued(self):
        """Seconds spent waiting for endpoint limits, over every key.

        :rtype: float
        """
        return self._total('queued')

    def throttled_keys(self):
        """The keys that received at least one throttling error, in order.

        :rtype: list
        """
        return [key for key, stats in self._stats.items() if stats.throttled]

    def __getstate__(self):
        return {'stats': list(self._stats.items())}

    def __setstate__(self, state):
        self.__init__(state['stats'])

    def __repr__(self):
        text = '<FanOutStats %d keys: %d requests, %d throttled' % (
            len(self), self.requests, self.throttled)
        keys = self.throttled_keys()
        if keys:
            shown = ', '.join(format_key(key) for key in keys[:3])
            if len(keys) > 3:
                shown += ', ... (+%d)' % (len(keys) - 3)
            text += ' (%s), %d retries, %.2fs backoff' % (
                shown, self.retries, self.backoff)
        return text + '>'


def current():
    """``(stats, retry)`` of the fan-out task this thread runs, or
    ``(None, None)`` outside any: the fields of
    :func:`mangrove.fanout.context.current`.

    :rtype: tuple
    """
    context = sendcontext.current()
    return context.stats, context.retry


class recording(object):
    """``with recording(stats, retry):`` counts this thread's requests in
    ``stats`` and retries them by ``retry`` (a
    :class:`~mangrove.throttling.RetryPolicy`, or None for the default):
    a :class:`~mangrove.fanout.context.SendContext` made current for the
    block. The task runner uses :meth:`SendContext.run
    <mangrove.fanout.context.SendContext.run>` instead."""

    def __init__(self, stats, retry=None):
        self.task = (stats, retry)
        self.outer = None

    def __enter__(self):
        self.outer = sendcontext.switch(sendcontext.SendContext(*self.task))
        return self.task[0]

    def __exit__(self, *exc_info):
        sendcontext.switch(self.outer)
