# -*- coding: utf-8 -*-
import ast
import io
import os
import re

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class build_py_with_pth(build_py):
    """build_py that also writes the .pth file at the root of build_lib.

    Everything there lands in the root of the wheel's purelib, which pip
    installs into site-packages, whether it installs a wheel or builds one
    from the sdist. (setuptools' data_files would put it under sys.prefix
    instead, where site never looks.)
    """

    def run(self):
        build_py.run(self)
        target = os.path.join(self.build_lib, PTH_NAME)
        self.mkpath(self.build_lib)
        with io.open(target, 'w', encoding='ascii') as handle:
            handle.write(PTH_LINE)

    def get_outputs(self, include_bytecode=1):
        return build_py.get_outputs(self, include_bytecode) + [
            os.path.join(self.build_lib, PTH_NAME)]


def read(*parts):
    with io.open(os.path.join(HERE, *parts), encoding='utf-8') as handle:
        return handle.read()


def hook_constant(name):
    """A constant of _mangrove_boto_hook.py, read from its source (an
    installed copy of the module may be loaded already, by its own .pth)."""
    match = re.search(r'^%s = (\(.*?\)|.*?)$' % name,
                      read('_mangrove_boto_hook.py'), re.M | re.S)
    return ast.literal_eval(match.group(1))


# The start-up hook: site-packages/mangrove_boto_hook.pth, whose line
# _mangrove_boto_hook.py keeps (README: "The start-up hook").
PTH_NAME = hook_constant('PTH_NAME')
PTH_LINE = hook_constant('PTH_LINE')

# The version lives in one place: mangrove/__init__.py.
VERSION = re.search(r"^__version__ = '([^']+)'",
                    read('mangrove', '__init__.py'), re.M).group(1)

setup(
    name='boto-mangrove',
    version=VERSION,
    description='Connection pools for classic boto: one connection per AWS '
                'region, several services at once, every region in one call',
    long_description=read('README.rst'),
    long_description_content_type='text/x-rst',
    license='MIT',
    keywords='aws boto connection pool region multi-region',
    packages=find_packages(exclude=['tests', 'tests.*', 'benchmarks']),
    py_modules=['_mangrove_boto_hook'],
    cmdclass={'build_py': build_py_with_pth},
    # py.typed and the stubs: type information for the public API (PEP 561).
    package_data={'mangrove': ['data/*.json', 'py.typed', '*.pyi',
                               '*/*.pyi']},
    include_package_data=True,
    zip_safe=False,
    python_requires=('>=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*, '
                     '!=3.5.*'),
    install_requires=[
        'boto>=2.49.0',
        'six>=1.10',
        'futures>=3.0; python_version < "3"',
    ],
    extras_require={
        # The demo starts a local AWS emulator; it needs Python 3.7+.
        'demo': ['moto[server]==4.2.14; python_version >= "3.7"'],
        # Pools of boto3 clients (mangrove.pool.client); boto3 needs 3.9+.
        'boto3': ['boto3>=1.28; python_version >= "3.9"'],
        # Fan-outs on loky's processes or a dask cluster (map's executor=).
        'loky': ['loky>=3.0; python_version >= "3.6"'],
        'dask': ['distributed>=2021.3.0; python_version >= "3.6"',
                 # The command lines of distributed 2021.3 and 2022.2 (the
                 # last for 3.6 and 3.7) need click 7 and 8.0.
                 'click<8; python_version < "3.7"',
                 'click<8.1; python_version == "3.7"'],
        # botocove, boto3's fan-out over an organization's accounts, side by
        # side with an account pool (tests/accounts/test_accounts_botocove.py,
        # benchmarks/accounts.py); it needs Python 3.8+.
        'botocove': ['botocove==1.7.4; python_version >= "3.8"'],
    },
    entry_points={'console_scripts': ['mangrove = mangrove.cli:main']},
    classifiers=[
        'Development Status :: 5 - Production/Stable',
        'Intended Audience :: Developers',
        'License :: OSI Approved :: MIT License',
        'Operating System :: OS Independent',
        'Programming Language :: Python',
        'Programming Language :: Python :: 2',
        'Programming Language :: Python :: 2.7',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.6',
        'Programming Language :: Python :: 3.7',
        'Programming Language :: Python :: 3.8',
        'Programming Language :: Python :: 3.9',
        'Programming Language :: Python :: 3.10',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
        'Programming Language :: Python :: 3.13',
        'Topic :: Internet',
        'Topic :: System :: Distributed Computing',
    ],
)
