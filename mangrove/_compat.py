# -*- coding: utf-8 -*-
"""
What differs between the Python interpreters and releases mangrove runs on.

* Every ``six.PY2`` branch and ``collections.abc`` fallback of the package
  lives here, so the other modules read as plain Python 3 and the day 2.7
  goes, this module is the one to simplify.
* Every wait of mangrove's is made here (:func:`wait_until`), in slices
  that Ctrl-C can end on every Python and that no deadline overflows, and
  every deadline is reckoned on :func:`now`.
* Module paths that moved in 2.0 keep working for a release
  (:data:`MOVED`, served by a finder on ``sys.meta_path``).
"""
from __future__ import absolute_import

import importlib
import inspect
import sys
import time

import six

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

__all__ = ['Mapping', 'keyword_names', 'signature_text', 'binds',
           'stream_text', 'native_strings', 'interact',
           'now', 'wall_time', 'wait_until', 'SLICE', 'MOVED',
           'install_moved_modules']


def keyword_names(func):
    """The keyword names ``func`` takes, or None when it takes any
    (``**kwargs``).

    :rtype: frozenset or None
    """
    if six.PY2:
        spec = inspect.getargspec(func)
        return None if spec.keywords else frozenset(spec.args)
    params = inspect.signature(func).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params)


def signature_text(name, method):
    """``name(arg, ...)`` for a bound method, or ``name(...)`` when its
    signature cannot be read."""
    try:
        if six.PY2:
            spec = inspect.getargspec(method)
            return name + inspect.formatargspec(spec.args[1:], *spec[1:])
        return name + str(inspect.signature(method))
    except (TypeError, ValueError):
        return name + '(...)'


def binds(method, args, kwargs):
    """Raise :class:`TypeError` if ``method(*args, **kwargs)`` would not
    bind; a method whose signature cannot be read passes."""
    if six.PY2:
        inspect.getcallargs(method, *args, **kwargs)
        return
    try:
        signature = inspect.signature(method)
    except ValueError:
        return  # nothing to check against (a builtin)
    signature.bind(*args, **kwargs)


def stream_text(stream, text):
    """``text`` as ``stream.write`` takes it: Python 2's byte streams want
    unicode encoded (in the stream's encoding, else UTF-8)."""
    if six.PY2 and isinstance(text, six.text_type):
        return text.encode(getattr(stream, 'encoding', None) or 'utf-8',
                           'replace')
    return text


def native_strings(value):
    """``value`` (from :mod:`json`) with ASCII unicode made ``str`` on
    Python 2, where boto builds requests from ``str``; unchanged on 3."""
    if not six.PY2:
        return value
    if isinstance(value, six.text_type):
        try:
            return value.encode('ascii')
        except UnicodeEncodeError:
            return value
    if isinstance(value, list):
        return [native_strings(v) for v in value]
    if isinstance(value, dict):
        return dict((native_strings(k), native_strings(v))
                    for k, v in value.items())
    return value


def interact(console, banner):
    """Run an interactive ``code.InteractiveConsole`` without a goodbye
    line (Python 2's ``interact`` has no ``exitmsg``)."""
    if six.PY2:
        console.interact(banner)
    else:
        console.interact(banner, exitmsg='')


# -- Lazy faces ---------------------------------------------------------------
# A package's face (mangrove, mangrove.pool, ...) names what its modules
# hold; loading them all at the face's import would load the whole wing for
# one name. On Python 3.7+ a module's __getattr__ (PEP 562) loads each name
# on first use; 2.7 and 3.6 have none, and load every name at once.

def lazy_names(namespace, table):
    """Give the module whose globals are ``namespace`` the names of
    ``table`` (name -> the module defining it), each loaded on first use.

    Call it last in the face's module: ``__getattr__, __dir__ =
    lazy_names(globals(), {...})``. A name once loaded is kept in the
    face's globals, so later uses cost a dict lookup.

    :returns: the face's ``__getattr__`` and ``__dir__``.
    """
    def __getattr__(name):
        module = table.get(name)
        if module is None:
            raise AttributeError('module %r has no attribute %r'
                                 % (namespace['__name__'], name))
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(table))

    if sys.version_info < (3, 7):
        for name in sorted(table):
            __getattr__(name)
    return __getattr__, __dir__


# -- Waits: Ctrl-C and the clocks -------------------------------------------
# Python 2.7's untimed lock waits ignore Ctrl-C, and a timed wait longer
# than the platform's lock timeout overflows it. Every wait of mangrove's
# threads and of its callers is therefore made here, in short slices.

# A monotonic clock (Python 2.7 has none: its wall clock then). Every
# deadline of mangrove's is reckoned on it, through now(), so that a test
# whose subject is the deadline arithmetic can put a clock of its own here
# and move time on when it chooses, rather than wait it out.
_clock = getattr(time, 'monotonic', time.time)


def now():
    """The time every deadline of mangrove's is reckoned in, in seconds
    (monotonic where the interpreter has such a clock).

    :rtype: float
    """
    return _clock()


# The wall clock credential expiries are compared with: they arrive as
# dates (STS's Expiration), so no monotonic clock will do. Kept here, apart
# from _clock, so that a test can move it on past an expiry rather than
# wait for credentials to expire (STS gives at least 15 minutes).
_wall_clock = time.time


def wall_time():
    """Seconds since the epoch, what credential expiries are reckoned in.

    :rtype: float
    """
    return _wall_clock()


#: The longest single wait: short, so that Ctrl-C is seen at once on Python
#: 2.7; long enough to cost nothing while it waits.
SLICE = 0.25


def wait_until(cond, ready, deadline=None):
    """Wait on ``cond`` (held by the caller) until ``ready()`` is true or
    ``deadline`` (a :func:`now` value; None: for ever) passes.

    :returns: whether ``ready()`` was true at the end.
    :rtype: bool
    """
    while not ready():
        wait = SLICE
        if deadline is not None:
            wait = min(wait, deadline - now())
            if wait <= 0:
                return False
        cond.wait(wait)
    return True


# -- Module paths that moved ------------------------------------------------
# 2.0 put the modules in wings (mangrove.pool, mangrove.fanout, ...). A
# program, a stub or a pickle that names an old path still gets the module,
# the same object under both names (so a test that patches
# mangrove.waits._clock patches the clock every module reads), with a
# DeprecationWarning naming the new path. The finder answers for the names
# in MOVED alone and imports nothing until asked for one of them: it sits
# on sys.meta_path, which every import in the process consults.

import warnings  # noqa: E402

MOVED = {
    'mangrove._interpreters': 'mangrove._compat',
    'mangrove.accountfanout': 'mangrove.accounts.plan',
    'mangrove.accountmapping': 'mangrove.accounts.mapping',
    'mangrove.assumerole': 'mangrove.accounts.assumerole',
    'mangrove.backend': 'mangrove.classic.backend',
    'mangrove.boto3backend': 'mangrove.clients.backend',
    'mangrove.callstats': 'mangrove.fanout.stats',
    'mangrove.chunks': 'mangrove.fanout.chunks',
    'mangrove.chunkworker': 'mangrove.fanout.worker',
    'mangrove.clientclasses': 'mangrove.clients.classes',
    'mangrove.clientcredentials': 'mangrove.clients.credentials',
    'mangrove.clientpages': 'mangrove.clients.pages',
    'mangrove.clientpool': 'mangrove.pool.client',
    'mangrove.clienttokens': 'mangrove.classic.tokens',
    'mangrove.declaration': 'mangrove.pool.declaration',
    'mangrove.demo': 'mangrove.cli.demo',
    'mangrove.executors': 'mangrove.pool.joint',
    'mangrove.latency': 'mangrove.pool.latency',
    'mangrove.lifecycle': 'mangrove.pool.lifecycle',
    'mangrove.mapping': 'mangrove.pool.mapping',
    'mangrove.methodcall': 'mangrove.pool.calls',
    'mangrove.mixinpool': 'mangrove.pool.mixin',
    'mangrove.organizations': 'mangrove.accounts.organizations',
    'mangrove.pagination': 'mangrove.pool.pagination',
    'mangrove.plaindata': 'mangrove.cli.plaindata',
    'mangrove.proxy': 'mangrove.pool.proxy',
    'mangrove.redaction': 'mangrove.classic.redaction',
    'mangrove.regiongroups': 'mangrove.pool.groups',
    'mangrove.resultkeys': 'mangrove.fanout.keys',
    'mangrove.results': 'mangrove.fanout.results',
    'mangrove.servicepool': 'mangrove.pool.service',
    'mangrove.serviceregions': 'mangrove.pool.hooks',
    'mangrove.signing': 'mangrove.classic.signing',
    'mangrove.sockets': 'mangrove.classic.sockets',
    'mangrove.tablecolumns': 'mangrove.cli.columns',
    'mangrove.tables': 'mangrove.cli.tables',
    'mangrove.waits': 'mangrove._compat',
    'mangrove.taskrun': 'mangrove.fanout.threads',
    'mangrove.workerreports': 'mangrove.fanout.progress',
}


class _MovedModules(object):
    """Serves each old path in :data:`MOVED` as the module at its new one."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED:
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return self._load(spec.name)

    def exec_module(self, module):
        pass

    # Python 2.7's protocol.
    def find_module(self, fullname, path=None):
        return self if fullname in MOVED else None

    def load_module(self, fullname):
        return self._load(fullname)

    def _load(self, fullname):
        new = MOVED[fullname]
        # stacklevel: past this loader and the import machinery, to the
        # importing line where the interpreter can tell it.
        warnings.warn('%s moved to %s; the old path goes in 2.1'
                      % (fullname, new), DeprecationWarning, stacklevel=3)
        module = importlib.import_module(new)
        sys.modules[fullname] = module
        return module


def install_moved_modules():
    """Put the finder of moved module paths on ``sys.meta_path``, once."""
    if not any(isinstance(f, _MovedModules) for f in sys.meta_path):
        sys.meta_path.append(_MovedModules())
