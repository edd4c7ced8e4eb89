# -*- coding: utf-8 -*-
"""Start-up hook of boto-mangrove: classic boto works whatever the import
order, even in programs that never import mangrove.

boto-mangrove installs ``mangrove_boto_hook.pth`` into site-packages. At
interpreter start-up :mod:`site` runs its one line, which imports nothing:
on Python 3 it puts a small finder first on :data:`sys.meta_path` that
declines every name but ``boto`` and ``boto.*``, and hands those to
:func:`find_spec` here. So this module is imported only when boto is, and
the first ``import boto`` (or ``boto.*``) installs mangrove's boto repairs
(:mod:`mangrove.boto_repairs`) before boto's own code runs; the finder then
leaves :data:`sys.meta_path`. Programs that never import boto pay one cheap
check per import.

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
#: runs a .pth line that starts with "import" at every start, so this one
#: imports nothing (sys is loaded): on Python 3 it registers a finder that
#: declines every name not starting with "boto" and hands the others to
#: :func:`find_spec`; once, though site may read the file twice (it does in
#: a venv).
PTH_NAME = 'mangrove_boto_hook.pth'
PTH_LINE = (
    u"import sys; sys.version_info >= (3,) and not [f for f in sys.meta_path "
    u"if getattr(f, 'mangrove_boto_hook', 0)] and sys.meta_path.insert(0, "
    u"type('BotoImportHook', (), {'mangrove_boto_hook': True, "
    u"'find_spec': staticmethod(lambda name, path=None, target=None: "
    u"__import__('_mangrove_boto_hook').find_spec(name, path, target) "
    u"if name[:4] == 'boto' else None)})())\n")

_OFF = ('0', 'off', 'false', 'no')
_SIX_MOVES = 'boto.vendored.six.moves'


def switched_off():
    """Whether :data:`ENVIRONMENT_VARIABLE` switches the hook off."""
    return os.environ.get(ENVIRONMENT_VARIABLE, '').strip().lower() in _OFF


def find_spec(fullname, path=None, target=None):
    """What the start-up finder does with a name that starts with
    ``boto``: for boto's own modules, install the repairs and return the
    spec that the finders, repairs included, then find."""
    if fullname != 'boto' and not fullname.startswith('boto.'):
        return None
    if switched_off():
        _explain(fullname)
        return None
    for finder in list(sys.meta_path):
        if getattr(finder, 'mangrove_boto_hook', False):
            sys.meta_path.remove(finder)
    try:
        from mangrove import boto_repairs
    except ImportError:
        # boto-mangrove half uninstalled: boto as it is.
        return None
    boto_repairs.install()
    for finder in list(sys.meta_path):
        find = getattr(finder, 'find_spec', None)
        if find is not None:
            spec = find(fullname, path, target)
            if spec is not None:
                return spec
    return None


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
