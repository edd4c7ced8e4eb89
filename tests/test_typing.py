# -*- coding: utf-8 -*-
"""mangrove's type information (PEP 561): shipped, true to the code, useful.

The stubs (``mangrove/*.pyi``) are checked against the installed package by
mypy's ``stubtest``, so they cannot drift from the code; a user's script is
checked by mypy and must pass, while a wrong use must not. mypy runs where
it installs (tox.ini names the versions); elsewhere those tests are skipped
and the packaging test still runs.
"""
from __future__ import absolute_import

import os
import pkgutil
import subprocess
import sys
import textwrap

import pytest

import mangrove

# Nothing here talks to AWS: no moto server (see conftest.py).
pytestmark = pytest.mark.no_server

PACKAGE = os.path.dirname(os.path.abspath(mangrove.__file__))


def stubbed_modules():
    """Module names that have a ``.pyi`` in the installed package."""
    names = []
    for root, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.pyi'):
                path = os.path.relpath(os.path.join(root, name[:-4]),
                                       os.path.dirname(PACKAGE))
                parts = path.split(os.sep)
                if parts[-1] == '__init__':
                    parts.pop()
                names.append('.'.join(parts))
    return sorted(names)


def all_modules():
    names = ['mangrove']
    for _, name, _ in pkgutil.walk_packages([PACKAGE], 'mangrove.'):
        names.append(name)
    return names


def test_package_ships_py_typed_and_the_stubs():
    assert os.path.isfile(os.path.join(PACKAGE, 'py.typed'))
    assert set(['mangrove', 'mangrove.pool', 'mangrove.pool.service',
                'mangrove.pool.mixin', 'mangrove.pool.mapping',
                'mangrove.pool.proxy', 'mangrove.fanout',
                'mangrove.fanout.results', 'mangrove.exceptions',
                'mangrove.testing']) <= set(stubbed_modules())
    # The 1.1 paths keep their types for the release they keep working.
    assert set(['mangrove.servicepool', 'mangrove.mixinpool',
                'mangrove.mapping', 'mangrove.proxy', 'mangrove.results',
                'mangrove.clientpool', 'mangrove.executors']) <= \
        set(stubbed_modules())


def test_mangrove_exports_what_users_hold():
    from mangrove.fanout import RegionResults
    from mangrove.pool.mapping import RegionMapping
    from mangrove.pool import ServiceMixinPool, ServicePool
    from mangrove.pool.proxy import RegionProxy
    for cls in (ServicePool, ServiceMixinPool, RegionMapping, RegionProxy,
                RegionResults, mangrove.RegionAttributeError):
        assert getattr(mangrove, cls.__name__) is cls
        assert cls.__name__ in mangrove.__all__
    from mangrove import exceptions
    errors = [name for name, value in vars(exceptions).items()
              if isinstance(value, type) and
              issubclass(value, mangrove.MangroveError)]
    assert sorted(errors) == sorted(
        name for name in errors if name in mangrove.__all__)
    for name in mangrove.__all__:
        assert hasattr(mangrove, name), name


def run_mypy_tool(argv, workdir):
    """Run ``python -m <argv>`` away from the source tree: mypy must read
    the installed package, as a user's would."""
    pytest.importorskip('mypy', reason='mypy does not install on Python %s'
                        % sys.version.split()[0])
    env = dict(os.environ)
    env.pop('MYPYPATH', None)
    env.pop('PYTHONPATH', None)
    proc = subprocess.Popen([sys.executable, '-m'] + argv, cwd=workdir,
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    output = proc.communicate()[0].decode('utf-8', 'replace')
    return proc.returncode, output


@pytest.mark.slow
def test_stubs_match_the_code(tmpdir):
    """stubtest compares every stub with the module it describes: names,
    kinds, signatures, ``__all__``; a module without a stub is left to
    mypy's reading of its source."""
    stubbed = stubbed_modules()
    config = tmpdir.join('mypy.ini')
    sections = ['[mypy]', 'ignore_missing_imports = True']
    for name in all_modules():
        if name not in stubbed:
            # Read from source, untyped: no verdict on it.
            sections += ['[mypy-%s]' % name, 'ignore_errors = True']
    config.write('\n'.join(sections) + '\n')
    allowlist = tmpdir.join('allowlist.txt')
    allowlist.write('\n'.join(
        # Read from source (no stub): not the stubs' business.
        ['%s(\\..*)?' % name.replace('.', '\\.')
         for name in all_modules() if name not in stubbed] +
        # Each service of a multi-service pool is an instance attribute
        # (mixin_pool.ec2); the stub's __getattr__ tells type checkers so.
        # It is None on the base class, {name: options} on a subclass. (The
        # class is checked wherever it is found: its module, its wing's face
        # and mangrove.)
        ['mangrove(\\.[a-z_]+)*\\.ServiceMixinPool\\.(__getattr__|services)'])
        + '\n')
    code, output = run_mypy_tool(
        ['mypy.stubtest', '--mypy-config-file', str(config), '--allowlist',
         str(allowlist), '--ignore-unused-allowlist', 'mangrove'],
        str(tmpdir))
    assert code == 0, output


USER_SCRIPT = '''
from typing import Any, Dict, List

import mangrove
from mangrove import (MangroveError, RegionMapping, RegionProxy,
                      RegionResults, ServiceMixinPool, ServicePool)
from mangrove.services import Ec2Pool, S3Pool, SqsPool
from mangrove.testing import MotoServer

ec2_pool = Ec2Pool(connect=True, regions=['us-east-1', 'eu-west-1'],
                   default_region='us-east-1')
s3_pool: S3Pool = S3Pool(regions=['us-east-1']).connect()
regions: RegionMapping = ec2_pool.regions
proxy: RegionProxy = regions['us_east_1']
same: RegionProxy = regions.us_east_1
default: RegionProxy = ec2_pool.regions.default
reservations = proxy.get_all_instances()
proxy.num_retries = 5
name: str = proxy.region_name
keys: List[str] = list(ec2_pool.regions)
added: RegionProxy = s3_pool.add_region('us-west-2')

results: RegionResults = ec2_pool.call('get_all_instances')
mapped = ec2_pool.map(lambda region: region.get_all_instances(),
                      regions=['us-east-1'], timeout=30)
ok: bool = results.ok and mapped.ok
failed: List[Any] = results.failed
errors: Dict[Any, BaseException] = dict(results.errors)
for key, value in results.items():
    print(key, value)
if not ok:
    print(results.format_error(failed[0]))
    results.raise_for_errors()


class Web(ServiceMixinPool):
    services = {'ec2': {'regions': ['us-east-1']}, 's3': {}}


web = Web(connect=True, regions=['us-east-1'])
s3: ServicePool = web.s3
buckets = web.s3.regions.us_east_1.get_all_buckets()
everything: RegionResults = web.call('get_all_buckets')
sns: ServicePool = web.add_service('sns', regions=['us-east-1'])


class MyPool(ServicePool):
    service = 's3'

    def _connect_module_to_region(self, region_name: str) -> Any:
        conn = super(MyPool, self)._connect_module_to_region(region_name)
        conn.num_retries = 5
        return conn


mine = MyPool(connect=True, aws_access_key_id='AKID', is_secure=False)
try:
    mine.regions['eu_west_3']
except mangrove.RegionNotInPoolError as exc:
    print(exc)
except MangroveError:
    raise

with MotoServer() as server:
    sqs: SqsPool = server.pool(SqsPool, regions=['us-east-1'])
    sqs.regions.us_east_1.create_queue('jobs')
'''

# Each line is a mistake the stubs must let mypy see.
WRONG_USES = [
    "Ec2Pool().call(42)",
    "count: int = Ec2Pool().regions",
    "number: int = Ec2Pool().regions.us_east_1",
    "Ec2Pool().regions.keys().oops",
    "Ec2Pool(connect='yes')",
    "Ec2Pool().call('get_all_instances').failed + 1",
]


@pytest.mark.slow
def test_mypy_accepts_a_users_script(tmpdir):
    tmpdir.join('user_script.py').write(textwrap.dedent(USER_SCRIPT))
    code, output = run_mypy_tool(
        ['mypy', '--cache-dir', str(tmpdir.join('cache')),
         '--no-error-summary', 'user_script.py'], str(tmpdir))
    assert code == 0 and output.strip() == '', output


@pytest.mark.slow
def test_mypy_sees_a_wrong_use(tmpdir):
    lines = ['from mangrove.services import Ec2Pool'] + WRONG_USES
    tmpdir.join('wrong.py').write('\n'.join(lines) + '\n')
    code, output = run_mypy_tool(
        ['mypy', '--cache-dir', str(tmpdir.join('cache')), 'wrong.py'],
        str(tmpdir))
    assert code == 1, output
    for number in range(2, len(lines) + 1):
        assert 'wrong.py:%d: error' % number in output, output
