# -*- coding: utf-8 -*-
"""
The ``mangrove`` command: list services and regions, call one boto method
in every region at once, open a shell with pools ready, run the demo.

::

    mangrove services
    mangrove regions ec2 --partition aws
    mangrove call ec2 get_all_instances --regions us-east-1,eu-west-1
    mangrove call sqs create_queue demo-orders visibility_timeout=60 --json
    mangrove shell --services ec2,sqs
    mangrove demo

Exit status: 0 on success; 1 when a region of ``call`` failed (the others
are still printed), boto could not set up a connection (no credentials)
or the demo failed; 2 for bad usage (an unknown service, method, region or
partition, or arguments the method does not take). Errors that end the
command are one line on stderr, never a traceback.

``call --json`` prints one JSON object keyed by region name (``us-east-1``)
in the pool's region order, each value the method's result as plain data
(:func:`mangrove.cli.plaindata.to_data`). When regions failed, one more key,
``"errors"`` (never a region name), maps each failed region to
``{"error": <exception class>, "message": ..., "status": ..., "code": ...}``
(``status`` and ``code`` when AWS answered with an error). With several
services (``call ec2,autoscale ...``), results and errors alike are keyed
service, then region name (see :mod:`~mangrove.cli.servicelist`).

The package is the only part of mangrove that writes to stdout or stderr:
:mod:`~mangrove.cli.parser` reads the command line,
:mod:`~mangrove.cli.commands` and :mod:`~mangrove.cli.shell` do the work,
:mod:`mangrove.cli.tables` lays out the results. Nothing in it imports boto
until a command needs a connection.
"""
from __future__ import absolute_import

import errno
import sys

from mangrove.cli.arguments import parse_arguments, parse_value
from mangrove.cli.errors import CommandError, UsageError, message
from mangrove.cli.parser import NO_COMMAND, build_parser
from mangrove.cli.terminal import hard_exit, write
from mangrove.exceptions import MangroveError

__all__ = ['main', 'run', 'build_parser', 'parse_value', 'parse_arguments',
           'UsageError', 'CommandError']


def run(argv=None):
    """Run the command with ``argv`` (default ``sys.argv[1:]``).

    :returns: ``(exit status, parsed arguments or None)``
    :rtype: tuple
    """
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError(NO_COMMAND + ' (see mangrove --help)')
        return args.func(args), args
    except UsageError as exc:
        error = message(exc)
    except MangroveError as exc:
        # Raised before any region was asked: the names or values given
        # were wrong. Failures of regions are results, not exceptions.
        error = message(exc)
    except CommandError as exc:
        write(sys.stderr, 'mangrove: error: %s\n' % exc)
        return 1, args
    write(sys.stderr, 'mangrove: error: %s\n' % error)
    return 2, args


def main(argv=None):
    """The console script: run the command and exit with its status.

    :param argv: the arguments (default ``sys.argv[1:]``).
    :type argv: list of str
    """
    try:
        status, args = run(argv)
        sys.stdout.flush()
    except KeyboardInterrupt:
        write(sys.stderr, '\nmangrove: interrupted\n')
        hard_exit(130)
    except IOError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # The reader went away (``mangrove regions ec2 | head -1``).
        hard_exit(1)
    if getattr(args, 'abandoned', False):
        hard_exit(status)
    sys.exit(status)
