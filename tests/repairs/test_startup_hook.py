# -*- coding: utf-8 -*-
"""The start-up hook: with boto-mangrove installed, ``import boto`` works in
any order, and in programs that never import mangrove.

The suite's own environment got boto-mangrove from its sdist with pip, as
tox installs it; a fresh virtual environment gets it from a wheel built
here. Each check runs in a new interpreter.
"""
from __future__ import absolute_import

import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import pytest

import _mangrove_boto_hook
import mangrove

PTH_NAME = _mangrove_boto_hook.PTH_NAME
PTH_LINE = _mangrove_boto_hook.PTH_LINE
SITE_PACKAGES = os.path.dirname(os.path.dirname(
    os.path.abspath(mangrove.__file__)))
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(HERE)
PY3 = sys.version_info >= (3,)

LEGACY_SCRIPT = '''\
# A boto 2 script from before Python 3.12, run unchanged.
import boto
import boto.ec2
import boto.sqs

conn = boto.ec2.connect_to_region('us-west-2')
conn.create_security_group('legacy', 'made by a legacy script')
queue = boto.sqs.connect_to_region('us-west-2').create_queue('legacy')
print(sorted(g.name for g in conn.get_all_security_groups()))
print(queue.name)
'''


def python(executable, code, hook=None, cwd=None):
    """Run ``code`` with ``executable``; ``(returncode, stdout, stderr)``."""
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    if hook is not None:
        env[_mangrove_boto_hook.ENVIRONMENT_VARIABLE] = hook
    proc = subprocess.Popen([executable] + code, env=env, cwd=cwd or HERE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    return (proc.returncode, out.decode('utf-8', 'replace'),
            err.decode('utf-8', 'replace'))


def facts_at_start(executable, hook=None):
    code = textwrap.dedent('''
        import json, sys
        print(json.dumps({
            'modules': sorted(n for n in ('boto', 'mangrove', 'six',
                                          '_mangrove_boto_hook')
                              if n in sys.modules),
            'finders': [type(f).__name__ for f in sys.meta_path
                        if getattr(f, 'mangrove_boto_hook', False)]}))
    ''')
    rc, out, err = python(executable, ['-c', code], hook)
    assert rc == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_pip_installed_the_pth_file_from_the_sdist():
    with io.open(os.path.join(SITE_PACKAGES, PTH_NAME)) as handle:
        assert handle.read() == PTH_LINE
    assert os.path.dirname(os.path.abspath(
        _mangrove_boto_hook.__file__)) == SITE_PACKAGES


def test_start_up_imports_the_hook_alone_and_registers_one_finder():
    # The hook itself (os and sys, which site loaded already), never boto,
    # six or mangrove; nothing at all on Python 2.
    for hook in (None, '0'):
        facts = facts_at_start(sys.executable, hook)
        assert facts == {
            'modules': ['_mangrove_boto_hook'] if PY3 else [],
            'finders': ['BotoImportHook'] if PY3 else []}


@pytest.mark.skipif(not PY3, reason='no finder on Python 2')
def test_start_up_leaves_importlib_whole_before_any_thread_runs():
    # The first import of boto imports mangrove, six and importlib.util; a
    # thread importing importlib.machinery meanwhile does not wait for
    # importlib's own code, and could build a second importlib._bootstrap
    # that was never set up (every import_module() then fails with "name
    # 'sys' is not defined"). importlib is whole before a thread can run.
    code = textwrap.dedent('''
        import json, sys
        print(json.dumps([
            'importlib' in sys.modules,
            sys.modules.get('importlib._bootstrap')
            is sys.modules['_frozen_importlib']]))
    ''')
    for hook in (None, '0'):
        rc, out, err = python(sys.executable, ['-c', code], hook)
        assert rc == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == [True, True]


@pytest.mark.skipif(not PY3, reason='no finder on Python 2')
def test_the_finder_imports_nothing_and_answers_for_boto_alone():
    # importlib asks finders under its global lock: an import there could
    # wait for a module lock held by a thread that waits for that lock.
    code = textwrap.dedent('''
        import json, sys
        finder = [f for f in sys.meta_path
                  if getattr(f, 'mangrove_boto_hook', False)][0]
        before = set(sys.modules)
        specs = dict((name, finder.find_spec(name)) for name in (
            'boto', 'boto.ec2', 'boto3', 'botocore', 'botocove', 'bottle'))
        print(json.dumps({
            'imported': sorted(set(sys.modules) - before),
            'answered': sorted(n for n, s in specs.items() if s is not None),
            'loader': type(specs['boto'].loader).__name__,
            'origin': specs['boto'].origin}))
    ''')
    rc, out, err = python(sys.executable, ['-c', code])
    assert rc == 0, err
    facts = json.loads(out.strip().splitlines()[-1])
    assert facts['imported'] == []
    # boto.ec2 is found only within boto's package path, given with it.
    assert facts['answered'] == ['boto']
    assert facts['loader'] == '_RepairsFirst'
    assert facts['origin'].endswith(os.path.join('boto', '__init__.py'))


@pytest.mark.skipif(not PY3 or sys.version_info >= (3, 12),
                    reason='boto imports with no repair on 3.6-3.11 only')
def test_the_hook_can_be_switched_off():
    code = textwrap.dedent('''
        import sys
        import boto.connection
        print(sorted(n for n in ('mangrove', '_mangrove_boto_hook')
                     if n in sys.modules))
        print(getattr(boto.connection.AWSAuthConnection.proxy_ssl,
                      'mangrove_boto_compat', False))
    ''')
    rc, out, err = python(sys.executable, ['-c', code], hook='off')
    assert rc == 0, err
    # boto as shipped: the proxy repair waits for ``import mangrove``.
    assert out.split('\n')[:2] == ["['_mangrove_boto_hook']", 'False']


@pytest.mark.slow
@pytest.mark.skipif(not PY3, reason='nothing to repair on Python 2')
def test_boto_first_works_and_the_hook_steps_aside(moto_port):
    code = textwrap.dedent('''
        import json, sys
        import boto.ec2
        import mangrove
        conn = boto.ec2.connect_to_region('us-west-2')
        print(json.dumps({
            'reservations': len(conn.get_all_instances()),
            'proxy_ssl_repaired': getattr(
                boto.connection.AWSAuthConnection.proxy_ssl,
                'mangrove_boto_compat', False),
            'finders': sorted(type(f).__name__ for f in sys.meta_path
                              if getattr(f, 'mangrove_boto_hook', False)
                              or getattr(f, 'mangrove_boto_compat', False))}))
    ''')
    rc, out, err = python(sys.executable, ['-c', code])
    assert rc == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {
        'reservations': 0, 'proxy_ssl_repaired': True,
        'finders': ['BotoRepairFinder']}


@pytest.mark.skipif(sys.version_info < (3, 12),
                    reason='boto imports without repairs before 3.12')
def test_switched_off_a_failing_import_says_to_import_mangrove_first():
    rc, out, err = python(sys.executable, ['-c', 'import boto'], hook='0')
    assert rc == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: No module named "
                           "'boto.vendored.six.moves': ")
    assert 'Import mangrove before boto' in last
    assert 'MANGROVE_BOTO_HOOK=0' in last
    rc, out, err = python(sys.executable,
                          ['-c', 'import mangrove, boto.ec2'], hook='0')
    assert rc == 0, err


@pytest.fixture(scope='module')
def fresh_venv():
    """A new virtual environment with boto-mangrove installed from a wheel
    built from this source tree, and boto and six copied from the suite's
    environment (no network)."""
    if not PY3:
        pytest.skip('Python 2.7 has no venv module')
    directory = tempfile.mkdtemp(prefix='mangrove-venv-')
    try:
        venv = os.path.join(directory, 'venv')
        subprocess.check_call([sys.executable, '-m', 'venv', '--without-pip',
                               venv])
        executable = os.path.join(venv, 'bin', 'python')
        rc, out, err = python(executable, ['-c', (
            'import sysconfig; print(sysconfig.get_paths()["purelib"])')])
        assert rc == 0, err
        purelib = out.strip()
        wheels = os.path.join(directory, 'wheels')
        build = os.path.join(directory, 'build')
        shutil.copytree(REPO, build, ignore=shutil.ignore_patterns(
            '.tox', '.git', '*.egg-info', 'build', 'dist', '__pycache__'))
        subprocess.check_call(
            [sys.executable, '-m', 'pip', 'wheel', '--quiet', '--no-deps',
             '--no-index', '--no-build-isolation', '--wheel-dir', wheels,
             build], stdout=subprocess.PIPE)
        wheel = glob.glob(os.path.join(wheels, 'boto_mangrove-*.whl'))
        assert len(wheel) == 1, wheel
        subprocess.check_call(
            [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
             '--no-index', '--target', purelib, wheel[0]],
            stdout=subprocess.PIPE)
        import boto
        import six
        shutil.copytree(os.path.dirname(boto.__file__),
                        os.path.join(purelib, 'boto'),
                        ignore=shutil.ignore_patterns('__pycache__'))
        shutil.copy(six.__file__.replace('.pyc', '.py'), purelib)
        yield {'python': executable, 'purelib': purelib, 'dir': directory}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.slow
def test_the_wheel_puts_the_pth_file_in_site_packages(fresh_venv):
    with io.open(os.path.join(fresh_venv['purelib'], PTH_NAME)) as handle:
        assert handle.read() == PTH_LINE
    facts = facts_at_start(fresh_venv['python'])
    assert facts == {'modules': ['_mangrove_boto_hook'],
                     'finders': ['BotoImportHook']}


def test_import_boto_ec2_in_a_fresh_venv(fresh_venv):
    rc, out, err = python(fresh_venv['python'], ['-c', (
        'import sys, boto.ec2; '
        'print(len(boto.ec2.regions()), "mangrove" in sys.modules)')])
    assert rc == 0, err
    count, mangrove_loaded = out.split()
    assert int(count) > 10
    # The hook brought the repairs along.
    assert mangrove_loaded == 'True'


@pytest.mark.slow
def test_a_legacy_script_runs_unchanged_in_a_fresh_venv(
        fresh_venv, moto_port):
    script = os.path.join(fresh_venv['dir'], 'legacy.py')
    with open(script, 'w') as handle:
        handle.write(LEGACY_SCRIPT)
    rc, out, err = python(fresh_venv['python'], [script])
    assert rc == 0, err
    assert out.splitlines() == ["['default', 'legacy']", 'legacy']


# -- what the hook must never do: hang an import, or break another one --------

IMPORT_RACE = textwrap.dedent('''
    import threading
    errors = []

    def load(name):
        try:
            __import__(name)
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=load, args=(name,))
               for name in ('boto.ec2', 'boto3')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(errors or 'ok')
''')

#: How many times the race runs, and how long one may take before it counts
#: as hung (a run takes about half a second).
RACES = 300
RACE_GUARD = 60


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 13),
                    reason='run on the newest Python of the matrix')
def test_importing_boto_and_boto3_at_once_never_hangs(tmpdir):
    pytest.importorskip('boto3')
    script = str(tmpdir.join('race.py'))
    with open(script, 'w') as handle:
        handle.write(IMPORT_RACE)

    def race(_):
        proc = subprocess.Popen([sys.executable, script], cwd=str(tmpdir),
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            out = proc.communicate(timeout=RACE_GUARD)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return 'hung'
        return out.decode('utf-8', 'replace').strip()

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as runs:
        outcomes = list(runs.map(race, range(RACES)))
    assert outcomes.count('hung') == 0
    assert outcomes == ['ok'] * RACES, [o for o in outcomes if o != 'ok'][:3]


@pytest.mark.skipif(not PY3, reason='no finder on Python 2')
def test_a_pth_file_left_behind_by_itself_breaks_nothing(tmpdir):
    # A partial uninstall that took the module and left the .pth: imports
    # of boto, boto3 and botocore (here stand-ins) go on as without it.
    site_dir = tmpdir.mkdir('site')
    site_dir.join(PTH_NAME).write(PTH_LINE)
    for name in ('boto', 'boto3', 'botocore'):
        package = site_dir.mkdir(name)
        package.join('__init__.py').write('STAND_IN = %r\n' % name)
    code = textwrap.dedent('''
        import site, sys
        site.addsitedir(%r)
        import boto, boto3, botocore
        print([m.STAND_IN for m in (boto, boto3, botocore)],
              [type(f).__name__ for f in sys.meta_path
               if getattr(f, 'mangrove_boto_hook', False)])
    ''' % str(site_dir))
    # -S: no site-packages, so no _mangrove_boto_hook to import.
    rc, out, err = python(sys.executable, ['-S', '-c', code],
                          cwd=str(tmpdir))
    assert rc == 0, err
    assert out.strip() == "['boto', 'boto3', 'botocore'] []"


BUILD_BACKEND = textwrap.dedent('''
    """A build backend whose build imports botocore, as some do."""
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    from wheels import write_wheel


    def get_requires_for_build_wheel(config_settings=None):
        return []


    def build_wheel(wheel_directory, config_settings=None,
                    metadata_directory=None):
        import botocore
        assert botocore.STAND_IN == 'botocore'
        return write_wheel(wheel_directory, 'needs_botocore', '1.0',
                           {'needs_botocore/__init__.py': ''})
''')

WHEELS = textwrap.dedent('''
    import base64
    import hashlib
    import os
    import zipfile


    def write_wheel(directory, name, version, files):
        """A pure-Python wheel of ``files`` ({path: text}); its file name."""
        info = '%s-%s.dist-info' % (name, version)
        files = dict(files)
        files[info + '/METADATA'] = (
            'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n'
            % (name, version))
        files[info + '/WHEEL'] = ('Wheel-Version: 1.0\\nGenerator: tests'
                                  '\\nRoot-Is-Purelib: true\\n'
                                  'Tag: py3-none-any\\n')
        record = []
        for path, text in sorted(files.items()):
            digest = base64.urlsafe_b64encode(hashlib.sha256(
                text.encode()).digest()).rstrip(b'=').decode()
            record.append('%s,sha256=%s,%d' % (path, digest,
                                                len(text.encode())))
        record.append(info + '/RECORD,,')
        files[info + '/RECORD'] = '\\n'.join(record) + '\\n'
        filename = '%s-%s-py3-none-any.whl' % (name, version)
        with zipfile.ZipFile(os.path.join(directory, filename), 'w') as out:
            for path, text in sorted(files.items()):
                out.writestr(path, text)
        return filename
''')


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 13),
                    reason='run on the newest Python of the matrix')
def test_an_isolated_pip_build_that_imports_botocore_succeeds(tmpdir):
    # pip's isolated build runs this interpreter (so site reads
    # boto-mangrove's .pth), then drops site-packages from the path and
    # installs the build's requirements (here a botocore stand-in) apart.
    project = tmpdir.mkdir('project')
    project.join('pyproject.toml').write(
        '[build-system]\nrequires = ["botocore"]\n'
        'build-backend = "backend"\nbackend-path = ["."]\n')
    project.join('backend.py').write(BUILD_BACKEND)
    project.join('wheels.py').write(WHEELS)
    wheelhouse = tmpdir.mkdir('wheelhouse')
    sys.path.insert(0, str(project))
    try:
        from wheels import write_wheel
    finally:
        sys.path.remove(str(project))
        sys.modules.pop('wheels', None)
    write_wheel(str(wheelhouse), 'botocore', '9.9.9',
                {'botocore/__init__.py': "STAND_IN = 'botocore'\n"})
    out_dir = tmpdir.mkdir('out')
    rc, out, err = python(sys.executable, [
        '-m', 'pip', 'wheel', '--no-index', '--find-links', str(wheelhouse),
        '--no-deps', '--wheel-dir', str(out_dir), str(project)],
        cwd=str(tmpdir))
    assert rc == 0, out + err
    assert [p.basename for p in out_dir.listdir()] == [
        'needs_botocore-1.0-py3-none-any.whl']
