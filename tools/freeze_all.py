"""Write ``tests/data/old_all.json``: every module of the mangrove package
and the public names it offers, so that ``tests/test_layout.py`` can check
that each name still resolves at its old path after modules move.

A module's names are its ``__all__``; a module without one offers the
names its source defines at top level (functions, classes, assignments)
that do not start with ``_``. ``mangrove.__main__`` is left out: importing
it runs the command line.

Run it from the repository root, with the tree whose names are to be kept::

    python tools/freeze_all.py            # tests/data/old_all.json
    python tools/freeze_all.py --out PATH
"""
from __future__ import absolute_import, print_function

import argparse
import ast
import importlib
import io
import json
import os
import pkgutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, 'tests', 'data', 'old_all.json')
SKIPPED = ('mangrove.__main__',)


def module_names(package):
    """Every module of ``package``, itself included, sorted."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__,
                                      package.__name__ + '.'):
        names.append(info[1])
    return sorted(name for name in names if name not in SKIPPED)


def _top_level(body):
    """The statements of ``body``, and those of the ``if``, ``try`` and
    ``with`` blocks in it (not of functions or classes)."""
    for node in body:
        yield node
        for field in ('body', 'orelse', 'finalbody', 'handlers'):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and not isinstance(
                    node, (ast.FunctionDef, ast.ClassDef)) and \
                    type(node).__name__ != 'AsyncFunctionDef':
                for child in _top_level(inner):
                    yield child


def defined_names(path):
    """Public names the source at ``path`` binds at its top level."""
    with io.open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    names = set()
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) or \
                type(node).__name__ == 'AsyncFunctionDef':
            names.add(node.name)
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif type(node).__name__ == 'AnnAssign':
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    names.add(leaf.id)
    return sorted(name for name in names if not name.startswith('_'))


def public_names(module):
    if hasattr(module, '__all__'):
        return sorted(set(module.__all__))
    return defined_names(module.__file__)


def freeze():
    sys.path.insert(0, ROOT)
    import mangrove
    frozen = {}
    for name in module_names(mangrove):
        frozen[name] = public_names(importlib.import_module(name))
    return frozen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    frozen = freeze()
    text = json.dumps(frozen, indent=1, sort_keys=True,
                      separators=(',', ': '))
    with io.open(args.out, 'w', encoding='utf-8') as handle:
        handle.write(u'%s\n' % text)
    print('wrote %d modules, %d names to %s' % (
        len(frozen), sum(len(names) for names in frozen.values()),
        os.path.relpath(args.out, ROOT)))


if __name__ == '__main__':
    main()
