# -*- coding: utf-8 -*-
"""
Repairs classic boto 2.49 on Python 3.12 and later.

boto 2.49 (2018) relies on three things Python 3.12 removed. Each repair
below is made only where it is needed, by :func:`install`, which
``import mangrove`` calls before anything in mangrove imports boto. On
Python 3.11 and older :func:`install` does nothing at all: boto works there
as shipped.

What is repaired, and why:

``import boto`` fails with ``No module named 'boto.vendored.six.moves'``
    boto ships six 1.9, whose ``six.moves`` modules are served by an import
    hook that implements only ``find_module``/``load_module``; the 3.12
    import system calls ``find_spec`` only. ``boto.vendored.six`` and every
    module under it are served as the real :mod:`six` package (a mangrove
    dependency), so ``from boto.vendored.six.moves import urllib`` gives
    the very module objects ``from six.moves import urllib`` gives.

``boto.plugin`` does ``import imp``
    ``imp`` is gone in 3.12, and ``boto/__init__.py`` imports
    ``boto.plugin``. While ``boto.plugin`` executes, its own ``import imp``
    is answered with a minimal substitute built on :mod:`importlib`
    (``find_module``/``load_module`` for the plugin files boto loads from
    the config's ``plugin_directory``). No global ``imp`` module is
    created: other code still sees that ``imp`` does not exist, as it
    should on 3.12.

HTTPS with certificate validation fails: ``ssl`` has no ``wrap_socket``
    ``boto.https_connection.CertValidatingHTTPSConnection.connect`` (EC2's
    default transport, and S3's once ``https_validate_certificates`` is
    set) wraps its socket with ``ssl.wrap_socket``, removed in 3.12. Its
    ``connect`` is replaced by one built on :class:`ssl.SSLContext` with
    the same guarantees: a certificate is required and its chain verified
    (``CERT_REQUIRED``) against the connection's ``ca_certs`` (boto's
    ``ca_certificates_file``; the system's certificates when that is
    ``system``), boto's client ``key_file``/``cert_file`` are presented,
    and boto's own host name check runs on the verified certificate, so a
    mismatch still raises boto's ``InvalidCertificateException`` and a bad
    chain :class:`ssl.SSLError` (``SSLCertVerificationError``).

How: one finder placed first on :data:`sys.meta_path` serves the six alias
and patches ``boto.plugin`` and ``boto.https_connection`` as they are
imported. Nothing is imported ahead of need (not boto, not ssl), no
installed file is changed and no copy of boto is made. Because the repairs
hook the import system rather than mangrove's own use of boto, a program
that imports mangrove first can use plain boto modules too.

One more breakage starts earlier, on Python 3.10: ``boto.dynamodb.types``
does ``from collections import Mapping``. :func:`prepare`, which mangrove's
backend calls before it uses a boto service module, handles that one
(see its docstring); :func:`install` does not.

Not repaired, because they are broken on every Python 3, not by 3.12:
``boto.connection.AWSAuthConnection.proxy_ssl`` (HTTPS through a proxy) and
the ``boto.pyami`` scripts.
"""
from __future__ import absolute_import

import sys

from mangrove.fork import ForkSafeLock

__all__ = ['NEEDED', 'install', 'prepare']

#: Whether this interpreter needs the repairs (Python 3.12 and later).
NEEDED = sys.version_info >= (3, 12)

_SIX_ALIAS = 'boto.vendored.six'

# Fork-safe locks: backend.load() calls install() before every connection
# is built, in forked children too.
_lock = ForkSafeLock()
_finder = None


def install():
    """Install the boto repairs this interpreter needs; idempotent and
    thread-safe.

    Does nothing on Python 3.11 and older. On 3.12 and later it puts one
    finder first on :data:`sys.meta_path` and repairs
    ``boto.https_connection`` at once if it was already imported.
    boto itself is not imported.

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
            _finder = _BotoFinder()
        sys.meta_path.insert(0, _finder)
        module = sys.modules.get('boto.https_connection')
        if module is not None:
            _repair_https_connection(module)
        return True


class _BotoFinder(object):
    """Serves ``boto.vendored.six[.*]`` as the real six, and hands the boto
    modules that need repairs to a loader that repairs them."""

    # Lets a finder recognise another instance, e.g. after a reload.
    mangrove_boto_compat = True

    def find_spec(self, fullname, path=None, target=None):
        if fullname == _SIX_ALIAS or fullname.startswith(_SIX_ALIAS + '.'):
            from importlib.machinery import ModuleSpec
            return ModuleSpec(
                fullname, _AliasLoader('six' + fullname[len(_SIX_ALIAS):]))
        repairs = _REPAIRS.get(fullname)
        if repairs is None:
            return None
        spec = self._next_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _RepairingLoader(spec.loader, *repairs)
        return spec

    def _next_spec(self, fullname, path, target):
        """The spec the rest of :data:`sys.meta_path` finds."""
        for finder in list(sys.meta_path):
            if getattr(finder, 'mangrove_boto_compat', False):
                continue
            find_spec = getattr(finder, 'find_spec', None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                return spec
        return None

    def invalidate_caches(self):
        pass


class _AliasLoader(object):
    """Loads a module as another, already importable module object."""

    def __init__(self, target):
        self.target = target
        self._target_spec = None

    def create_module(self, spec):
        import importlib
        module = importlib.import_module(self.target)
        self._target_spec = getattr(module, '__spec__', None)
        return module

    def exec_module(self, module):
        # The import system has just pointed the shared module's __spec__
        # at the alias; the real six (or stdlib) module keeps its own so
        # that reload() and pickling still find it by its real name.
        module.__spec__ = self._target_spec


class _RepairingLoader(object):
    """Wraps a module's own loader: runs ``before`` and ``after`` around
    the module's execution and delegates everything else."""

    def __init__(self, loader, before, after):
        self._loader = loader
        self._before = before
        self._after = after

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        if self._before is not None:
            self._before(module)
        self._loader.exec_module(module)
        if self._after is not None:
            self._after(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


# -- boto.plugin: ``import imp`` --------------------------------------------

def _serve_imp_to(module):
    """Let ``module``'s own ``import imp`` get :func:`_imp_substitute`.

    The module runs with a builtins namespace whose ``__import__`` answers
    ``imp`` and defers every other import to the real ``__import__``; the
    rest of the process is untouched.
    """
    import importlib.util
    if importlib.util.find_spec('imp') is not None:
        return
    import builtins

    def import_(name, globals=None, locals=None, fromlist=(), level=0):
        if name == 'imp' and level == 0:
            return _imp_substitute()
        return builtins.__import__(name, globals, locals, fromlist, level)

    namespace = dict(vars(builtins))
    namespace['__import__'] = import_
    module.__dict__['__builtins__'] = namespace


def _restore_builtins(module):
    import builtins
    if module.__dict__.get('__builtins__') is not vars(builtins):
        module.__dict__['__builtins__'] = vars(builtins)


_imp_module = None


def _imp_substitute():
    """A module offering what ``boto.plugin`` uses of ``imp``:
    ``find_module(name, path)`` and ``load_module(name, file, pathname,
    description)``, for plugin source files."""
    global _imp_module
    if _imp_module is None:
        import types
        module = types.ModuleType(
            'mangrove.compat.imp',
            'What boto.plugin uses of the removed imp module, on importlib.')
        module.PY_SOURCE = 1
        module.PY_COMPILED = 2
        module.C_EXTENSION = 3
        module.PKG_DIRECTORY = 5
        module.find_module = _imp_find_module
        module.load_module = _imp_load_module
        _imp_module = module
    return _imp_module


def _imp_find_module(name, path=None):
    """``imp.find_module``: ``(file, pathname, (suffix, mode, type))``.

    The file is always None: ``load_module`` below reads by path, and boto
    closes the file only when there is one.
    """
    import os.path
    from importlib import machinery
    spec = machinery.PathFinder.find_spec(name, path)
    if spec is None or not spec.has_location:
        raise ImportError('No module named %r' % (name,), name=name)
    origin = spec.origin
    if spec.submodule_search_locations is not None:
        return None, os.path.dirname(origin), ('', '', 5)
    suffix = os.path.splitext(origin)[1]
    if suffix in machinery.EXTENSION_SUFFIXES:
        return None, origin, (suffix, 'rb', 3)
    if suffix in machinery.BYTECODE_SUFFIXES:
        return None, origin, (suffix, 'rb', 2)
    return None, origin, (suffix, 'r', 1)


def _imp_load_module(name, file, pathname, description):
    """``imp.load_module``: execute the module found by ``find_module`` and
    register it in :data:`sys.modules` under ``name``."""
    import importlib.util
    import os.path
    if description[2] == 5:
        pathname = os.path.join(pathname, '__init__.py')
        spec = importlib.util.spec_from_file_location(
            name, pathname, submodule_search_locations=[
                os.path.dirname(pathname)])
    else:
        spec = importlib.util.spec_from_file_location(name, pathname)
    if spec is None:
        raise ImportError('cannot load %r from %r' % (name, pathname),
                          name=name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return sys.modules[name]


# -- boto.https_connection: ``ssl.wrap_socket`` ------------------------------

def _repair_https_connection(module):
    """Give ``module.CertValidatingHTTPSConnection`` a ``connect`` built on
    :class:`ssl.SSLContext`."""
    cls = module.CertValidatingHTTPSConnection
    if getattr(cls.connect, 'mangrove_boto_compat', False):
        return
    cls.connect = _make_connect(module)


def _make_connect(https_connection):
    """The replacement ``connect``, bound to the ``boto.https_connection``
    module whose host name check and exception it uses."""
    import socket

    def connect(self):
        """Connect to a host on a given (SSL) port, verifying its
        certificate against ``ca_certs`` and its host name."""
        import boto
        if hasattr(self, 'timeout'):
            sock = socket.create_connection((self.host, self.port),
                                            self.timeout)
        else:
            sock = socket.create_connection((self.host, self.port))
        if self.ca_certs:
            boto.log.debug('wrapping ssl socket; CA certificate file=%s',
                           self.ca_certs)
        else:
            boto.log.debug('wrapping ssl socket; using system provided '
                           'SSL certs')
        try:
            context = _validating_context(self.ca_certs, self.cert_file,
                                          self.key_file)
            self.sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        cert = self.sock.getpeercert()
        hostname = self.host.split(':', 0)[0]
        if not https_connection.ValidateCertificateHostname(cert, hostname):
            self.sock.close()
            self.sock = None
            raise https_connection.InvalidCertificateException(
                hostname, cert,
                'remote hostname "%s" does not match certificate' % hostname)

    connect.mangrove_boto_compat = True
    return connect


def _validating_context(ca_certs, cert_file, key_file):
    """An :class:`ssl.SSLContext` that does what ``ssl.wrap_socket(...,
    cert_reqs=CERT_REQUIRED, ca_certs=..., certfile=..., keyfile=...)``
    did, and sends SNI.

    The host name is left to boto's ``ValidateCertificateHostname`` after
    the handshake (``check_hostname`` off), as on every older Python: a
    mismatch must raise boto's ``InvalidCertificateException``, which
    callers of boto catch, not an :class:`ssl.SSLError`.
    """
    import ssl
    if key_file and not cert_file:
        raise ValueError('certfile must be specified')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    if ca_certs:
        context.load_verify_locations(cafile=ca_certs)
    else:
        # boto's ca_certificates_file = system: "using system provided SSL
        # certs", as boto logs; without them nothing could verify.
        context.load_default_certs()
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    return context


# module name -> (before its code runs, after its code ran)
_REPAIRS = {
    'boto.plugin': (_serve_imp_to, _restore_builtins),
    'boto.https_connection': (None, _repair_https_connection),
}


# -- boto.dynamodb.types: ``from collections import Mapping`` -----------------

# boto module -> its submodule that imports an ABC from ``collections``
# (gone from there in Python 3.10) and that the module imports lazily.
_COLLECTIONS_ABC_USERS = {'boto.dynamodb': 'boto.dynamodb.types'}

_abc_lock = ForkSafeLock()


def prepare(module_name):
    """Make boto module ``module_name`` usable on this Python before use.

    ``boto.dynamodb`` imports ``boto.dynamodb.types`` on first use (from
    ``regions()`` and ``connect_to_region``), which does ``from collections
    import Mapping``, an import error from Python 3.10 on. That submodule is
    imported here with ``collections.Mapping`` present just while it runs,
    so it binds :class:`collections.abc.Mapping`; ``collections`` is left
    as it was. Unlike :func:`install` this is needed from 3.10, and it does
    nothing for other modules or where ``collections.Mapping`` exists.

    :param module_name: a boto module name, such as ``'boto.dynamodb'``.
    :type module_name: str
    """
    submodule = _COLLECTIONS_ABC_USERS.get(module_name)
    if submodule is None or submodule in sys.modules:
        return
    import collections
    import importlib
    if hasattr(collections, 'Mapping'):
        return
    import collections.abc
    with _abc_lock:
        if submodule in sys.modules:
            return
        collections.Mapping = collections.abc.Mapping
        try:
            importlib.import_module(submodule)
        finally:
            del collections.Mapping
