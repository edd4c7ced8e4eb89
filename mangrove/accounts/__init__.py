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

from mangrove.accounts.pool import (  # noqa: F401
    CALLER_KEYWORDS, ORGANIZATION, AccountPool)

__all__ = ['AccountPool', 'ORGANIZATION', 'CALLER_KEYWORDS']
