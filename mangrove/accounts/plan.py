# -*- coding: utf-8 -*-
"""
The fan-out of an account pool: every account x region (x service) at once,
each account's role assumed inside it.

The tasks are given to :func:`mangrove.fanout.fan_out` one account after
another for each region, so the first wave of threads reaches every account
and the roles are assumed in parallel, one round trip each; the results are
then put back in account order. An account whose role cannot be assumed
fails once: its tasks wait for the one assumption, and its error is kept
under the account id alone, with its traceback (and reported once to
``on_result``); every other account's results are kept.

Once a fan-out has run, the next ones start the slowest regions first
(:mod:`mangrove.pool.latency`), those of a new account pool too: what each
region's tasks took is remembered for every account pool of the same pool
class and options (the regions aside) in the process, so that a script
that makes an account pool per run, with fresh credentials, starts its
longest round trips first from its second run on.
"""
from __future__ import absolute_import

import collections
import sys

from mangrove._compat import now
from mangrove.exceptions import AssumeRoleError
from mangrove.fanout.chunks import Group, map_in_chunks
from mangrove.fanout.engine import fan_out, iter_fan_out
from mangrove.fanout.executors import resolve_executor
from mangrove.optin import NotEnabledAware
from mangrove.pool.latency import observe, timed
from mangrove.pool.proxy import region_connection

__all__ = ['Attempt', 'run', 'stream', 'account_tasks', 'pool_kind',
           'DEFAULT_MAX_WORKERS']

#: Threads of an account pool's fan-out when ``max_workers`` is not given:
#: one per task up to this many. The tasks wait on the network, so the
#: fan-out costs about one account's assume-role-and-call chain.
DEFAULT_MAX_WORKERS = 256

# What each region's tasks took lately, by (pool kind, where): shared by
# the account pools of one kind, whose accounts reach the same endpoints.
_REGION_TIMES = {}

# Options that name regions, not where the requests go.
_NOT_KIND = ('regions', 'default_region')


def pool_kind(pool_class, options):
    """What account pools share region times by: their pool class and
    options other than the regions (endpoints, proxies, ports).

    :rtype: tuple (hashable)
    """
    return (pool_class, tuple(sorted(
        (name, repr(value)) for name, value in options.items()
        if name not in _NOT_KIND)))


class _Seen(object):
    """A region's moving average, as :func:`mangrove.pool.latency.observe`
    keeps it."""

    __slots__ = ('seconds',)

    def __init__(self):
        self.seconds = None


def _seen(kind, where):
    seen = _REGION_TIMES.get((kind, where))
    if seen is None:
        seen = _REGION_TIMES.setdefault((kind, where), _Seen())
    return seen


class Attempt(object):
    """One fan-out's try at an account's role: after a failure, the
    account's other tasks get the same error without asking STS again."""

    __slots__ = ('error', 'traceback')

    def __init__(self):
        self.error = None
        self.traceback = None

    def failed(self, error):
        self.error, self.traceback = error, sys.exc_info()[2]


class _Task(object):
    """``task()`` runs ``func`` on one account's region proxy."""

    __slots__ = ('fleet', 'account', 'attempt', 'where', 'func', 'seen')

    def __init__(self, fleet, account, attempt, where, func, seen):
        self.fleet, self.account, self.attempt = fleet, account, attempt
        self.where, self.func, self.seen = where, func, seen

    def __call__(self):
        proxy = self._proxy(self.fleet._pool_of(self.account, self.attempt))
        started = now()
        try:
            return timed(self.func, proxy)
        finally:
            observe(self.seen, now() - started)

    def _proxy(self, pool):
        if len(self.where) == 1:
            return pool.region_proxy(self.where[0])
        return pool.services[self.where[0]].region_proxy(self.where[1])

    @property
    def expected_seconds(self):
        """What this account's region took lately (see
        :mod:`mangrove.pool.latency`), else what the region took in account
        pools of this kind; None when neither has run it."""
        pool = self.fleet.accounts.slot(self.account).pool
        seconds = None
        if pool is not None:
            try:
                seconds = region_connection(self._proxy(pool)).seconds
            except Exception:  # a region the pool lacks fails in the task
                pass
        return self.seen.seconds if seconds is None else seconds


def _account_error(key, error):
    """Whether ``error`` of task ``key`` is its account's role failing."""
    return isinstance(error, AssumeRoleError) and error.account == key[0]


class _Reports(object):
    """``on_result`` as the caller sees it: an account's failed role once,
    keyed by the account id. Called from the fan-out's one reporting
    thread, so it needs no lock."""

    def __init__(self, on_result):
        self.on_result = on_result
        self.reported = set()

    def __call__(self, key, result, error):
        if _account_error(key, error):
            if key[0] in self.reported:
                return None
            self.reported.add(key[0])
            return self.on_result(key[0], None, error)
        return self.on_result(key, result, error)


def account_tasks(fleet, func, keys):
    """The fan-out tasks of ``keys`` (``(account,) + where`` tuples), one
    region (or service and region) after another, so that the first wave
    of threads reaches every account and the roles are assumed in
    parallel. Used here and in a worker process, for its chunk of an
    account pool's keys (see :mod:`mangrove.fanout.worker`).

    :param fleet: the account pool (its ``_pool_of(account, attempt)``
        and its :func:`pool_kind` as ``_kind``).
    :param func: called with each region's proxy.
    :returns: ``(tasks, attempts)``: ``(key, callable)`` pairs, and the
        :class:`Attempt` of each account, by account id.
    """
    by_where = collections.OrderedDict()
    for key in keys:
        by_where.setdefault(key[1:], []).append(key[0])
    attempts, tasks = {}, []
    for where, accounts in by_where.items():
        seen = _seen(fleet._kind, where)
        for account in accounts:
            attempt = attempts.get(account)
            if attempt is None:
                attempt = attempts[account] = Attempt()
            tasks.append(((account,) + where,
                          _Task(fleet, account, attempt, where, func, seen)))
    return tasks, attempts


def _workers(max_workers, tasks):
    if max_workers is None:
        return max(1, min(len(tasks), DEFAULT_MAX_WORKERS))
    return max_workers


def run(fleet, func, order, max_workers=None, timeout=None,
        on_result=None, retry=None, executor=None):
    """Fan ``func`` out over the keys ``order``.

    With an ``executor`` (see :mod:`mangrove.fanout.executors`), each account
    is a group of keys; the workers get chunks of whole accounts, and each
    worker process assumes its accounts' roles itself, inside its chunk's
    fan-out, from the account pool it unpickled (its settings: temporary
    credentials travel only when the pool was made with
    ``pickle_credentials=True``).

    :param fleet: the account pool.
    :param func: called with each region's proxy.
    :param order: ``(account, region_key)`` or ``(account, service,
        region_key)`` keys, in the pool's order.
    :rtype: :class:`~mangrove.fanout.results.RegionResults`
    :raises InvalidArgumentTypeError: ``executor`` is not one.
    """
    engine = resolve_executor(executor)
    reports = None if on_result is None else _Reports(on_result)
    if engine is None:
        tasks, attempts = account_tasks(fleet, NotEnabledAware(func), order)
        raw = fan_out(tasks, max_workers=_workers(max_workers, tasks),
                      timeout=timeout, on_result=reports, retry=retry)
    else:
        # Each worker's chunk fans out on threads over all of its keys
        # (fan_out's default: every task at once, up to 512).
        attempts = {}
        raw = map_in_chunks(
            engine, func,
            [Group(fleet, keys) for keys in fleet.chunk_groups(order)],
            timeout=timeout, on_result=reports, max_workers=max_workers,
            retry=retry)
    return _in_account_order(raw, order, attempts)


def stream(fleet, func, order, max_workers=None, timeout=None,
           retry=None):
    """``run``, yielding each key's
    :class:`~mangrove.fanout.threads.Outcome` as it finishes (see
    :func:`~mangrove.fanout.iter_fan_out`); an account whose role failed is
    yielded once, keyed by its id.

    :rtype: iterator of :class:`~mangrove.fanout.threads.Outcome`
    """
    tasks, _ = account_tasks(fleet, NotEnabledAware(func), order)
    # iter_fan_out checks its arguments now, not at the loop's first step.
    outcomes = iter_fan_out(tasks, max_workers=_workers(max_workers, tasks),
                            timeout=timeout, retry=retry)
    return _once_per_failed_account(outcomes)


def _once_per_failed_account(outcomes):
    failed = set()
    for outcome in outcomes:
        if _account_error(outcome.key, outcome.error):
            account = outcome.key[0]
            if account in failed:
                continue
            failed.add(account)
            outcome = outcome._replace(key=account)
        yield outcome


def _in_account_order(raw, order, attempts):
    """The results keyed as the caller sees them: each failed account
    once, by its id (with the stats of its first key)."""
    pairs, failed, tracebacks = [], set(), {}
    for key in order:
        account = key[0]
        error = raw.errors.get(key)
        if not _account_error(key, error):
            pairs.append((key, key))
        elif account not in failed:
            failed.add(account)
            pairs.append((key, account))
            attempt = attempts.get(account)
            if attempt is not None and attempt.error is error:
                # The traceback of the request STS refused, not of an
                # account task that was handed its error.
                tracebacks[account] = attempt.traceback
    return raw.picked(pairs, tracebacks)
