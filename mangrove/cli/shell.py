# -*- coding: utf-8 -*-
"""``mangrove shell``: a Python console with a connected pool per service."""
from __future__ import absolute_import

import code
import collections
import sys

import six

import mangrove
from mangrove.cli.arguments import split_names
from mangrove.cli.connect import connected_pool
from mangrove.cli.terminal import isatty, write
from mangrove.registry import get_service

__all__ = ['DEFAULT_SERVICES', 'shell']

#: The services ``mangrove shell`` builds pools for when given none.
DEFAULT_SERVICES = ('ec2', 's3', 'sqs')

# A first thing to try in the shell, for the services most people start with.
_EXAMPLE_CALLS = (('ec2', 'get_all_instances'), ('s3', 'get_all_buckets'),
                  ('sqs', 'get_all_queues'))


def _banner(pools):
    lines = ['mangrove %s shell (Python %s); names defined:' % (
        mangrove.__version__, sys.version.split()[0])]
    width = max(len(name) for name in list(pools) + ['mangrove'])
    for name, pool in pools.items():
        lines.append('  %s  %r' % (name.ljust(width), pool))
    lines.append('  %s  the mangrove package' % 'mangrove'.ljust(width))
    first = list(pools)[0]
    for name, method in _EXAMPLE_CALLS:
        if name in pools:
            lines.append("Try: %s.call('%s'), %s.regions.<TAB>, help(%s)"
                         % (name, method, name, name))
            break
    else:
        lines.append('Try: %s.regions.<TAB>, help(%s)' % (first, first))
    return '\n'.join(lines)


class _Console(code.InteractiveConsole):
    """The standard console; with a pipe for stdin, it reads lines with no
    prompt (prompts would land in the output) and stops at end of input."""

    def __init__(self, namespace, interactive):
        code.InteractiveConsole.__init__(self, namespace)
        self.interactive = interactive

    def raw_input(self, prompt=''):
        if self.interactive:
            return six.moves.input(prompt)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip('\r\n')


def shell(args):
    """``mangrove shell``: a console (IPython when installed and stdin is a
    terminal) with one connected pool per service under its name."""
    names = split_names(args.services) or list(DEFAULT_SERVICES)
    regions = split_names(args.regions)
    pools = collections.OrderedDict()
    for name in names:
        spec = get_service(name)
        if spec.name not in pools:
            pools[spec.name] = connected_pool(spec.name, regions,
                                              args.partition,
                                              args.endpoint_url)
    namespace = {'mangrove': mangrove, '__name__': '__console__',
                 '__doc__': None}
    namespace.update(pools)
    banner = _banner(pools)
    interactive = isatty(sys.stdin)
    if interactive and not args.plain:
        try:
            import IPython
        except ImportError:
            IPython = None
        if IPython is not None:
            write(sys.stdout, banner + '\n')
            IPython.start_ipython(argv=[], user_ns=namespace)
            return 0
    if interactive:
        _enable_completion(namespace)
    console = _Console(namespace, interactive)
    if six.PY2:
        console.interact(banner)
    else:
        console.interact(banner, exitmsg='')
    return 0


def _enable_completion(namespace):
    try:
        import readline
        import rlcompleter
    except ImportError:
        return
    readline.set_completer(rlcompleter.Completer(namespace).complete)
    readline.parse_and_bind('tab: complete')
