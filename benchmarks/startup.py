# -*- coding: utf-8 -*-
"""
What the start-up hook (``mangrove_boto_hook.pth``) costs an interpreter
that never imports boto, measured side by side.

    python benchmarks/startup.py [--rounds N]

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[1])
    parser.add_argument('--rounds', type=int, default=200)
    args = parser.parse_args()

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
