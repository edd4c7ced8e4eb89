# -*- coding: utf-8 -*-
"""
What a fan-out task's requests are sent under: the
:class:`~mangrove.fanout.stats.CallStats` they are counted in and the retry
policy their throttling errors are retried by.

The path, end to end: the task runner (:mod:`mangrove.fanout.threads`) makes
one :class:`SendContext` per task and runs the task in it
(:meth:`SendContext.run`); the governed send of every boto connection a
pool builds (:mod:`mangrove.throttling`) reads :func:`current` for each
request. Between the two the context lives on the thread that runs the
task, and on no other: boto's send has no argument through which the
fan-out could reach it.

So a thread that a task starts itself has no context: its requests are
retried by the process default policy
(:func:`~mangrove.throttling.set_default_retry`) and counted nowhere.
:func:`carry` hands the task's context to such a thread::

    def task(region):
        worker = threading.Thread(target=mangrove.fanout.carry(work))
        worker.start()
        ...
"""
from __future__ import absolute_import

import threading

from mangrove.exceptions import wrong_type

__all__ = ['SendContext', 'NO_CONTEXT', 'current', 'carry', 'switch']

# The context of the task the current thread runs (absent: none).
_local = threading.local()


class SendContext(object):
    """What one fan-out task's requests are sent under.

    :ivar stats: the :class:`~mangrove.fanout.stats.CallStats` the requests
        are counted in, or None (counted nowhere).
    :ivar retry: the :class:`~mangrove.throttling.RetryPolicy` their
        throttling errors are retried by, or None (the process default, read
        at each request).
    """

    __slots__ = ('stats', 'retry')

    def __init__(self, stats=None, retry=None):
        self.stats = stats
        self.retry = retry

    def run(self, func, *args, **kwargs):
        """``func(*args, **kwargs)`` with this context current on the
        calling thread; the thread's own context is back afterwards."""
        outer = switch(self)
        try:
            return func(*args, **kwargs)
        finally:
            switch(outer)

    def __repr__(self):
        return '<SendContext stats=%r retry=%r>' % (self.stats, self.retry)


#: What :func:`current` gives outside any fan-out task: requests counted
#: nowhere, retried by the process default policy.
NO_CONTEXT = SendContext()


def current():
    """The context of the fan-out task this thread runs, or
    :data:`NO_CONTEXT` outside any.

    :rtype: SendContext
    """
    return getattr(_local, 'context', None) or NO_CONTEXT


def switch(context):
    """Make ``context`` current on this thread (None: no context); returns
    the one it replaces, None for none, to be switched back to.

    :rtype: SendContext or None
    """
    outer = getattr(_local, 'context', None)
    _local.context = context
    return outer


def carry(func):
    """``func``, wrapped to run in the context current now, whichever
    thread calls it: what a task gives a thread it starts, so that the
    thread's requests are counted in the task's stats and retried by the
    fan-out's policy::

        threading.Thread(target=mangrove.fanout.carry(work)).start()

    Outside any task there is nothing to carry, and ``func`` itself is
    returned. The context goes with the wrapper, not with the task: a
    thread still running after its task ended keeps counting into that
    task's stats, which its results already hold, so join the threads a
    task starts before it returns.

    :param func: any callable.
    :returns: a callable taking what ``func`` takes.
    :raises InvalidArgumentTypeError: ``func`` is not callable.
    """
    if not callable(func):
        raise wrong_type('func', 'a callable', func)
    context = current()
    if context is NO_CONTEXT:
        return func
    return _Carried(context, func)


class _Carried(object):
    """``func`` run in ``context`` (see :func:`carry`)."""

    __slots__ = ('context', 'func')

    def __init__(self, context, func):
        self.context, self.func = context, func

    def __call__(self, *args, **kwargs):
        return self.context.run(self.func, *args, **kwargs)

    def __repr__(self):
        return '<carried %r in %r>' % (self.func, self.context)
