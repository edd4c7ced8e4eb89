# -*- coding: utf-8 -*-
"""
Every account: :class:`AccountPool`, the pools of many AWS accounts through
assumed roles or an organization's member accounts.

The pool is in :mod:`mangrove.accounts.pool`; the account mapping in
:mod:`mangrove.accounts.mapping`; a fan-out's plan over accounts in
:mod:`mangrove.accounts.plan`; the role and Organizations calls in
:mod:`mangrove.accounts.assumerole` and
:mod:`mangrove.accounts.organizations`.
"""
from __future__ import absolute_import

from mangrove._compat import lazy_names

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']


# The names below load on first use (PEP 562), so that importing
# mangrove.accounts loads only what is used. Python 2.7 and 3.6 have no
# module __getattr__: there they load now.
_LAZY = {
    'AccountPool': 'mangrove.accounts.pool',
    'ORGANIZATION': 'mangrove.accounts.pool',
    'CALLER_KEYWORDS': 'mangrove.accounts.pool',
}

__getattr__, __dir__ = lazy_names(globals(), _LAZY)
