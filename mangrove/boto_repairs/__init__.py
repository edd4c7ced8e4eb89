# -*- coding: utf-8 -*-
"""
Repairs classic boto 2.49 on the Pythons released after it.

boto 2.49 (2018) was last whole on Python 3.9, but for HTTPS through a
proxy, which only ever worked on Python 2.7. Each repair is made
only on the interpreters that need it, at the moment the boto module it
repairs is imported, whoever imports it: :func:`install` (which ``import
mangrove`` calls, and the start-up hook of ``_mangrove_boto_hook``) puts one
finder first on :data:`sys.meta_path`. No installed file is changed, no
copy of boto is made and nothing is imported ahead of need (not boto, not
ssl). On Python 2.7 :func:`install` does nothing at all.

Repairs, by the first Python that needs them (one module each):

- 3.0: HTTPS through a proxy, ``boto.connection``'s ``proxy_ssl``
  (:mod:`~mangrove.boto_repairs.proxy`);
- 3.10: ``collections.Mapping`` for ``boto.dynamodb.types`` and
  ``boto.mws.connection`` (:mod:`~mangrove.boto_repairs.removed_modules`);
- 3.12: ``import boto`` (``No module named 'boto.vendored.six.moves'``):
  ``boto.vendored.six`` is served as the real :mod:`six`
  (:mod:`~mangrove.boto_repairs.finder`); ``import imp`` in
  ``boto.plugin`` and ``boto.pyami.launch_ami``
  (:mod:`~mangrove.boto_repairs.removed_modules`);
  ``ConfigParser.readfp`` in ``boto.pyami.config``
  (:mod:`~mangrove.boto_repairs.config_reader`); ``ssl.wrap_socket`` in
  ``boto.https_connection`` (:mod:`~mangrove.boto_repairs.https`);
- 3.13: ``import cgi`` in ``boto.ecs.item``
  (:mod:`~mangrove.boto_repairs.removed_modules`).

Served as the real six, ``boto.vendored.six`` needs no import hook of its
own: boto's six 1.9 serves ``six.moves`` through a hook that implements
only ``find_module``/``load_module``, which the 3.12 import system no
longer calls; ``from boto.vendored.six.moves import urllib`` gives the very
module objects ``from six.moves import urllib`` gives.
"""
from __future__ import absolute_import

import sys

from mangrove.boto_repairs import config_reader, https, proxy
from mangrove.boto_repairs.finder import BotoRepairFinder
from mangrove.boto_repairs.removed_modules import restore_builtins, serving
from mangrove.fork import ForkSafeLock

__all__ = ['NEEDED', 'REPAIRED_MODULES', 'install']

# (boto module, first Python that needs the repair, before its code runs,
# after it ran); see finder.RepairingLoader.
_REPAIRS = (
    ('boto.connection', (3, 0), None, proxy.repair),
    ('boto.dynamodb.types', (3, 10), serving('collections'),
     restore_builtins),
    ('boto.mws.connection', (3, 10), serving('collections'),
     restore_builtins),
    ('boto.plugin', (3, 12), serving('imp'), restore_builtins),
    ('boto.pyami.launch_ami', (3, 12), serving('imp'), restore_builtins),
    ('boto.pyami.config', (3, 12), None, config_reader.repair),
    ('boto.https_connection', (3, 12), None, https.repair),
    ('boto.ecs.item', (3, 13), serving('cgi'), restore_builtins),
)

#: Whether boto's vendored six is served as the real six here.
SIX_ALIAS_NEEDED = sys.version_info >= (3, 12)

#: The boto modules repaired on this interpreter, sorted.
REPAIRED_MODULES = tuple(sorted(
    name for name, since, _, _ in _REPAIRS if sys.version_info >= since))

#: Whether this interpreter needs any repair (every Python 3).
NEEDED = bool(REPAIRED_MODULES) or SIX_ALIAS_NEEDED

# Fork-safe: the backend calls install() before every connection is built,
# in forked children too.
_lock = ForkSafeLock()
_finder = None


def install():
    """Install the boto repairs this interpreter needs; idempotent and
    thread-safe.

    Does nothing on Python 2.7. Elsewhere it puts one finder first on
    :data:`sys.meta_path`, and repairs at once the classes of the boto
    modules already imported. boto itself is not imported.

    :returns: whether this call installed the repairs (False when they were
        already installed or are not needed).
    :rtype: bool
    """
    global _finder
    if not NEEDED:
        return False
    with _lock:
        if _finder is not None and _finder in sys.meta_path:
            return False
        if _finder is None:
            _finder = BotoRepairFinder(
                dict((name, (before, after))
                     for name, since, before, after in _REPAIRS
                     if sys.version_info >= since),
                SIX_ALIAS_NEEDED)
        sys.meta_path.insert(0, _finder)
        for name, (before, after) in _finder.repairs.items():
            module = sys.modules.get(name)
            # A module that needs its imports served failed to import
            # without them; one that imported is amended now.
            if module is not None and before is None:
                after(module)
        return True
