# -*- coding: utf-8 -*-
"""Every module under ``boto`` that imported on Python 3.9 imports here.

``tests/boto_modules_py39.txt`` lists every module of boto 2.49.0 and
whether it imported on Python 3.9 with only boto and six installed (made
by ``tests/boto_sweep.py --write``; the modules that never imported there
are named with why). Each case imports the lot in a fresh interpreter:
with mangrove imported first, and with the start-up hook alone.

On Python 2.7, where nothing is repaired, boto's own code fails a few
modules that import on 3.9: ``boto.sdb.db.model`` (its ``ModelMeta`` looks
for ``__sub_classes__`` on ``object``) and the modules built on it, and
``boto.roboto.awsqueryrequest`` (a circular import). There the test checks
that they are exactly those, failing as they do without mangrove.
"""
from __future__ import absolute_import

import importlib
import json
import os
import re
import subprocess
import sys

import pytest

import boto_sweep

# Every test here is slow (its own processes) and talks to no AWS endpoint
# (see conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_server]

PY2_BOTO_FAILURES = sorted([
    'boto.manage.server', 'boto.manage.task', 'boto.manage.volume',
    'boto.mashups.server', 'boto.pyami.installers.ubuntu.ebs',
    'boto.sdb.db.manager.xmlmanager', 'boto.sdb.db.model',
    'boto.sdb.db.test_db', 'boto.roboto.awsqueryrequest'])


def sweep(names, mangrove_first=True, hook=True):
    """``{name: error}`` of the modules of ``names`` that failed to import
    in a fresh interpreter."""
    env = dict(os.environ)
    env['MANGROVE_BOTO_HOOK'] = '1' if hook else '0'
    argv = [sys.executable, boto_sweep.__file__, '--import']
    if mangrove_first:
        argv.append('--mangrove')
    proc = subprocess.Popen(argv + list(names), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode('utf-8', 'replace')
    return json.loads(out.decode('utf-8').strip().splitlines()[-1])


@pytest.fixture(scope='module')
def listed():
    return boto_sweep.read_list()


def test_the_list_names_every_module_of_boto(listed):
    ok, never = listed
    proc = subprocess.Popen([sys.executable, boto_sweep.__file__,
                             '--modules'], stdout=subprocess.PIPE)
    out = proc.communicate()[0].decode('utf-8')
    modules = json.loads(out.strip().splitlines()[-1])
    assert sorted(ok + list(never)) == modules
    assert len(ok) > 350
    # Each module that never imported on 3.9 is there with why.
    assert all(never.values())


def assert_all_import(names):
    failed = sweep(names)
    if sys.version_info >= (3,):
        assert failed == {}
    else:
        assert sorted(failed) == [n for n in PY2_BOTO_FAILURES if n in names]
        assert sweep(names, mangrove_first=False) == failed


def test_every_module_that_imported_on_39_imports_after_mangrove(listed):
    assert_all_import(listed[0])


@pytest.mark.skipif(sys.version_info < (3,), reason='no start-up hook on 2.7')
def test_every_module_that_imported_on_39_imports_with_the_hook(listed):
    assert sweep(listed[0], mangrove_first=False) == {}


def _importable(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def test_a_module_missing_only_an_absent_dependency_imports_with_it(listed):
    # E.g. boto.cloudsearch2.* wants requests, which boto never declared:
    # where requests is installed (moto brings it), they import too; so do
    # the Python 2 only modules on 2.7.
    wanted = []
    for name, why in sorted(listed[1].items()):
        missing = re.search(r"No module named '([\w.]+)'", why)
        if missing and not missing.group(1).startswith('boto.') \
                and _importable(missing.group(1)):
            wanted.append(name)
    if not wanted:
        pytest.skip('none of the dependencies is installed here')
    assert_all_import(wanted)
