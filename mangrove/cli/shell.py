# -*- coding: utf-8 -*-
"""``mangrove shell``: a Python console with a connected pool per service."""
from __future__ import absolute_import

import code
import collections
import sys
import threading
import time

import six

import mangrove
from mangrove import backends
from mangrove._compat import interact
from mangrove.cli.arguments import region_names, split_names
from mangrove.cli.connect import connected_pool
from mangrove.cli.errors import message
from mangrove.cli.terminal import isatty, write
from mangrove.exceptions import MangroveError

__all__ = ['DEFAULT_SERVICES', 'shell']

#: The services ``mangrove shell`` builds pools for when given none.
DEFAULT_SERVICES = ('ec2', 's3', 'sqs')

#: The name prefix of a fan-out's worker threads (mangrove.fanout).
FANOUT_THREAD_PREFIX = 'mangrove-fanout_'

# How long leaving the shell waits for fan-out threads about to end.
_GRACE = 0.5

_now = getattr(time, 'monotonic', time.time)

# A first thing to try in the shell, for the services most people start with.
_EXAMPLE_CALLS = (('ec2', 'get_all_instances'), ('s3', 'get_all_buckets'),
                  ('sqs', 'get_all_queues'))
_CLIENT_EXAMPLE_CALLS = (('ec2', 'describe_instances'),
                         ('s3', 'list_buckets'), ('sqs', 'list_queues'))


def _banner(pools, backend=None):
    lines = ['mangrove %s shell (Python %s); names defined:' % (
        mangrove.__version__, sys.version.split()[0])]
    width = max(len(name) for name in list(pools) + ['mangrove'])
    for name, pool in pools.items():
        lines.append('  %s  %r' % (name.ljust(width), pool))
    lines.append('  %s  the mangrove package' % 'mangrove'.ljust(width))
    first = list(pools)[0]
    examples = _CLIENT_EXAMPLE_CALLS if backend is not None and \
        backend.name == 'boto3' else _EXAMPLE_CALLS
    for name, method in examples:
        if name in pools:
            lines.append("Try: %s.call('%s'), %s.regions.<TAB>, help(%s)"
                         % (name, method, name, name))
            break
    else:
        lines.append('Try: %s.regions.<TAB>, help(%s)' % (first, first))
    return '\n'.join(lines)


class _Console(code.InteractiveConsole):
    """The standard console; with a pipe for stdin, it reads lines with no
    prompt (prompts would land in the output) and stops at end of input.

    :ivar failed: whether a statement raised (a script's exit status).
    """

    def __init__(self, namespace, interactive):
        code.InteractiveConsole.__init__(self, namespace)
        self.interactive = interactive
        self.failed = False

    def raw_input(self, prompt=''):
        if self.interactive:
            return six.moves.input(prompt)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip('\r\n')

    def showsyntaxerror(self, *args, **kwargs):
        self.failed = True
        code.InteractiveConsole.showsyntaxerror(self, *args, **kwargs)

    def showtraceback(self, *args, **kwargs):
        self.failed = True
        error = sys.exc_info()[1]
        if isinstance(error, MangroveError):
            # mangrove's errors say what was wrong and what would do; the
            # frames inside mangrove (and a chained KeyError) would only
            # push that message up the screen.
            self.write(_error_line(error))
            return
        if isinstance(error, KeyboardInterrupt):
            # Where Ctrl-C struck (a lock inside concurrent.futures) is of
            # no interest; what is left running is.
            running = len(_fanout_threads())
            self.write('KeyboardInterrupt\n')
            if running:
                self.write('mangrove: %s still running a call in the '
                           'background; %s will be dropped\n'
                           % (_regions(running), 'its result' if running == 1
                              else 'their results'))
            return
        code.InteractiveConsole.showtraceback(self, *args, **kwargs)


def shell(args):
    """``mangrove shell``: a console (IPython when installed and stdin is a
    terminal) with one connected pool per service under its name.

    :returns: the exit status: 0, or 1 when a statement read from a pipe
        failed (or the status given to ``exit()``).
    """
    names = split_names(args.services) or list(DEFAULT_SERVICES)
    regions = region_names(args.regions)
    backend = backends.named(args.backend)
    pools = collections.OrderedDict()
    for name in names:
        spec = backend.service(name)
        attr = spec.name.replace('-', '_')
        if attr not in pools:
            pools[attr] = connected_pool(spec.name, regions, args.partition,
                                         args.endpoint_url, backend)
    namespace = {'mangrove': mangrove, '__name__': '__console__',
                 '__doc__': None}
    namespace.update(pools)
    banner = _banner(pools, backend)
    interactive = isatty(sys.stdin)
    try:
        status = _interact(namespace, banner, interactive, args.plain)
    except SystemExit as exc:
        status = _exit_status(exc.code)
    finally:
        args.abandoned = _say_still_running()
    return status


def _interact(namespace, banner, interactive, plain):
    if interactive and not plain:
        try:
            from IPython.terminal.ipapp import TerminalIPythonApp
        except ImportError:
            TerminalIPythonApp = None
        if TerminalIPythonApp is not None:
            write(sys.stdout, banner + '\n')
            # IPython.start_ipython() with one step more: mangrove's errors
            # as their message, as in the plain console.
            app = TerminalIPythonApp.instance(user_ns=namespace)
            app.initialize(argv=[])
            app.shell.set_custom_exc((MangroveError,), _ipython_error)
            app.start()
            return 0
    if interactive:
        _enable_completion(namespace)
    console = _Console(namespace, interactive)
    interact(console, banner)
    return 1 if console.failed and not interactive else 0


def _ipython_error(shell, etype, value, tb, tb_offset=None):
    write(sys.stderr, _error_line(value))


def _error_line(error):
    # Its message, with a suggestion rather than a catalog-long list of
    # valid names when it has one (as the command's own errors).
    return '%s: %s\n' % (type(error).__name__, message(error))


def _exit_status(value):
    """The exit status ``exit(value)`` asks for, as sys.exit reads it."""
    if value is None:
        return 0
    if isinstance(value, six.integer_types):
        return value
    write(sys.stderr, '%s\n' % (value,))
    return 1


def _say_still_running():
    """Say how many regions are still stuck in a call, if any.

    A fan-out given up on (a ``timeout``, Ctrl-C) leaves each region still
    in its boto call running on its thread, and Python would wait for
    those threads at exit, for as long as the calls take: leaving the
    shell must not.

    :returns: whether some are, and the process should not wait for them.
    :rtype: bool
    """
    deadline = _now() + _GRACE
    running = []
    for thread in _fanout_threads():
        # A worker that has just finished needs a moment to end.
        thread.join(max(0.0, deadline - _now()))
        if thread.is_alive():
            running.append(thread)
    if running:
        write(sys.stderr, 'mangrove: %s still running a call; leaving '
                          'without waiting\n' % _regions(len(running)))
    return bool(running)


def _fanout_threads():
    # Each worker thread of a fan-out that is still alive after the
    # fan-out returned is one region stuck in its call.
    return [t for t in threading.enumerate()
            if t.name.startswith(FANOUT_THREAD_PREFIX) and t.is_alive()]


def _regions(count):
    return '%d region%s' % (count, '' if count == 1 else 's')


def _enable_completion(namespace):
    try:
        import readline
        import rlcompleter
    except ImportError:
        return
    readline.set_completer(rlcompleter.Completer(namespace).complete)
    readline.parse_and_bind('tab: complete')
