# -*- coding: utf-8 -*-
"""The import-system side of the boto repairs: one finder that serves
``boto.vendored.six`` as the real six and hands each boto module that needs
a repair to a loader that applies it around the module's own code."""
from __future__ import absolute_import

import sys

SIX_ALIAS = 'boto.vendored.six'


class BotoRepairFinder(object):
    """A :data:`sys.meta_path` finder for the boto modules listed in
    ``repairs`` (module name -> ``(before, after)``, functions of the
    module object), and for the six alias when ``six_alias`` is set.

    It finds nothing itself: a repaired module's spec is the one the rest
    of :data:`sys.meta_path` finds, with its loader wrapped.
    """

    # Lets a finder recognise another instance, e.g. after a reload.
    mangrove_boto_compat = True

    def __init__(self, repairs, six_alias):
        self.repairs = repairs
        self.six_alias = six_alias

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith('boto'):
            return None
        if self.six_alias and (fullname == SIX_ALIAS
                               or fullname.startswith(SIX_ALIAS + '.')):
            from importlib.machinery import ModuleSpec
            return ModuleSpec(
                fullname, AliasLoader('six' + fullname[len(SIX_ALIAS):]))
        repair = self.repairs.get(fullname)
        if repair is None:
            return None
        spec = self._next_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = RepairingLoader(spec.loader, *repair)
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


class AliasLoader(object):
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


class RepairingLoader(object):
    """Wraps a module's own loader and delegates everything to it, but
    runs a repair around the module's execution: ``before`` prepares it
    and ``after`` undoes that, whether the module's code failed or not;
    with no ``before``, ``after`` amends the module once its code ran."""

    def __init__(self, loader, before, after):
        self._loader = loader
        self._before = before
        self._after = after

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        if self._before is None:
            self._loader.exec_module(module)
            self._after(module)
            return
        self._before(module)
        try:
            self._loader.exec_module(module)
        finally:
            self._after(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)
