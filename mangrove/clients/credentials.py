# -*- coding: utf-8 -*-
"""
A pool's live credentials, as botocore credentials.

A pool that manages its credentials (``credential_source``,
``update_credentials``) keeps them in a
:class:`~mangrove.credentials.CredentialHolder`. Its boto3 clients sign
with :class:`HolderCredentials`, botocore credentials that read the
holder's current set at every request: new credentials, and those a source
gives before the old ones expire, reach every client in place, as
botocore's own refreshable credentials do for its credential providers.
"""
from __future__ import absolute_import

import threading

__all__ = ['holder_credentials', 'install_holder']

_class = []
_class_lock = threading.Lock()


def _holder_class():
    """:class:`HolderCredentials`, made on first use (botocore is imported
    only by boto3 pools)."""
    with _class_lock:
        if _class:
            return _class[0]
        from botocore.credentials import Credentials

        class HolderCredentials(Credentials):
            """botocore credentials that are a holder's current ones."""

            method = 'mangrove-pool'

            def __init__(self, holder):
                # Not Credentials.__init__: the keys are properties here.
                self._holder = holder
                self.account_id = None

            def _current(self):
                return self._holder.current()[1]

            @property
            def access_key(self):
                return self._current().access_key

            @property
            def secret_key(self):
                return self._current().secret_key

            @property
            def token(self):
                return self._current().token

            def get_frozen_credentials(self):
                current = self._current()
                return Credentials(current.access_key, current.secret_key,
                                   current.token).get_frozen_credentials()

            def __repr__(self):
                return '<HolderCredentials %r>' % (self._current(),)

        _class.append(HolderCredentials)
        return HolderCredentials


def holder_credentials(holder):
    """botocore credentials that always are ``holder``'s current ones."""
    return _holder_class()(holder)


def install_holder(client, holder):
    """Make a boto3 client sign every request with ``holder``'s current
    credentials (its request signer reads them per request)."""
    client._request_signer._credentials = holder_credentials(holder)
