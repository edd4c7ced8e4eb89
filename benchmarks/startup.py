# -*- coding: utf-8 -*-
"""
What the start-up hook (``mangrove_boto_hook.pth``) costs an interpreter
that never imports boto, measured side by side; with ``--imports``, what
importing mangrove costs against importing boto.

    python benchmarks/startup.py [--rounds N]
    python benchmarks/startup.py --imports [--runs N]

Run it with a Python where boto-mangrove is installed (or from the source
tree: the hook module and the .pth line are taken from there). Each round
starts fresh interpreters with ``-S`` (no site-packages) that then process
one site directory with :func:`site.addsitedir`, as :mod:`site` does at
start-up: one holding the .pth file and its hook module, one with another
(empty) .pth file, one with none. Rounds alternate them, so a busy machine
slows all alike; medians are reported. Prints:

- processing the site directory, timed inside the interpreter: the hook's
  cost at start-up (goal: under 1 ms), against no .pth file at all and
  against another .pth file (most environments have one, such as
  virtualenv's ``_virtualenv.pth``; on 3.13 the first .pth file read
  imports a codec);
- the whole interpreter's run, start to exit, timed from outside;
- what the registered hook adds to each later import (one ``find_spec``
  call that declines).

``--imports`` times whole fresh interpreters (this one, with the
environment it was given: set ``PYTHONPATH`` to measure a source tree) that
each run one import, alternating A and B so that a busy machine slows both
alike, and prints the medians, the median of the A/B ratios of each pair,
and how many mangrove modules (and modules in all) each import loads:

- ``import mangrove.services`` against ``import boto.ec2`` with the
  start-up hook on, which is what users get: the hook imports mangrove's
  boto repairs, and with them ``mangrove`` itself (goal: 0.5x or less);
- the same against ``import boto.ec2`` with the hook off
  (``MANGROVE_BOTO_HOOK=0``): boto alone, where boto imports without its
  repairs (up to Python 3.11);
- ``import mangrove`` against the bare interpreter.

Measure an installed, byte-compiled tree (pip compiles what it installs;
for a source tree run ``python -m compileall -q mangrove`` with the same
interpreter first): without bytecode, every run compiles mangrove again
and the ratios mean nothing. The script warns when bytecode is missing.
"""
from __future__ import print_function

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import median  # noqa: E402

#: The start-up hook's switch (``_mangrove_boto_hook.ENVIRONMENT_VARIABLE``).
HOOK_VARIABLE = 'MANGROVE_BOTO_HOOK'

# What a child reports after its import: mangrove modules, all modules.
_COUNT = ("import sys; sys.stdout.write('%d %d\\n' % (sum(1 for n in "
          "list(sys.modules) if n == 'mangrove' or "
          "n.startswith('mangrove.')), len(sys.modules)))")

# Where a child finds mangrove, and whether its modules are compiled.
_WHERE = ('import os, sys, mangrove; sys.stdout.write(os.path.dirname('
          'os.path.abspath(mangrove.__file__)))')


# sys.path[0] (the working directory, for -c) is not there yet when site
# processes site-packages at start-up.
_CHILD = '''
import site, sys, time
del sys.path[0]
clock = getattr(time, 'perf_counter', time.time)
started = clock()
site.addsitedir(sys.argv[1])
print(clock() - started)
'''


def hook_module():
    """The installed hook module, else the source tree's."""
    try:
        import _mangrove_boto_hook
    except ImportError:
        sys.path.insert(0, ROOT)
        import _mangrove_boto_hook
    return _mangrove_boto_hook


def run(directory):
    """``(seconds inside, seconds outside)`` of one fresh interpreter that
    processes ``directory`` as a site directory."""
    clock = getattr(timeit, 'default_timer')
    started = clock()
    # From the site directory's parent: with -c the working directory
    # comes first on sys.path, and must not hold another copy of the hook.
    out = subprocess.check_output([sys.executable, '-S', '-c', _CHILD,
                                   directory],
                                  cwd=os.path.dirname(directory))
    outside = clock() - started
    return float(out.decode('ascii').strip()), outside


def _environ(hook=True):
    env = dict(os.environ)
    if hook:
        env.pop(HOOK_VARIABLE, None)
    else:
        env[HOOK_VARIABLE] = '0'
    return env


def _child(code, env):
    """Wall seconds of a fresh interpreter running ``code``."""
    clock = getattr(timeit, 'default_timer')
    with open(os.devnull, 'wb') as devnull:
        started = clock()
        status = subprocess.call([sys.executable, '-c', code], env=env,
                                 stdout=devnull, stderr=devnull)
        elapsed = clock() - started
    if status:
        raise RuntimeError('%r failed (exit %d)' % (code, status))
    return elapsed


def _loads(code, env):
    """``(mangrove modules, modules)`` that ``code`` leaves loaded, or None
    when it fails."""
    try:
        out = subprocess.check_output(
            [sys.executable, '-c', '%s\n%s' % (code, _COUNT)], env=env,
            stderr=subprocess.STDOUT)
    except subprocess.CalledProcessError:
        return None
    mangrove_count, total = out.decode('ascii').split()[-2:]
    return int(mangrove_count), int(total)


def missing_bytecode():
    """mangrove's directory and its ``.py`` files that have no bytecode for
    this interpreter (every run would compile them)."""
    where = subprocess.check_output([sys.executable, '-c', _WHERE],
                                    env=_environ(hook=False))
    package = where.decode(sys.getfilesystemencoding()).strip()
    missing = []
    for folder, _, names in os.walk(package):
        for name in names:
            if not name.endswith('.py'):
                continue
            source = os.path.join(folder, name)
            if sys.version_info[0] >= 3:
                import importlib.util
                compiled = importlib.util.cache_from_source(source)
            else:
                compiled = source + 'c'
            if not os.path.exists(compiled) or \
                    os.path.getmtime(compiled) < os.path.getmtime(source):
                missing.append(os.path.relpath(source, package))
    return package, sorted(missing)


def compare(label_a, code_a, env_a, label_b, code_b, env_b, runs):
    """Time ``code_a`` and ``code_b`` in alternating fresh interpreters and
    print the medians and their ratio."""
    # One of each first, unmeasured: disk caches warm for both.
    _child(code_a, env_a)
    _child(code_b, env_b)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(_child(code_a, env_a))
        times_b.append(_child(code_b, env_b))
    ratios = [a / b for a, b in zip(times_a, times_b)]
    loads_a, loads_b = _loads(code_a, env_a), _loads(code_b, env_b)
    print('%s: %.1f ms, %s' % (label_a, median(times_a) * 1e3,
                               _describe_loads(loads_a)))
    print('%s: %.1f ms, %s' % (label_b, median(times_b) * 1e3,
                               _describe_loads(loads_b)))
    print('  A/B %.2fx (median of %d pairs; medians alone %.2fx)\n' % (
        median(ratios), runs, median(times_a) / median(times_b)))
    return median(ratios)


def _describe_loads(loads):
    if loads is None:
        return 'loads: unknown'
    return '%d mangrove modules, %d modules in all' % loads


def imports_main(args):
    package, missing = missing_bytecode()
    print('Python %s, mangrove from %s, %d runs each, alternating A B, '
          'wall time of whole interpreters\n' % (
              sys.version.split()[0], package, args.runs))
    if missing:
        print('WARNING: %d of mangrove\'s modules have no bytecode for this '
              'interpreter (%s%s): every run compiles them, which makes '
              'mangrove look slower. Measure an installed tree, or run '
              '"%s -m compileall -q %s" first.\n' % (
                  len(missing), ', '.join(missing[:3]),
                  ', ...' if len(missing) > 3 else '',
                  sys.executable, package))
    services = 'import mangrove.services'
    boto = 'import boto.ec2'
    hooked = _loads(boto, _environ())
    if hooked is not None and not hooked[0]:
        print('NOTE: import boto.ec2 loads no mangrove module here: the '
              'start-up hook is not installed for this interpreter (or, on '
              'Python 2, has nothing to repair), so "hook on" is boto '
              'alone.\n')
    compare('A  ' + services, services, _environ(),
            'B  %s, hook on (what users get)' % boto, boto, _environ(),
            args.runs)
    if _loads(boto, _environ(hook=False)) is None:
        print('(boto.ec2 does not import with the hook off on Python %d.%d: '
              'no comparison with boto alone)\n' % sys.version_info[:2])
    else:
        compare('A  ' + services, services, _environ(),
                'B  %s, hook off (%s=0: boto alone)' % (boto, HOOK_VARIABLE),
                boto, _environ(hook=False), args.runs)
    compare('A  import mangrove', 'import mangrove', _environ(),
            'B  bare interpreter', 'pass', _environ(), args.runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[1])
    parser.add_argument('--rounds', type=int, default=200,
                        help='rounds of the hook measurement')
    parser.add_argument('--imports', action='store_true',
                        help='time imports of mangrove against boto instead')
    parser.add_argument('--runs', type=int, default=21,
                        help='pairs of interpreters per --imports comparison '
                        '(default: %(default)s)')
    args = parser.parse_args()
    if args.imports:
        imports_main(args)
        return

    workdir = tempfile.mkdtemp(prefix='mangrove-startup-')
    try:
        with_hook = os.path.join(workdir, 'with')
        other_pth = os.path.join(workdir, 'other')
        without = os.path.join(workdir, 'without')
        for directory in (with_hook, other_pth, without):
            os.mkdir(directory)
        hook = hook_module()
        shutil.copy(hook.__file__.replace('.pyc', '.py'), with_hook)
        with open(os.path.join(with_hook, hook.PTH_NAME), 'w') as handle:
            handle.write(hook.PTH_LINE)
        with open(os.path.join(other_pth, 'other.pth'), 'w') as handle:
            handle.write('# another package\n')
        # pip compiles what it installs; so does this (whatever
        # PYTHONDONTWRITEBYTECODE says), or every start would compile.
        compileall.compile_dir(with_hook, quiet=1)
        timings = {with_hook: [], other_pth: [], without: []}
        for directory in timings:
            run(directory)
        for _ in range(args.rounds):
            for directory in (with_hook, other_pth, without):
                timings[directory].append(run(directory))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    inside = dict((d, median([t[0] for t in v])) for d, v in timings.items())
    outside = dict((d, median([t[1] for t in v])) for d, v in timings.items())

    # The finder the .pth line registers, taken out again at once.
    # (Another one, registered at this interpreter's start, is set aside.)
    saved = list(sys.meta_path)
    sys.meta_path[:] = [f for f in saved
                        if not getattr(f, 'mangrove_boto_hook', False)]
    exec(hook.PTH_LINE, {})
    finders = [f for f in sys.meta_path
               if getattr(f, 'mangrove_boto_hook', False)]
    sys.meta_path[:] = saved
    per_import = None
    if finders:
        per_import = median(timeit.repeat(
            lambda: finders[0].find_spec('json.decoder'), number=100000,
            repeat=5)) / 100000

    print('Python %s, %d rounds, medians'
          % (sys.version.split()[0], args.rounds))
    print('site dir processing: %.0f us with the hook, %.0f us with no '
          '.pth file: +%.0f us (goal under 1000 us)' % (
              inside[with_hook] * 1e6, inside[without] * 1e6,
              (inside[with_hook] - inside[without]) * 1e6))
    print('                     %.0f us with another .pth file instead: '
          '+%.0f us' % (inside[other_pth] * 1e6,
                        (inside[with_hook] - inside[other_pth]) * 1e6))
    print('whole interpreter:   %.2f ms with the hook, %.2f ms with no .pth '
          'file: %+.2f ms' % (
              outside[with_hook] * 1e3, outside[without] * 1e3,
              (outside[with_hook] - outside[without]) * 1e3))
    if per_import is None:
        print('each later import:   +0 ns (no finder on Python 2)')
    else:
        print('each later import:   +%.0f ns (the hook declines a non-boto '
              'name)' % (per_import * 1e9))


if __name__ == '__main__':
    main()
