# -*- coding: utf-8 -*-
"""Start-up hook of boto-mangrove: classic boto works whatever the import
order, even in programs that never import mangrove.

boto-mangrove installs ``mangrove_boto_hook.pth`` into site-packages. At
interpreter start-up :mod:`site` runs its one line, which on Python 3
imports this small module (it needs only :mod:`os` and :mod:`sys`, loaded
already), imports :mod:`importlib` while start-up still runs on one thread
(see :func:`register`) and puts :class:`BotoImportHook` first on
:data:`sys.meta_path`; should this module be gone or broken, the line does
nothing at all.

The finder answers for ``boto`` and ``boto.*`` alone and imports nothing
while it does: :mod:`importlib` asks finders under its global lock, where
an import of mangrove could wait for a module lock another thread holds
while that thread waits for the global lock. It hands back the spec the
other finders find for boto, with a loader that, when boto's own code is
about to run (under boto's module lock alone), installs mangrove's boto
repairs (:mod:`mangrove.boto_repairs`) and leaves :data:`sys.meta_path`.
If mangrove cannot be imported then (a half-uninstalled boto-mangrove, or
a build environment whose path no longer holds it), boto is imported as it
is. Programs that never import boto pay one cheap check per import.

Set ``MANGROVE_BOTO_HOOK=0`` (or ``off``, ``false``, ``no``) to switch it
off: boto is then repaired only once mangrove is imported, and on Python
3.12 and later an ``import boto`` that fails for want of the repairs says
to import mangrove first.
"""
import os
import sys

#: The environment variable that switches the hook off.
ENVIRONMENT_VARIABLE = 'MANGROVE_BOTO_HOOK'

#: The file that setup.py installs into site-packages, and its line. site
#: runs a .pth line that starts with "import" at every start; this one does
#: nothing on Python 2, and on Python 3 registers the finder once (site may
#: read the file twice: it does in a venv), or nothing if this module
#: cannot be imported.
PTH_NAME = 'mangrove_boto_hook.pth'
PTH_LINE = (
    u"import sys; exec('if sys.version_info >= (3,):\\n try:\\n  import "
    u"_mangrove_boto_hook\\n except Exception:\\n  pass\\n else:\\n  "
    u"_mangrove_boto_hook.register()\\n')\n")

_OFF = ('0', 'off', 'false', 'no')
_SIX_MOVES = 'boto.vendored.six.moves'


def switched_off():
    """Whether :data:`ENVIRONMENT_VARIABLE` switches the hook off."""
    return os.environ.get(ENVIRONMENT_VARIABLE, '').strip().lower() in _OFF


def register():
    """Put a :class:`BotoImportHook` first on :data:`sys.meta_path`, unless
    one is there already. Does nothing on Python 2, where boto needs no
    repair."""
    if sys.version_info < (3,):
        return
    # importlib is imported now, while start-up runs on one thread. The
    # first import of boto imports mangrove, and with it six, which imports
    # importlib.util; a thread importing importlib's submodules meanwhile
    # (inspect imports importlib.machinery) does not wait for importlib's
    # own code to finish, and on 3.13 builds a second importlib._bootstrap
    # that was never set up, after which every import_module() in the
    # process fails with "name 'sys' is not defined". importlib needs only
    # what start-up has loaded already; it costs about 0.1 ms.
    import importlib  # noqa: F401
    for finder in sys.meta_path:
        if getattr(finder, 'mangrove_boto_hook', False):
            return
    sys.meta_path.insert(0, BotoImportHook())


def _unregister():
    for finder in list(sys.meta_path):
        if getattr(finder, 'mangrove_boto_hook', False):
            sys.meta_path.remove(finder)


class BotoImportHook(object):
    """The start-up finder: boto's spec, with repairs installed before
    boto's code runs."""

    mangrove_boto_hook = True

    def find_spec(self, fullname, path=None, target=None):
        if fullname != 'boto' and not fullname.startswith('boto.'):
            return None
        if switched_off():
            _explain(fullname)
            return None
        spec = _spec_of_the_others(fullname, path, target)
        loader = getattr(spec, 'loader', None)
        if loader is None or not hasattr(loader, 'exec_module'):
            return spec
        spec.loader = _RepairsFirst(loader)
        return spec

    def invalidate_caches(self):
        pass


def find_spec(fullname, path=None, target=None):
    """:meth:`BotoImportHook.find_spec`, for the finder the ``.pth`` line of
    boto-mangrove 1.x registered (it calls this module's ``find_spec``),
    should that line outlive an upgrade."""
    return BotoImportHook().find_spec(fullname, path, target)


def _spec_of_the_others(fullname, path, target):
    """The spec the finders after the hook give ``fullname``; asking them
    imports nothing."""
    for finder in list(sys.meta_path):
        if getattr(finder, 'mangrove_boto_hook', False):
            continue
        find = getattr(finder, 'find_spec', None)
        if find is None:
            continue
        spec = find(fullname, path, target)
        if spec is not None:
            return spec
    return None


class _RepairsFirst(object):
    """A module's own loader, which runs after mangrove's boto repairs are
    installed, and is the module's loader from then on."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        create = getattr(self._loader, 'create_module', None)
        return None if create is None else create(spec)

    def exec_module(self, module):
        _unregister()
        _install_repairs()
        spec = getattr(module, '__spec__', None)
        if spec is not None and spec.loader is self:
            spec.loader = self._loader
        if getattr(module, '__loader__', None) is self:
            module.__loader__ = self._loader
        self._loader.exec_module(module)

    def __getattr__(self, name):
        # get_data, is_package, get_resource_reader, ...: the real loader's.
        return getattr(self._loader, name)


def _install_repairs():
    try:
        from mangrove import boto_repairs
        boto_repairs.install()
    except Exception:
        # boto-mangrove half uninstalled, or not on this path: boto as it
        # is, which is what the program would have had without it.
        pass


def _explain(fullname):
    """With the hook off, turn the failure of ``import boto`` on Python
    3.12+ without mangrove into an error that names the remedy.

    Reached for ``boto.vendored.six.moves`` only when mangrove's repairs,
    which serve it, are not installed.
    """
    if sys.version_info < (3, 12):
        return
    if fullname == _SIX_MOVES or fullname.startswith(_SIX_MOVES + '.'):
        raise ModuleNotFoundError(
            "No module named %r: boto 2.49's vendored six does not work on "
            "Python 3.12 and later. Import mangrove before boto (its "
            "start-up hook is off: %s=%s)"
            % (fullname, ENVIRONMENT_VARIABLE,
               os.environ.get(ENVIRONMENT_VARIABLE, '')),
            name=fullname)
