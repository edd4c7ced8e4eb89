# -*- coding: utf-8 -*-
"""Start-up hook of boto-mangrove: classic boto works whatever the import
order, even in programs that never import mangrove.

boto-mangrove installs ``mangrove_boto_hook.pth`` into site-packages; at
interpreter start-up :mod:`site` runs its one line, which imports this
small module (the standard library's :mod:`os` and :mod:`sys` only) and
calls :func:`register`. That puts a finder on :data:`sys.meta_path` that
wakes up at the first ``import boto`` (or ``boto.*``) and then installs
mangrove's boto repairs (:mod:`mangrove.boto_repairs`) before boto's own
code runs. Nothing else happens at start-up; programs that never import
boto pay one cheap check per import.

Set ``MANGROVE_BOTO_HOOK=0`` (or ``off``, ``false``, ``no``) to switch it
off: boto is then repaired only once mangrove is imported, and on Python
3.12 and later an ``import boto`` that fails for want of the repairs says
to import mangrove first.
"""
import os
import sys

#: The environment variable that switches the hook off.
ENVIRONMENT_VARIABLE = 'MANGROVE_BOTO_HOOK'

_OFF = ('0', 'off', 'false', 'no')


def register():
    """Register the hook (or, when switched off, only the explanation of
    the failure it prevents); idempotent. Does nothing on Python 2."""
    if sys.version_info < (3,):
        return
    for finder in sys.meta_path:
        if getattr(finder, 'mangrove_boto_hook', False):
            return
    if os.environ.get(ENVIRONMENT_VARIABLE, '').strip().lower() in _OFF:
        if sys.version_info >= (3, 12):
            sys.meta_path.append(ExplainingFinder())
        return
    sys.meta_path.insert(0, BotoImportHook())


class BotoImportHook(object):
    """Installs mangrove's boto repairs when boto is first imported, then
    leaves :data:`sys.meta_path`."""

    mangrove_boto_hook = True

    def find_spec(self, fullname, path=None, target=None):
        if fullname[:4] != 'boto' or (fullname != 'boto'
                                      and fullname[4] != '.'):
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        try:
            from mangrove import boto_repairs
        except ImportError:
            # boto-mangrove half uninstalled: boto as it is.
            return None
        boto_repairs.install()
        # The finders in front of this one have been asked already; ask
        # the whole list again now that the repairs are on it.
        for finder in list(sys.meta_path):
            find_spec = getattr(finder, 'find_spec', None)
            if find_spec is not None:
                spec = find_spec(fullname, path, target)
                if spec is not None:
                    return spec
        return None

    def invalidate_caches(self):
        pass


class ExplainingFinder(object):
    """With the hook off: turns the failure of ``import boto`` on Python
    3.12+ without mangrove into an error that names the remedy."""

    mangrove_boto_hook = True

    def find_spec(self, fullname, path=None, target=None):
        # Reached only when no finder before this one (mangrove's repairs
        # among them) could serve the name.
        if fullname == 'boto.vendored.six.moves' or fullname.startswith(
                'boto.vendored.six.moves.'):
            raise ModuleNotFoundError(
                "No module named %r: boto 2.49's vendored six does not work "
                "on Python 3.12 and later. Import mangrove before boto "
                "(its start-up hook is off: %s=%s)"
                % (fullname, ENVIRONMENT_VARIABLE,
                   os.environ.get(ENVIRONMENT_VARIABLE, '')),
                name=fullname)
        return None

    def invalidate_caches(self):
        pass
