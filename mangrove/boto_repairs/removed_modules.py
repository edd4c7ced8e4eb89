# -*- coding: utf-8 -*-
"""Standard library that boto imports and later Pythons removed, served to
the boto modules that import it, and to no other code.

============================  =========================  ================
boto module                   its import                 gone since
============================  =========================  ================
``boto.dynamodb.types``       ``from collections         3.10
                              import Mapping``
``boto.mws.connection``       ``collections.Mapping``,   3.10
                              ``collections.Iterable``
``boto.plugin``               ``import imp``             3.12
``boto.pyami.launch_ami``     ``import imp``             3.12
``boto.ecs.item``             ``import cgi``             3.13
============================  =========================  ================

While such a module's code runs, it sees a builtins namespace whose
``__import__`` answers that one name with a stand-in (below) and defers
every other import to the real ``__import__``. Nothing global changes:
other code still finds that ``imp`` and ``cgi`` do not exist and that
``collections`` has no ``Mapping``, as it should on that Python.
"""
from __future__ import absolute_import

import sys


def serving(name):
    """A ``before`` repair: let the module's own ``import name`` get the
    stand-in for ``name``, if this Python lacks what boto needs of it."""
    def serve(module):
        substitute = _STAND_INS[name]()
        if substitute is None:
            return
        import builtins

        def import_(wanted, globals=None, locals=None, fromlist=(),
                    level=0):
            if wanted == name and level == 0:
                return substitute
            return builtins.__import__(wanted, globals, locals, fromlist,
                                       level)

        namespace = dict(vars(builtins))
        namespace['__import__'] = import_
        module.__dict__['__builtins__'] = namespace
    return serve


def restore_builtins(module):
    """The matching ``after``: the module's namespace gets the real
    builtins back (functions it defined keep the namespace they saw)."""
    import builtins
    if module.__dict__.get('__builtins__') is not vars(builtins):
        module.__dict__['__builtins__'] = vars(builtins)


_made = {}


def _once(make):
    """Make a stand-in at most once per process."""
    def get():
        if make not in _made:
            _made[make] = make()
        return _made[make]
    return get


@_once
def _collections():
    """``collections`` with its ABCs back (they moved to
    :mod:`collections.abc` in 3.3, and left ``collections`` in 3.10)."""
    import collections
    if hasattr(collections, 'Mapping'):
        return None
    import collections.abc
    import types
    module = types.ModuleType('collections', collections.__doc__)
    module.__dict__.update(vars(collections))
    for name in collections.abc.__all__:
        setattr(module, name, getattr(collections.abc, name))
    return module


def _new_module(name, doc):
    """An empty module to stand in for ``name``, or None while this Python
    still has ``name``."""
    import importlib.util
    if importlib.util.find_spec(name) is not None:
        return None
    import types
    return types.ModuleType('mangrove.boto_repairs.' + name, doc)


@_once
def _cgi():
    """What ``boto.ecs.item`` uses of ``cgi``: ``escape``."""
    module = _new_module(
        'cgi', 'What boto.ecs.item uses of the removed cgi module.')
    if module is not None:
        module.escape = _cgi_escape
    return module


def _cgi_escape(s, quote=None):
    """``cgi.escape``: replace ``&``, ``<`` and ``>`` (and ``"`` when
    ``quote`` is true) by HTML entities."""
    s = s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    if quote:
        s = s.replace('"', '&quot;')
    return s


@_once
def _imp():
    """What boto uses of ``imp``: ``find_module`` and ``load_module``."""
    module = _new_module(
        'imp', 'What boto uses of the removed imp module, on importlib.')
    if module is None:
        return None
    module.PY_SOURCE = 1
    module.PY_COMPILED = 2
    module.C_EXTENSION = 3
    module.PKG_DIRECTORY = 5
    module.find_module = _imp_find_module
    module.load_module = _imp_load_module
    return module


def _imp_find_module(name, path=None):
    """``imp.find_module``: ``(file, pathname, (suffix, mode, type))``,
    with the file open as ``imp`` opened it (None for a package); the
    caller closes it, as boto does."""
    import os.path
    import tokenize
    from importlib import machinery
    spec = machinery.PathFinder.find_spec(name, path)
    if spec is None or not spec.has_location:
        raise ImportError('No module named %r' % (name,), name=name)
    origin = spec.origin
    if spec.submodule_search_locations is not None:
        return None, os.path.dirname(origin), ('', '', 5)
    suffix = os.path.splitext(origin)[1]
    if suffix in machinery.EXTENSION_SUFFIXES:
        return open(origin, 'rb'), origin, (suffix, 'rb', 3)
    if suffix in machinery.BYTECODE_SUFFIXES:
        return open(origin, 'rb'), origin, (suffix, 'rb', 2)
    with open(origin, 'rb') as handle:
        encoding = tokenize.detect_encoding(handle.readline)[0]
    return open(origin, 'r', encoding=encoding), origin, (suffix, 'r', 1)


def _imp_load_module(name, file, pathname, description):
    """``imp.load_module``: execute the module found by ``find_module``
    and register it in :data:`sys.modules` under ``name``."""
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


_STAND_INS = {'collections': _collections, 'cgi': _cgi, 'imp': _imp}
