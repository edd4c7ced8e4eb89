# -*- coding: utf-8 -*-
"""
One boto3 client class per service, not one per client.

botocore builds every client from scratch: it parses the service's model
into a new ``ServiceModel`` and makes a new class with a method per
operation (EC2 has about 700). Neither depends on the region, yet they are
two thirds of the ~18 ms of CPU one EC2 client costs, so a pool of 34
regions would build 34 identical classes. While mangrove creates a client
(inside :func:`sharing`), botocore's ``ClientCreator`` reuses the model and
class it built for the same service, API version and session before.

Only clients mangrove creates are affected: the reuse is switched on per
thread, for the duration of one ``session.client(...)`` call, and keyed by
the session's event emitter and loader, so a class built with one session's
``creating-client-class`` handlers never serves another session. If
botocore ever stops having the two methods this relies on, nothing is
reused and clients are built as botocore builds them.

The reuse replaces two private methods of botocore's ``ClientCreator``
(``_load_service_model`` and ``_create_client_class``), process-wide, the
first time a client is built. To leave botocore as it is, set
``MANGROVE_SHARE_CLIENT_CLASSES=0`` (or ``off``, ``false``, ``no``) in the
environment, read once, when the first client is built, or set
:data:`enabled` to False before then: ``ClientCreator`` is then never
touched, :func:`sharing` does nothing, and every client is built whole, as
botocore builds it (about five times the CPU). Set to False later, it stops
the reuse, though the methods stay replaced (by ones that then call
botocore's own).
"""
from __future__ import absolute_import

import contextlib
import logging
import os
import threading
import weakref

log = logging.getLogger(__name__)

__all__ = ['sharing', 'ENVIRONMENT_VARIABLE']

#: The environment variable that switches the reuse off: ``0``, ``off``,
#: ``false`` or ``no``.
ENVIRONMENT_VARIABLE = 'MANGROVE_SHARE_CLIENT_CLASSES'
_OFF = ('0', 'off', 'false', 'no')

#: True: clients mangrove builds share their service's model and class.
#: False: botocore's ``ClientCreator`` is left as it is. None (as shipped):
#: read :data:`ENVIRONMENT_VARIABLE` when first needed, then set to what it
#: says.
enabled = None

_local = threading.local()
_install_lock = threading.Lock()
_installed = []
# session event emitter -> {(service, api version): client class}
_classes = weakref.WeakKeyDictionary()
# session data loader -> {(service, api version): ServiceModel}
_models = weakref.WeakKeyDictionary()


def _cached(table, owner, key, build):
    """``table[owner][key]``, built by ``build()`` the first time."""
    try:
        entries = table.setdefault(owner, {})
    except TypeError:   # an owner that cannot be weakly referenced
        return build()
    value = entries.get(key)
    if value is None:
        value = entries.setdefault(key, build())
    return value


def _enabled():
    """:data:`enabled`, read from the environment the first time it is
    None."""
    global enabled
    if enabled is None:
        enabled = os.environ.get(ENVIRONMENT_VARIABLE, '').strip().lower() \
            not in _OFF
        if not enabled:
            log.debug('%s switches the sharing of client classes off',
                      ENVIRONMENT_VARIABLE)
    return enabled


def _install():
    """Wrap botocore's two builders once, so that they reuse what they
    built while :func:`sharing` is on in the calling thread; nothing while
    the sharing is switched off (:data:`enabled`)."""
    if not _enabled():
        return
    with _install_lock:
        if _installed:
            return
        _installed.append(True)
        from botocore.client import ClientCreator
        build_class = getattr(ClientCreator, '_create_client_class', None)
        load_model = getattr(ClientCreator, '_load_service_model', None)
        if build_class is None or load_model is None:
            log.debug('botocore has no _create_client_class: clients are '
                      'built whole')
            return

        def _load_service_model(self, service_name, api_version=None):
            if not getattr(_local, 'on', False):
                return load_model(self, service_name, api_version)
            return _cached(
                _models, self._loader, (service_name, api_version),
                lambda: load_model(self, service_name, api_version))

        def _create_client_class(self, service_name, service_model):
            if not getattr(_local, 'on', False):
                return build_class(self, service_name, service_model)
            return _cached(
                _classes, self._event_emitter,
                (service_name, service_model.api_version, id(service_model)),
                lambda: build_class(self, service_name, service_model))

        ClientCreator._load_service_model = _load_service_model
        ClientCreator._create_client_class = _create_client_class


@contextlib.contextmanager
def sharing():
    """Within this block, clients this thread creates share their service's
    model and class with the clients created before them; while the
    sharing is switched off (:data:`enabled`), nothing."""
    _install()
    if not _enabled():
        yield
        return
    was = getattr(_local, 'on', False)
    _local.on = True
    try:
        yield
    finally:
        _local.on = was


def client_class(session, service_name):
    """The class shared by ``service_name``'s clients of a botocore
    ``session``, or None when none was built yet."""
    emitter = getattr(session, '_events', None)
    try:
        entries = _classes.get(emitter) or {}
    except TypeError:
        return None
    for key, cls in list(entries.items()):
        if key[0] == service_name:
            return cls
    return None
