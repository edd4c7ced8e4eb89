# -*- coding: utf-8 -*-
"""
What the start-up hook (``mangrove_boto_hook.pth``) costs an interpreter
that never imports boto, measured side by side.

    python benchmarks/startup.py [--rounds N]

Run it with a Python where boto-mangrove is installed (or from the source
tree: the hook module and the .pth line are taken from there). Each round
starts fresh interpreters with ``-S`` (no site-packages) that then process
one site directory with :func:`site.addsitedir`: one holding the .pth file
and its hook module, one empty. Rounds alternate the two, so a busy
machine slows both alike; medians are reported. Prints:

- processing the site directory, timed inside the interpreter: the hook's
  own cost at start-up (goal: under 1 ms);
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

PTH_NAME = 'mangrove_boto_hook.pth'
PTH_LINE = 'import _mangrove_boto_hook; _mangrove_boto_hook.register()\n'

_CHILD = '''
import site, sys, time
clock = getattr(time, 'perf_counter', time.time)
started = clock()
site.addsitedir(sys.argv[1])
print(clock() - started)
'''


def hook_source():
    """The hook module's path: the installed one, else the source tree's."""
    try:
        import _mangrove_boto_hook
    except ImportError:
        return os.path.join(ROOT, '_mangrove_boto_hook.py')
    return _mangrove_boto_hook.__file__.replace('.pyc', '.py')


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
        without = os.path.join(workdir, 'without')
        os.mkdir(with_hook)
        os.mkdir(without)
        shutil.copy(hook_source(), with_hook)
        with open(os.path.join(with_hook, PTH_NAME), 'w') as handle:
            handle.write(PTH_LINE)
        # pip compiles what it installs; so does this (whatever
        # PYTHONDONTWRITEBYTECODE says), or every start would compile.
        compileall.compile_dir(with_hook, quiet=1)
        run(with_hook)
        run(without)
        timings = {with_hook: [], without: []}
        for _ in range(args.rounds):
            for directory in (with_hook, without):
                timings[directory].append(run(directory))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    inside = dict((d, median([t[0] for t in v])) for d, v in timings.items())
    outside = dict((d, median([t[1] for t in v])) for d, v in timings.items())

    sys.path.insert(0, os.path.dirname(hook_source()))
    import _mangrove_boto_hook
    finder = _mangrove_boto_hook.BotoImportHook()
    per_import = median(timeit.repeat(
        lambda: finder.find_spec('json.decoder'), number=100000,
        repeat=5)) / 100000

    print('Python %s, %d rounds, medians'
          % (sys.version.split()[0], args.rounds))
    print('site dir processing: %.0f us with the hook, %.0f us without: '
          '+%.0f us (goal under 1000 us)' % (
              inside[with_hook] * 1e6, inside[without] * 1e6,
              (inside[with_hook] - inside[without]) * 1e6))
    print('whole interpreter:   %.2f ms with the hook, %.2f ms without: '
          '%+.2f ms' % (outside[with_hook] * 1e3, outside[without] * 1e3,
                        (outside[with_hook] - outside[without]) * 1e3))
    print('each later import:   +%.0f ns (the hook declines a non-boto '
          'name)' % (per_import * 1e9))


if __name__ == '__main__':
    main()
