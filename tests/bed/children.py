# -*- coding: utf-8 -*-
"""Child interpreters for the tests whose subject is a fresh process: the
imports a user's program makes, the start-up hook, switches read from the
environment at start.
"""
from __future__ import absolute_import

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import mangrove

__all__ = ['child_pythonpath', 'run_child']


def child_pythonpath():
    """PYTHONPATH for a child interpreter that imports the same mangrove
    as this process (the source tree or an installed copy)."""
    import mangrove
    parent = os.path.dirname(os.path.dirname(os.path.abspath(
        mangrove.__file__)))
    return os.pathsep.join(
        [parent] + [p for p in [os.environ.get('PYTHONPATH')] if p])


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(mangrove.__file__)))

_PRELUDE = textwrap.dedent('''
    import json
    import sys
    if %r not in sys.path:
        sys.path.insert(0, %r)
    assert 'boto' not in sys.modules and 'mangrove' not in sys.modules
''') % (_ROOT, _ROOT)


def run_child(code, env=None, warnings=None):
    """Run ``code`` in a new interpreter; return what it printed last, as
    JSON. The code reports with ``report(value)``."""
    script = (_PRELUDE + 'def report(value):\n'
              '    sys.stdout.write("\\n" + json.dumps(value) + "\\n")\n'
              + textwrap.dedent(code))
    child_env = dict(os.environ)
    # The start-up hook (tests/test_startup_hook.py) would repair boto
    # before mangrove is imported; these tests are about ``import mangrove``.
    child_env['MANGROVE_BOTO_HOOK'] = '0'
    child_env.update(env or {})
    argv = [sys.executable]
    if warnings:
        argv += ['-W', warnings]
    argv += ['-c', script]
    workdir = tempfile.mkdtemp(prefix='mangrove-repairs-')
    try:
        proc = subprocess.Popen(argv, cwd=workdir, env=child_env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        out, err = proc.communicate()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = out.decode('utf-8', 'replace')
    err = err.decode('utf-8', 'replace')
    assert proc.returncode == 0, 'child failed:\n%s\n%s' % (out, err)
    return json.loads(out.strip().splitlines()[-1])
