# -*- coding: utf-8 -*-
"""
:class:`AccountPool`: the pool you already use, in every account at once.

An account pool holds, per account, a pool of one kind (a helper such as
:class:`~mangrove.services.Ec2Pool`, a
:class:`~mangrove.pool.service.ServicePool` or
:class:`~mangrove.pool.mixin.ServiceMixinPool` subclass) built with the same
options, whose credentials come from STS ``AssumeRole`` in that account
(:mod:`mangrove.accounts.assumerole`) and are replaced before they expire. The
accounts are a list, or every active account of the caller's organization
(:mod:`mangrove.accounts.organizations`).
"""
from __future__ import absolute_import

import functools
import logging

from mangrove.accounts import plan as accountfanout
from mangrove.accounts.assumerole import (
    DEFAULT_SESSION_NAME, RoleSettings, caller_account)
from mangrove.accounts.mapping import (
    ORGANIZATION, AccountMapping, account_slots)
from mangrove.credentials import REFRESH_MARGIN
from mangrove.exceptions import (
    AssumeRoleError, InvalidArgumentError, wrong_type)
from mangrove.fanout.engine import fan_out
from mangrove.optin import ENABLED
from mangrove.pool.base import BasePool, grouped_by_first
from mangrove.pool.mixin import ServiceMixinPool
from mangrove.pool.service import ServicePool
from mangrove.regions import region_list
from mangrove.registry import get_service

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']

log = logging.getLogger(__name__)

#: The caller's own credentials: they reach STS and Organizations, never
#: the accounts' pools, which sign with the roles' credentials.
CALLER_KEYWORDS = ('aws_access_key_id', 'aws_secret_access_key',
                   'security_token', 'profile_name')

# Network settings that STS and Organizations share with the pools.
_NETWORK_KEYWORDS = ('is_secure', 'proxy', 'proxy_port', 'proxy_user',
                     'proxy_pass', 'validate_certs', 'debug')


def _with_pool(fleet, account, func):
    # A task of map_accounts: the account's pool, its role assumed first.
    return func(fleet._pool_of(account))


class AccountPool(BasePool):
    """A pool of pools: one per account, each reached by assuming a role.

    ::

        from mangrove.accounts import AccountPool
        from mangrove.services import Ec2Pool

        fleet = AccountPool(Ec2Pool, ['111111111111', '222222222222'],
                            role_name='Audit', regions=['us-east-1'])
        fleet.accounts['111111111111'].regions.us_east_1.get_all_volumes()
        results = fleet.call('get_all_volumes')   # every account x region
        results['111111111111', 'us-east-1'], results.errors

    Results are keyed ``(account, region)``, or ``(account, service,
    region)`` for a :class:`~mangrove.pool.mixin.ServiceMixinPool`, in
    account order then the pool's order. An account whose role cannot be
    assumed is one error, keyed by its id, naming the account and the role
    (an :class:`~mangrove.exceptions.AssumeRoleError`).

    :param pool_class: the pool to hold in every account: a
        :class:`ServicePool` subclass (such as ``Ec2Pool``) or a
        :class:`ServiceMixinPool` subclass.
    :param accounts: account ids (``['111111111111', ...]``), a dict of
        name -> id in the order it iterates (the names become attributes
        of :attr:`accounts`; on Python 2.7 an ``OrderedDict``), or
        ``'organization'`` for every active account of the caller's AWS
        Organization (asked now, with ``ListAccounts``).
    :param role_name: the role to assume, the same name in every account.
    :param role_arn: or an ARN template with ``{account}``.
    :param session_name: the role session name.
    :param external_id: the external id the roles' trust asks for.
    :param duration: the temporary credentials' lifetime, in seconds:
        900 (the least STS gives) to 43200.
    :param refresh_margin: replace them this many seconds before they
        expire (a property: may be changed at any time).
    :param organizational_units: with ``'organization'``, only the
        accounts inside these units (or roots), at any depth.
    :param skip_accounts: account ids to leave out.
    :param include_caller: whether the calling account is one of the
        pool's accounts, reached with the caller's own credentials rather
        than a role. By default it is not: an organization's management
        account has no role for the others to assume. (Unpickled without
        the caller's keys, a pool reaches it with the credentials found
        there, and only if they are of that account.)
    :param sts_region: ask STS in this region (default the partition's
        global endpoint).
    :param page_size: accounts per page of Organizations listings.
    :param pickle_credentials: let a pickle (what every worker of an
        ``executor`` gets, a remote dask cluster's included) carry
        credentials: the caller's keys given here and the temporary
        credentials assumed so far. By default it carries neither: an
        unpickled pool asks STS with the credentials boto finds where it
        is (environment, config file, ``profile_name``'s profile, instance
        role) and assumes the roles again.
    :param pool_options: what every account's pool is built with
        (``regions``, ``default_region``, ``partition``, ``endpoint_url``,
        boto connection keywords); the caller's credentials
        (``aws_access_key_id``, ``aws_secret_access_key``,
        ``security_token``, ``profile_name``; else boto's own lookup) are
        used for STS and Organizations only.
    """

    def __init__(self, pool_class, accounts, role_name=None, role_arn=None,
                 session_name=DEFAULT_SESSION_NAME, external_id=None,
                 duration=3600, refresh_margin=REFRESH_MARGIN,
                 organizational_units=None, skip_accounts=None,
                 include_caller=False, sts_region=None, page_size=None,
                 pickle_credentials=False, **pool_options):
        self._check_pool_class(pool_class)
        if not isinstance(include_caller, bool):
            raise wrong_type('include_caller', 'True or False',
                             include_caller)
        if 'credential_source' in pool_options or 'connect' in pool_options:
            raise InvalidArgumentError(
                'AccountPool gives every account\'s pool its credentials '
                'and connects it on first use: no %s' % (
                    'credential_source' if 'credential_source' in
                    pool_options else 'connect'))
        if pool_options.get('regions') == ENABLED:
            raise InvalidArgumentError(
                "regions='enabled' differs from account to account; name "
                'the regions every account is asked in',
                value=ENABLED, valid='a list of regions, or None')
        self.pool_class = pool_class
        caller = dict((k, pool_options.pop(k)) for k in CALLER_KEYWORDS
                      if pool_options.get(k) is not None)
        caller.update((k, pool_options[k]) for k in _NETWORK_KEYWORDS
                      if pool_options.get(k) is not None)
        self._options = pool_options
        # What account pools share region times by (see
        # mangrove.accounts.plan).
        self._kind = accountfanout.pool_kind(pool_class, pool_options)
        # Built unconnected, never used to connect: it checks the options
        # now and says which regions (and services) each account has.
        self._template = pool_class(**pool_options)
        partition = pool_options.get('partition')
        self.settings = RoleSettings(
            role_name, role_arn, session_name, external_id, duration,
            refresh_margin,
            partition if partition in (None, 'aws', 'aws-cn', 'aws-us-gov')
            else None, sts_region, pool_options.get('endpoint_url'),
            caller, pickle_credentials)
        self._caller = None
        if include_caller or accounts == ORGANIZATION:
            self._caller = caller_account(self.settings)
        slots = account_slots(self, accounts, organizational_units,
                              skip_accounts, include_caller, page_size)
        self.accounts = AccountMapping(self, slots)

    @staticmethod
    def _check_pool_class(pool_class):
        expected = ('a pool class: a ServicePool subclass such as Ec2Pool, '
                    'or a ServiceMixinPool subclass')
        if not isinstance(pool_class, type) or not issubclass(
                pool_class, (ServicePool, ServiceMixinPool)) or \
                pool_class in (ServicePool, ServiceMixinPool):
            raise wrong_type('pool_class', expected, pool_class)

    # -- what each account holds ---------------------------------------------

    def _build(self, slot):
        """A new connected pool for one account (assuming its role)."""
        options = dict(self._options)
        if slot.source is None:
            # The caller's own account, with the caller's credentials.
            if self.settings.caller_keys_left_behind:
                self._check_own_account(slot.id)
            options.update(self.settings.caller_kwargs)
        else:
            slot.source()  # raises AssumeRoleError, naming account and role
            options['credential_source'] = slot.source
        return self.pool_class(**options).connect()

    def _check_own_account(self, account):
        """Unpickled without the caller's keys, this process reaches the
        caller's account with its own credentials: they must be of that
        account, or its results would come from another, under its id."""
        found = caller_account(self.settings)
        if found != account:
            raise AssumeRoleError(
                "account %s: the caller's own account, reached with the "
                "caller's credentials; but the caller's keys were not "
                'pickled with the account pool, and the credentials of this '
                'process are of account %s: make the pool with '
                'pickle_credentials=True to send them' % (account, found),
                account=account)

    def _pool_of(self, account, attempt=None):
        """The account's pool, built (its role assumed) on first use; one
        thread builds it while the account's other threads wait."""
        slot = self.accounts.slot(account)
        pool = slot.pool
        if pool is not None:
            return pool
        with slot.lock:
            if slot.pool is not None:
                return slot.pool
            if attempt is not None and attempt.error is not None:
                raise attempt.error
            try:
                slot.pool = self._build(slot)
            except Exception as exc:
                if attempt is not None:
                    attempt.failed(exc)
                raise
            log.debug('account %s: pool ready', account)
            return slot.pool

    @property
    def refresh_margin(self):
        """Seconds before expiry at which credentials are replaced; set it
        to change that for every account at once."""
        return self.settings.refresh_margin

    @refresh_margin.setter
    def refresh_margin(self, seconds):
        self.settings.refresh_margin = seconds

    @property
    def caller_account(self):
        """The calling account's id, when it was asked (with
        ``include_caller`` or ``'organization'``), else None."""
        return self._caller

    @property
    def backend(self):
        """The :class:`~mangrove.backends.Backend` of every account's pool
        (of their services that name none, for a multi-service pool)."""
        return self._template.backend

    @property
    def backend_name(self):
        """The name of :attr:`backend`: ``'boto'`` or ``'boto3'``."""
        return self._template.backend.name

    # -- fan-out -------------------------------------------------------------

    _fanout_options = ('accounts', 'regions', 'services') + BasePool._OPTIONS

    # Its keys lead with an account, which map_pools' names would also
    # claim: map_pools takes the accounts' pools instead.
    _joins_map_pools = False

    def map(self, func, accounts=None, regions=None, services=None,
            max_workers=None, timeout=None, on_result=None, retry=None,
            executor=None):
        """Run ``func(region_proxy)`` in every region of every account at
        once; each account's role is assumed inside the fan-out.

        :param func: called with each region's proxy, as a pool's ``map``
            calls it.
        :param accounts: only these accounts (ids or names).
        :param regions: only these regions (either form).
        :param services: only these services (a multi-service pool).
        :param max_workers: at most this many threads (default one per
            task, up to 256); per worker with an ``executor``.
        :param timeout: seconds after which the call returns.
        :param on_result: called as ``on_result(key, result, error)`` as
            each task finishes; an account whose role failed is reported
            once, as ``on_result(account, None, error)``.
        :param retry: how throttling errors are retried (a
            :class:`~mangrove.throttling.RetryPolicy`; default the
            process's).
        :param executor: threads here (None), or a ``concurrent.futures``
            executor (processes, loky, dask; see
            :mod:`mangrove.fanout.executors`): each worker gets whole accounts
            and assumes their roles itself (the pool travels as its settings;
            temporary credentials only with ``pickle_credentials=True``),
            fanning out on threads there.
        :rtype: :class:`~mangrove.fanout.results.RegionResults`
        """
        return self._map(func, {'accounts': accounts, 'regions': regions,
                                'services': services},
                         max_workers, timeout, on_result, retry, executor)

    def iter_map(self, func, accounts=None, regions=None, services=None,
                 max_workers=None, timeout=None, retry=None):
        """``map``, yielding each key's
        :class:`~mangrove.fanout.threads.Outcome` as it finishes, for fan-outs
        too large to hold (see :func:`~mangrove.fanout.iter_fan_out`)::

            for outcome in fleet.iter_map(lambda r: r.get_all_volumes()):
                if outcome.error is None:
                    account, region = outcome.key
                    ...

        An account whose role failed is yielded once, keyed by its id
        alone, with its :class:`~mangrove.exceptions.AssumeRoleError`.

        :rtype: iterator of :class:`~mangrove.fanout.threads.Outcome`
        """
        return self._iter_map(func, {'accounts': accounts,
                                     'regions': regions,
                                     'services': services},
                              max_workers, timeout, retry)

    def chunk_tasks(self, func, keys):
        """The fan-out tasks of ``keys`` (``(account, region)`` or
        ``(account, service, region)``), for a worker's chunk of a fan-out
        on an executor (:mod:`mangrove.fanout.worker`).

        :rtype: list of ``(key, callable)`` pairs
        """
        return accountfanout.account_tasks(self, func, keys)[0]

    def chunk_groups(self, keys=None):
        # Whole accounts: a worker assumes each of its accounts' roles once.
        return grouped_by_first(self._keys() if keys is None else keys)

    def _keys(self, accounts=None, regions=None, services=None):
        ids = self.accounts.resolve_list(accounts)
        plan = self._plan(regions, services)
        return [(account,) + where for account in ids for where in plan]

    def _run(self, func, keys, options):
        return accountfanout.run(self, func, keys, **options)

    def _stream(self, func, keys, options):
        return accountfanout.stream(self, func, keys, **options)

    def _parts(self):
        # The credentials are kept.
        return [self.accounts]

    def _narrow_to_method(self, method, options):
        # Asked of the connection classes: no account's role is assumed.
        having = self._services_with(method, options.get('services'))
        if self._is_mixin():
            options['services'] = having
        return options

    def map_accounts(self, func, accounts=None, max_workers=None,
                     timeout=None, on_result=None):
        """Run ``func(pool)`` once per account, every account at once, with
        the account's pool; results are keyed by account id.

        :rtype: :class:`~mangrove.fanout.results.RegionResults`
        """
        if not callable(func):
            raise wrong_type('func', 'callable, such as lambda pool: '
                             'pool.call(...)', func)
        ids = self.accounts.resolve_list(accounts)
        tasks = [(account, functools.partial(_with_pool, self, account, func))
                 for account in ids]
        return fan_out(tasks,
                       max_workers=max_workers or max(1, min(
                           len(ids), accountfanout.DEFAULT_MAX_WORKERS)),
                       timeout=timeout, on_result=on_result)

    def _is_mixin(self):
        return isinstance(self._template, ServiceMixinPool)

    def _plan(self, regions, services):
        """What to ask in each account: ``(region_key,)`` or ``(service,
        region_key)`` tuples, in the pool's order."""
        names = region_list(regions)
        template = self._template
        if not self._is_mixin():
            if services is not None:
                raise InvalidArgumentError(
                    'services= narrows a multi-service pool; %s serves %s '
                    'alone' % (self.pool_class.__name__,
                               template.service_name), value=services)
            if names is None:
                return [(key,) for key in template.regions]
            keys = []
            for name in names:
                key = template.region_proxy(name).region_key
                if key not in keys:
                    keys.append(key)
            return [(key,) for key in keys]
        plan = []
        attrs = self._service_attrs(services, template.services,
                                    type(template).__name__)
        self._check_region_names(names, attrs, template.services,
                                 self.pool_class.__name__)
        for attr in attrs:
            regions_of = template.services[attr].regions
            keys = list(regions_of) if names is None else []
            for name in names or ():
                if name in regions_of:
                    key = template.services[attr].region_proxy(
                        name).region_key
                    if key not in keys:
                        keys.append(key)
            plan.extend((attr, key) for key in keys)
        return plan

    def _services_with(self, method, services):
        """The services (None for a one-service pool) whose boto connection
        class has ``method``; an error if one asked for lacks it."""
        template = self._template
        if not self._is_mixin():
            pools = [(None, template)]
        else:
            pools = [(a, template.services[a]) for a in self._service_attrs(
                services, template.services, type(template).__name__)]
        having = self._services_having(
            method, [(attr, pool.backend.connection_class(get_service(
                pool.service_name)) if pool.service_name else None)
                for attr, pool in pools],
            services is not None or not self._is_mixin(),
            lambda lacking: self.pool_class.__name__)
        return having if self._is_mixin() else None

    # -- lifetime, display, pickling -----------------------------------------

    def __repr__(self):
        count = len(self.accounts)
        return '<AccountPool %s: %d account%s, role %s>' % (
            self.pool_class.__name__, count, '' if count == 1 else 's',
            self.settings.role)

    def __getstate__(self):
        # Settings, never sockets; the caller's keys and the temporary
        # credentials only when asked (the settings and each account's
        # source decide, from pickle_credentials).
        return {'pool_class': self.pool_class, 'options': self._options,
                'settings': self.settings, 'caller': self._caller,
                'accounts': self.accounts.state()}

    def __setstate__(self, state):
        self.pool_class = state['pool_class']
        self._options = state['options']
        self._kind = accountfanout.pool_kind(self.pool_class, self._options)
        self._template = self.pool_class(**self._options)
        self.settings = state['settings']
        self._caller = state['caller']
        self.accounts = AccountMapping.from_state(self, state['accounts'])
