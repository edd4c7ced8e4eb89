# -*- coding: utf-8 -*-
"""Import every module under ``boto``; the tool behind
``tests/boto_modules_py39.txt`` and the child script of
``tests/test_boto_sweep.py``.

Make the list (on Python 3.9, in an environment with only boto 2.49.0 and
six, where nothing repairs boto)::

    MANGROVE_BOTO_HOOK=0 python3.9 tests/boto_sweep.py --write

It imports every module boto ships, in one interpreter, in name order,
and writes one line per module: ``ok NAME`` when it imported, or
``never NAME  WHY`` when it did not, with the error it raised (a module
that fails in the run is tried again alone in a fresh interpreter, so that
an earlier failure cannot be blamed on it). ``boto.manage.test_manage`` is
never imported: it is a script that creates an EC2 volume and server as it
is imported.

As the test's child: ``python tests/boto_sweep.py --import NAME...``
(``--mangrove`` to import mangrove first) prints a JSON object of the
modules that failed to import, in the run and again alone, with their
errors.
"""
from __future__ import absolute_import, print_function

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import traceback
import warnings

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'boto_modules_py39.txt')

#: Modules never imported, and why.
NOT_IMPORTED = {
    'boto.manage.test_manage':
        'a script: creates an EC2 volume and server when imported',
}

# Why the modules that fail on 3.9 never worked there, by error.
_CAUSES = (
    ("No module named 'requests'",
     'needs requests, which boto never declared as a dependency'),
    ("No module named 'yaml'",
     'needs PyYAML, which boto never declared as a dependency'),
    ("No module named 'paramiko'",
     'needs paramiko, which boto never declared as a dependency'),
    ("No module named 'boto.sdb.persist'",
     'imports boto.sdb.persist, which boto 2.49 does not ship'),
    ("No module named 'httplib'", 'Python 2 only (imports httplib)'),
    ("No module named 'StringIO'", 'Python 2 only (imports StringIO)'),
    ("No module named 'Queue'", 'Python 2 only (imports Queue)'),
    ("No module named 'urlparse'", 'Python 2 only (imports urlparse)'),
)


def boto_modules():
    """Every module boto ships, by name."""
    import boto
    names = set(['boto'])
    for _, name, _ in pkgutil.walk_packages(boto.__path__, 'boto.',
                                            onerror=lambda name: None):
        names.add(name)
    return sorted(names)


def import_all(names):
    """Import ``names`` in order; ``{name: error}`` for those that failed."""
    failed = {}
    for name in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                importlib.import_module(name)
        except Exception as exc:
            failed[name] = '%s: %s' % (type(exc).__name__, exc)
        except SystemExit:
            failed[name] = 'SystemExit'
    return failed


def _alone(name, mangrove_first=False):
    """The error importing ``name`` alone in a fresh interpreter, or
    None."""
    argv = [sys.executable, os.path.abspath(__file__), '--import', '--alone']
    if mangrove_first:
        argv.append('--mangrove')
    proc = subprocess.Popen(argv + [name], stdout=subprocess.PIPE)
    out = proc.communicate()[0].decode('utf-8', 'replace')
    return json.loads(out.strip().splitlines()[-1]).get(name)


def sweep(names, mangrove_first=False):
    """``{name: error}`` for the modules of ``names`` that fail to import
    in one run, in order, and again alone in a fresh interpreter (on
    Python 2, boto.sdb.db's model registry fails some modules imported
    after others, not alone)."""
    failed = import_all(names)
    failed = dict((name, _alone(name, mangrove_first)) for name in failed)
    return dict((name, error) for name, error in failed.items() if error)


def why(error):
    for text, cause in _CAUSES:
        if text in error:
            return '%s [%s]' % (cause, error)
    return error


def write_list():
    import boto
    if any(getattr(f, 'mangrove_boto_hook', False)
           or getattr(f, 'mangrove_boto_compat', False)
           for f in sys.meta_path):
        sys.exit('boto is being repaired here: run with MANGROVE_BOTO_HOOK=0 '
                 'in an environment without mangrove imported')
    names = [n for n in boto_modules() if n not in NOT_IMPORTED]
    failed = sweep(names)
    version = '.'.join(str(part) for part in sys.version_info[:3])
    with open(LIST, 'w') as handle:
        handle.write(
            '# Every module of boto %s and whether it imports on Python %s\n'
            '# (boto and six only installed). Made by:\n'
            '#     MANGROVE_BOTO_HOOK=0 python3.9 tests/boto_sweep.py '
            '--write\n' % (boto.__version__, version))
        for name in boto_modules():
            if name in NOT_IMPORTED:
                handle.write('never %s  %s\n' % (name, NOT_IMPORTED[name]))
            elif name in failed:
                handle.write('never %s  %s\n' % (name, why(failed[name])))
            else:
                handle.write('ok %s\n' % name)
    print('%d modules, %d never imported; written to %s'
          % (len(names) + len(NOT_IMPORTED),
             len(failed) + len(NOT_IMPORTED), LIST))


def read_list():
    """``(ok, never)``: the names that import on 3.9, and ``{name: why}``
    for those that never did."""
    ok, never = [], {}
    with open(LIST) as handle:
        for line in handle:
            if line.startswith('#') or not line.strip():
                continue
            status, rest = line.rstrip('\n').split(' ', 1)
            name, _, reason = rest.partition('  ')
            if status == 'ok':
                ok.append(name)
            else:
                never[name] = reason
    return ok, never


def main(argv):
    if argv[:1] == ['--write']:
        write_list()
        return
    if argv[:1] == ['--modules']:
        print(json.dumps(boto_modules()))
        return
    names = argv[1:]
    alone = names[:1] == ['--alone']
    if alone:
        names = names[1:]
    mangrove_first = names[:1] == ['--mangrove']
    if mangrove_first:
        import mangrove  # noqa: F401 (its import repairs boto)
        names = names[1:]
    try:
        if alone:
            failed = import_all(names)
        else:
            failed = sweep(names, mangrove_first)
    except BaseException:
        failed = {'(sweep)': traceback.format_exc()}
    sys.stdout.write('\n' + json.dumps(failed) + '\n')


if __name__ == '__main__':
    main(sys.argv[1:])
