# -*- coding: utf-8 -*-
"""The shape of the mangrove package, read from its source: how many
modules sit at the package root, how long each module is, which mangrove
modules are imported inside functions, and how many import circles there
are. And every public name of every 1.1.0 module still resolves at its old
path (``tests/data/old_all.json``, written by ``tools/freeze_all.py``).

A ratchet: each bound below is today's figure, and every step of the
restructuring (issue 23) may only lower it, towards the goal noted beside
it. A module that grows past its allowance, a new import inside a
function or a new circle fails here, naming the module, import or circle.

The source read is that of the mangrove the tests import
(``mangrove.__file__``). Lines are counted as ``wc -l`` does, ``.py``
files only (stubs are not counted against a module's length). Imports are
read with :mod:`ast`, those inside functions included; an import inside
the ``__getattr__`` of an ``__init__.py`` (a package's documented lazy
loads) is not counted as a function-level import. Stubs are read on
Python 3 only.
"""
from __future__ import absolute_import

import ast
import importlib
import io
import json
import os
import sys

import pytest

import mangrove

pytestmark = pytest.mark.no_server

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(os.path.abspath(mangrove.__file__))

# -- bounds: today's figures; tighten them, never loosen ---------------------

#: ``.py`` modules directly in ``mangrove/`` (goal: 15).
MAX_ROOT_MODULES = 14

#: Lines of any ``.py`` module not named in :data:`LONG_MODULES` (goal: 450,
#: for every module).
MAX_MODULE_LINES = 450

#: Today's modules over :data:`MAX_MODULE_LINES`, each at its length today
#: (goal: none).
LONG_MODULES = {
    'mangrove/classic/backend.py': 573,
    'mangrove/throttling.py': 537,
    'mangrove/credentials.py': 517,
    'mangrove/testing/server.py': 507,
    'mangrove/exceptions.py': 482,
}

#: Imports of mangrove modules inside functions (goal: 0; lazy loads in
#: an ``__init__.py`` ``__getattr__`` are not counted).
MAX_FUNCTION_IMPORTS = 10

#: Import circles (strongly connected groups of modules): runtime (``.py``
#: imports, function-level ones included), type (a module's ``.pyi`` where
#: it has one, else its ``.py``), and both together (goal: 0 each).
MAX_RUNTIME_CIRCLES = 0
MAX_TYPE_CIRCLES = 1
MAX_MERGED_CIRCLES = 2

_FUNCTIONS = (ast.FunctionDef,
              getattr(ast, 'AsyncFunctionDef', ast.FunctionDef), ast.Lambda)


# -- reading the source -------------------------------------------------------

def source_files(suffix):
    """``{module name: path}`` of every ``suffix`` file of the package."""
    files = {}
    parent = os.path.dirname(PACKAGE_DIR)
    for folder, dirs, names in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in sorted(names):
            if not name.endswith(suffix):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, parent)[:-len(suffix)].split(
                os.sep)
            if parts[-1] == '__init__':
                parts.pop()
            files['.'.join(parts)] = path
    return files


def relative(path):
    return os.path.relpath(path, os.path.dirname(PACKAGE_DIR)).replace(
        os.sep, '/')


def count_lines(path):
    """Lines as ``wc -l`` counts them."""
    with open(path, 'rb') as handle:
        return handle.read().count(b'\n')


def _parse(path):
    # Bytes: Python 2 refuses text that has an encoding declaration.
    with open(path, 'rb') as handle:
        return ast.parse(handle.read(), path)


def _package_of(module, path):
    if os.path.basename(path).startswith('__init__.'):
        return module
    return module.rpartition('.')[0]


def imports_of(module, path, modules):
    """``(target module, line, inside a function, in a lazy
    __getattr__)`` for every mangrove import in the source at ``path``.

    ``from mangrove.x import y`` names module ``mangrove.x.y`` when that is
    a module, else ``mangrove.x``.
    """
    found = []
    package = _package_of(module, path)

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, _FUNCTIONS):
                inner = getattr(child, 'name', '<lambda>') \
                    if function is None else function
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _targets(child, package, modules):
                    found.append((target, child.lineno, inner is not None,
                                  inner == '__getattr__' and
                                  os.path.basename(path) in (
                                      '__init__.py', '__init__.pyi')))
            visit(child, inner)

    visit(_parse(path), None)
    return found


def _targets(node, package, modules):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names
                if alias.name.split('.')[0] == 'mangrove']
    if node.level:
        base = package.split('.')
        if node.level > 1:
            base = base[:-(node.level - 1)]
        base = '.'.join(base + ([node.module] if node.module else []))
    else:
        base = node.module or ''
    if base.split('.')[0] != 'mangrove':
        return []
    targets = []
    for alias in node.names:
        candidate = '%s.%s' % (base, alias.name)
        targets.append(candidate if candidate in modules else base)
    return targets


def import_graph(files, modules, with_functions=True):
    """``{module: set of modules it imports}``, mangrove modules only."""
    graph = {}
    for module, path in files.items():
        graph[module] = set(
            target for target, _, in_function, lazy
            in imports_of(module, path, modules)
            if target in modules and target != module and not lazy and
            (with_functions or not in_function))
    return graph


def circles(graph):
    """The strongly connected groups of more than one module, each sorted,
    largest first (Tarjan's algorithm, iterative)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = counter[0]
                    counter[0] += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups, key=lambda group: (-len(group), group))


def one_cycle(graph, group):
    """A path through ``group`` back to its first module, to show."""
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return group


def describe_circles(graph, groups):
    return '\n'.join('  %d modules: %s\n    e.g. %s' % (
        len(group), ', '.join(group), ' -> '.join(one_cycle(graph, group)))
        for group in groups)


# -- the graphs ---------------------------------------------------------------

PY = source_files('.py')
PYI = source_files('.pyi')
MODULES = set(PY)


def runtime_graph():
    return import_graph(PY, MODULES)


def type_graph():
    files = dict(PY)
    files.update(PYI)
    return import_graph(files, MODULES)


def merged_graph():
    graph = runtime_graph()
    for module, targets in import_graph(PYI, MODULES).items():
        graph.setdefault(module, set()).update(targets)
    return graph


# -- the ratchet --------------------------------------------------------------

def test_modules_at_the_package_root():
    root = sorted(relative(path) for path in PY.values()
                  if os.path.dirname(path) == PACKAGE_DIR)

    assert len(root) <= MAX_ROOT_MODULES, (
        '%d modules at the root of mangrove/, at most %d allowed:\n  %s'
        % (len(root), MAX_ROOT_MODULES, '\n  '.join(root)))


def test_module_lengths():
    too_long = []
    for path in sorted(PY.values()):
        name = relative(path)
        allowed = LONG_MODULES.get(name, MAX_MODULE_LINES)
        lines = count_lines(path)
        if lines > allowed:
            too_long.append('%s: %d lines, at most %d' % (name, lines,
                                                          allowed))

    assert not too_long, 'modules over their length:\n  ' + \
        '\n  '.join(too_long)


def test_long_modules_list_only_long_modules():
    # A module cut below the general bound leaves the list: the bound
    # then holds it there.
    stale = sorted(name for name in LONG_MODULES
                   if name.replace('/', os.sep) not in [
                       relative(path).replace('/', os.sep)
                       for path in PY.values()] or
                   count_lines(os.path.join(os.path.dirname(PACKAGE_DIR),
                                            name)) <= MAX_MODULE_LINES)

    assert not stale, 'no longer over %d lines (drop them from ' \
        'LONG_MODULES): %s' % (MAX_MODULE_LINES, ', '.join(stale))


def function_level_imports():
    """``'path:line imports a, b'``, one per import statement."""
    found = {}
    for module, path in sorted(PY.items()):
        for target, line, in_function, lazy in imports_of(module, path,
                                                          MODULES):
            if in_function and not lazy:
                targets = found.setdefault((relative(path), line), [])
                if target not in targets:
                    targets.append(target)
    return ['%s:%d imports %s' % (path, line, ', '.join(targets))
            for (path, line), targets in sorted(found.items())]


def test_imports_inside_functions():
    found = function_level_imports()

    assert len(found) <= MAX_FUNCTION_IMPORTS, (
        '%d imports of mangrove modules inside functions, at most %d:\n  %s'
        % (len(found), MAX_FUNCTION_IMPORTS, '\n  '.join(found)))


# Stubs are Python 3 syntax, which Python 2's ast cannot read.
STUBS_READABLE = pytest.mark.skipif(
    sys.version_info < (3,), reason='stubs are Python 3 syntax')


@pytest.mark.parametrize('view,graph,bound', [
    ('runtime', runtime_graph, MAX_RUNTIME_CIRCLES),
    pytest.param('type', type_graph, MAX_TYPE_CIRCLES, marks=STUBS_READABLE),
    pytest.param('merged', merged_graph, MAX_MERGED_CIRCLES,
                 marks=STUBS_READABLE),
])
def test_import_circles(view, graph, bound):
    edges = graph()
    groups = circles(edges)

    assert len(groups) <= bound, (
        '%d import circles in the %s graph, at most %d:\n%s'
        % (len(groups), view, bound, describe_circles(edges, groups)))


def test_the_circle_finder_finds_circles():
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}, 'e': {'e'}}

    assert circles(graph) == [['a', 'b', 'c']]
    assert one_cycle(graph, ['a', 'b', 'c']) == ['a', 'b', 'c', 'a']


# -- old names ----------------------------------------------------------------

def _old_names():
    with io.open(os.path.join(HERE, 'data', 'old_all.json'),
                 encoding='utf-8') as handle:
        return json.load(handle)


OLD_NAMES = _old_names()


@pytest.mark.parametrize('module', sorted(OLD_NAMES))
def test_every_old_public_name_resolves(module):
    import warnings
    with warnings.catch_warnings():
        # A moved path warns (test_a_moved_path_is_its_new_module_...).
        warnings.simplefilter('ignore', DeprecationWarning)
        loaded = importlib.import_module(module)

    missing = [name for name in OLD_NAMES[module]
               if not hasattr(loaded, name)]

    assert not missing, '%s no longer has: %s' % (module, ', '.join(missing))


# -- module paths that moved in 2.0 -------------------------------------------

def _moved():
    from mangrove._compat import MOVED
    return sorted(MOVED.items())


@pytest.mark.parametrize('old,new', _moved())
def test_a_moved_path_is_its_new_module_with_a_warning(old, new):
    import warnings
    saved = sys.modules.pop(old, None)
    # Python 2 remembers a warning it ignored (each module's
    # __warningregistry__) and then ignores 'always': forget them, so that
    # an earlier import of this path with the warning off cannot hide it.
    for module in list(sys.modules.values()):
        registry = getattr(module, '__warningregistry__', None)
        if isinstance(registry, dict):
            registry.clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            loaded = importlib.import_module(old)
        assert loaded is importlib.import_module(new)
        assert loaded.__name__ == new
        assert sys.modules[old] is loaded
        messages = [str(w.message) for w in caught
                    if issubclass(w.category, DeprecationWarning)]
        assert messages == ['%s moved to %s; the old path goes in 2.1'
                            % (old, new)]
    finally:
        sys.modules.pop(old, None)
        if saved is not None:
            sys.modules[old] = saved


def test_the_moved_paths_finder_answers_for_them_alone():
    from mangrove import _compat
    finder = [f for f in sys.meta_path
              if isinstance(f, _compat._MovedModules)]
    assert len(finder) == 1
    _compat.install_moved_modules()
    assert len([f for f in sys.meta_path
                if isinstance(f, _compat._MovedModules)]) == 1
    for name in ('mangrove.pool', 'mangrove.services', 'boto', 'os',
                 'mangrove.nosuchmodule'):
        assert finder[0].find_module(name) is None
        if hasattr(finder[0], 'find_spec'):
            assert finder[0].find_spec(name) is None
    with pytest.raises(ImportError):
        importlib.import_module('mangrove.nosuchmodule')


def test_no_moved_path_is_a_real_module_too():
    # An old path that is also a file would be imported from the file,
    # never from its new home: the move left none behind.
    for old, _ in _moved():
        path = os.path.join(os.path.dirname(PACKAGE_DIR),
                            *old.split('.')) + '.py'
        assert not os.path.exists(path), path


# -- what each wing may import ------------------------------------------------

#: The wings each part of the package may import (ARCHITECTURE.rst). The
#: core is the root's modules; the faces (``mangrove``, ``mangrove.services``,
#: ``mangrove.__main__``) may import anything, as the command line may.
MAY_IMPORT = {
    'core': set(['core']),
    'boto_repairs': set(['core']),
    'fanout': set(['core']),
    'classic': set(['core', 'boto_repairs']),
    'clients': set(['core']),
    'pool': set(['core', 'fanout', 'classic', 'clients']),
    'accounts': set(['core', 'fanout', 'classic', 'clients', 'pool']),
    # its moto_pool fixture hands out the Ec2Pool helper, loaded when used
    'testing': set(['core', 'face']),
}

#: Imports that break the rule today, each until its module is split
#: (goal: none): throttling holds both the retry policy (a fan-out's) and the
#: governed send (classic boto's); credentials holds the credential signer
#: that classic boto's connections are given.
RULE_EXCEPTIONS = set([
    ('mangrove.throttling', 'mangrove.classic.tokens'),
    ('mangrove.throttling', 'mangrove.classic.transport'),
    ('mangrove.throttling', 'mangrove.fanout.context'),
    ('mangrove.credentials', 'mangrove.classic.transport'),
])

_WINGS = ('pool', 'fanout', 'accounts', 'classic', 'clients', 'cli',
          'testing', 'boto_repairs')
_FACES = ('mangrove', 'mangrove.services', 'mangrove.__main__')


def wing_of(module):
    if module in _FACES:
        return 'face'
    parts = module.split('.')
    if len(parts) >= 2 and parts[1] in _WINGS:
        return parts[1]
    return 'core'


def test_each_wing_imports_only_what_it_may():
    graph = runtime_graph()
    broken = []
    for module, targets in sorted(graph.items()):
        allowed = MAY_IMPORT.get(wing_of(module))
        if allowed is None:
            continue
        for target in sorted(targets):
            wing = wing_of(target)
            if wing == wing_of(module) or wing in allowed:
                continue
            if (module, target) not in RULE_EXCEPTIONS:
                broken.append('%s (%s) imports %s (%s)' % (
                    module, wing_of(module), target, wing))
    assert not broken, 'imports across the wings\' rules:\n  ' + \
        '\n  '.join(broken)


def test_the_rules_exceptions_are_still_needed():
    graph = runtime_graph()
    stale = [pair for pair in sorted(RULE_EXCEPTIONS)
             if pair[1] not in graph.get(pair[0], ())]
    assert not stale, 'drop from RULE_EXCEPTIONS: %s' % stale
