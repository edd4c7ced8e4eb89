# -*- coding: utf-8 -*-
"""
``fleet.accounts``: an account pool's accounts, id -> that account's pool.

Which accounts (a list, names -> ids, or the caller's organization) is
settled once, when the pool is made (:func:`account_slots`); each
account's pool is built, and its role assumed, on first use.
"""
from __future__ import absolute_import

import collections
import re

import six

from mangrove._compat import Mapping
from mangrove.accounts.assumerole import AssumeRole, check_account_id
from mangrove.accounts.organizations import (
    OrganizationsConnection, check_parent_ids, organization_accounts)
from mangrove.exceptions import (
    AccountAttributeError, UnknownAccountError, name_list, not_one_of,
    wrong_type)
from mangrove.fork import ForkSafeLock

__all__ = ['AccountMapping', 'account_slots', 'ORGANIZATION']

#: The word for "every active account of the caller's organization".
ORGANIZATION = 'organization'

_NOT_IDENTIFIER = re.compile(r'[^0-9a-zA-Z_]+')


class _Slot(object):
    """One account: its id, name, credential source (None: the caller's
    own credentials) and pool, once built under its lock."""

    __slots__ = ('id', 'name', 'source', 'lock', 'pool')

    def __init__(self, account, name, source):
        self.id, self.name, self.source = account, name, source
        self.lock = ForkSafeLock()
        self.pool = None


def _alias(name):
    """An account name as an attribute: ``'Prod EU'`` -> ``prod_eu``."""
    if not isinstance(name, six.string_types):
        return None
    alias = _NOT_IDENTIFIER.sub('_', name.strip()).strip('_').lower()
    if not alias or alias[0].isdigit():
        return None
    return str(alias)


def _explicit(accounts):
    """``[(id, name)]`` from a list of ids or a dict of name -> id."""
    expected = ("a list of account ids, a dict of name -> account id, or "
                "'organization'")
    if isinstance(accounts, dict):
        pairs = []
        for name, account in accounts.items():
            if not isinstance(name, six.string_types):
                raise wrong_type('an account name', 'a string', name)
            pairs.append((check_account_id(account, 'account %r' % name),
                          name))
        return pairs
    if isinstance(accounts, (six.string_types, bytes)) or not isinstance(
            accounts, (list, tuple)):
        raise wrong_type('accounts', expected, accounts)
    return [(check_account_id(account, 'each account'), None)
            for account in accounts]


def account_slots(fleet, accounts, organizational_units=None, skip=None,
                  include_caller=False, page_size=None):
    """The accounts of a new account pool, in order.

    :rtype: list
    """
    skip = [] if skip is None else skip
    if isinstance(skip, six.string_types) or not isinstance(
            skip, (list, tuple, set, frozenset)):
        raise wrong_type('skip_accounts', 'a list of account ids', skip)
    skip = [check_account_id(a, 'each of skip_accounts') for a in skip]
    settings = fleet.settings
    if accounts == ORGANIZATION:
        check_parent_ids(organizational_units)
        with OrganizationsConnection(
                settings.partition, settings.endpoint_url, page_size,
                **settings.caller_kwargs) as conn:
            listed = organization_accounts(
                conn, organizational_units, skip,
                None if include_caller else fleet.caller_account)
        pairs = [(a.id, a.name) for a in listed]
    else:
        if organizational_units is not None:
            raise wrong_type('organizational_units', "None unless "
                             "accounts='organization'", organizational_units)
        pairs = [p for p in _explicit(accounts) if p[0] not in skip]
        if include_caller and fleet.caller_account not in [
                p[0] for p in pairs]:
            pairs.insert(0, (fleet.caller_account, None))
    slots, seen = [], set()
    for account, name in pairs:
        if account in seen:
            continue
        seen.add(account)
        own = include_caller and account == fleet.caller_account
        slots.append(_Slot(account, name, None if own else
                           AssumeRole(account, settings)))
    return slots


class AccountMapping(Mapping):
    """An account pool's accounts: account id -> the account's pool.

    ``fleet.accounts['111111111111']`` is that account's pool (an
    ``Ec2Pool``, say), built and its role assumed on first use;
    ``fleet.accounts.prod`` reaches an account by its name (from a dict of
    accounts or the organization's listing, as an attribute: ``'Prod
    EU'`` -> ``prod_eu``). Iterating gives the ids, in the pool's order;
    ``in`` builds nothing. A console completes ids (IPython) and names.
    """

    def __init__(self, fleet, slots):
        self._fleet = fleet
        self._slots = collections.OrderedDict((s.id, s) for s in slots)
        self._aliases = collections.OrderedDict()
        for slot in slots:
            alias = _alias(slot.name)
            if alias is not None and alias not in self._aliases and \
                    not hasattr(type(self), alias):
                self._aliases[alias] = slot.id

    def slot(self, key):
        """The account's slot, for an id or name.

        :raises UnknownAccountError: the pool has no such account.
        """
        slot = self._slots.get(key)
        if slot is not None:
            return slot
        account = self._aliases.get(key) if isinstance(
            key, six.string_types) else None
        if account is None and isinstance(key, six.string_types):
            account = self._aliases.get(_alias(key))
        if account is None:
            raise self._unknown(key, UnknownAccountError)
        return self._slots[account]

    def _unknown(self, key, error_class):
        valid = list(self._slots) + list(self._aliases)
        return not_one_of(error_class, '%s has no account %r' % (
            self._fleet.pool_class.__name__ + ' AccountPool', key), key,
            valid, 'its accounts', shown=list(self._slots))

    def resolve_list(self, accounts):
        """Account ids for ``accounts`` (ids or names; None for all).

        :rtype: list of str
        """
        if accounts is None:
            return list(self._slots)
        if isinstance(accounts, six.string_types) or not isinstance(
                accounts, (list, tuple, set, frozenset)):
            raise wrong_type('accounts', 'a list of account ids or names, '
                             'or None', accounts)
        ids = []
        for key in accounts:
            account = self.slot(key).id
            if account not in ids:
                ids.append(account)
        return ids

    @property
    def names(self):
        """Account name (as an attribute) -> account id.

        :rtype: dict
        """
        return collections.OrderedDict(self._aliases)

    def role_arn(self, key):
        """The role assumed in an account (None for the caller's own).

        :rtype: str or None
        """
        source = self.slot(key).source
        return None if source is None else source.role_arn

    def assumed(self, key):
        """Whether the account's pool has been built (its role assumed).

        :rtype: bool
        """
        return self.slot(key).pool is not None

    def __getitem__(self, key):
        try:
            account = self.slot(key).id
        except TypeError:  # unhashable
            raise self._unknown(key, UnknownAccountError)
        return self._fleet._pool_of(account)

    def __contains__(self, key):
        try:
            self.slot(key)
        except (UnknownAccountError, TypeError):
            return False
        return True

    def __iter__(self):
        return iter(self._slots)

    def __len__(self):
        return len(self._slots)

    def __getattr__(self, attr):
        if attr.startswith('_'):
            raise AttributeError(attr)
        if attr in self.__dict__.get('_aliases', ()):
            return self[attr]
        raise self._unknown(attr, AccountAttributeError)

    def __dir__(self):
        return sorted(set(dir(type(self))) | set(self.__dict__) |
                      set(self._aliases))

    def _ipython_key_completions_(self):
        return list(self._slots) + list(self._aliases)

    def close(self):
        """Close every account's pool that was built."""
        for slot in list(self._slots.values()):
            pool = slot.pool
            if pool is not None:
                pool.close()

    def _describe(self, slot):
        words = [slot.name] if slot.name else []
        if slot.source is None:
            words.append("caller's credentials")
        words.append('ready' if slot.pool is not None else 'not used yet')
        return '%s (%s)' % (slot.id, ', '.join(words))

    def __repr__(self):
        return '<AccountMapping %d account%s: %s>' % (
            len(self._slots), '' if len(self._slots) == 1 else 's',
            name_list([self._describe(s) for s in self._slots.values()], 6))

    def state(self):
        """What a pickle keeps: each account's id, name and source."""
        return [(s.id, s.name, s.source) for s in self._slots.values()]

    @classmethod
    def from_state(cls, fleet, state):
        """The mapping back from :meth:`state` (no pool built yet)."""
        return cls(fleet, [_Slot(*row) for row in state])
