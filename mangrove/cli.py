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
(boto objects become objects of their public attributes, result sets become
lists, datetimes ISO 8601 strings). When regions failed, one more key,
``"errors"`` (never a region name), maps each failed region to
``{"error": <exception class>, "message": ..., "status": ..., "code": ...}``
(``status`` and ``code`` when AWS answered with an error).

This module is the only part of mangrove that writes to stdout or stderr.
Nothing in it imports boto until a command needs a connection.
"""
from __future__ import absolute_import

import argparse
import code
import collections
import datetime
import difflib
import errno
import inspect
import json
import os
import re
import sys

import six

import mangrove
from mangrove import declaration
from mangrove.backend import boto_backend
from mangrove.catalog import PARTITIONS
from mangrove.exceptions import FanOutTimeoutError, MangroveError
from mangrove.regions import region_name
from mangrove.registry import get_service, service_names

try:
    from collections.abc import Mapping
except ImportError:  # Python 2.7
    from collections import Mapping

__all__ = ['main', 'run', 'build_parser', 'to_data', 'format_value',
           'format_results', 'format_errors', 'error_text', 'parse_value',
           'parse_arguments', 'UsageError', 'CommandError']

#: The services ``mangrove shell`` builds pools for when given none.
DEFAULT_SHELL_SERVICES = ('ec2', 's3', 'sqs')

#: The partition ``call`` and ``shell`` cover when given no ``--regions``:
#: credentials belong to one partition, and the regions of the others
#: would only fail.
DEFAULT_PARTITION = 'aws'

# Attributes worth a column, in the order they are shown, when a result is
# a list of boto objects. Anything else is in ``--json``.
_COLUMNS = ('id', 'name', 'state', 'instance_type', 'placement',
            'ip_address', 'private_ip_address', 'image_id', 'vpc_id',
            'description', 'instances', 'owner_id', 'endpoint', 'url',
            'creation_date', 'launch_time', 'status')
_MAX_COLUMNS = 5
_MAX_CELL = 60
_MAX_DEPTH = 8
_MAX_ERROR_TEXT = 300

_KEYWORD_ARG = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(.*)$', re.S)
# The parenthesised lists of valid names after a "did you mean" are a whole
# catalog long; the suggestion is what a user at a prompt needs.
_VALID_LIST = re.compile(
    r' \((?:valid|known|its) [a-z ]+: [^)]*\)$')


class UsageError(Exception):
    """Bad usage of the command; exit status 2 with one line on stderr."""


class CommandError(Exception):
    """The command could not do its work (boto found no credentials, the
    demo's server did not start); exit status 1 with one line on stderr."""


_NO_COMMAND = ('a command is required: services, regions, call, shell or '
               'demo')


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not usage plus line."""

    def error(self, message):
        if message == 'too few arguments':
            # Python 2's argparse does not say which ones.
            if self.prog == 'mangrove':
                message = _NO_COMMAND
            else:
                message += ': %s' % ' '.join(self.format_usage().split()[1:])
        raise UsageError('%s (see %s --help)' % (message, self.prog))


class _VersionAction(argparse.Action):
    # argparse's own version action prints to stderr on Python 2.7.
    def __init__(self, option_strings, dest=argparse.SUPPRESS,
                 default=argparse.SUPPRESS, help=None):
        super(_VersionAction, self).__init__(
            option_strings=option_strings, dest=dest, default=default,
            nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        _write(sys.stdout, 'mangrove %s\n' % mangrove.__version__)
        parser.exit(0)


# -- plain data ---------------------------------------------------------------


def _is_connection(value):
    connection = sys.modules.get('boto.connection')
    return connection is not None and isinstance(
        value, connection.AWSAuthConnection)


def _public_attributes(value):
    """Names of the public data attributes of an object: its own, plus the
    properties of its class (boto computes ``Instance.state`` that way)."""
    names = set()
    try:
        names.update(vars(value))
    except TypeError:
        pass
    cls = type(value)
    for name in dir(cls):
        if isinstance(getattr(cls, name, None), property):
            names.add(name)
    # boto's XML parser also sets an attribute for every element it does not
    # know (``RunInstancesResponse``, ``ResponseMetadata``); those start
    # with a capital letter, boto's own attributes never do. ``connection``
    # is the owning connection (or None) on every boto object.
    return sorted(n for n in names if not n.startswith('_') and
                  not n[:1].isupper() and n != 'connection')


def to_data(value, _path=None, _depth=0):
    """Convert a boto result to plain data that :mod:`json` can write.

    boto objects become dicts of their public, non-callable attributes,
    recursively; connection objects and references back up to an object
    already being converted are left out (in a list, such a reference
    becomes its ``str()``). Lists,
    tuples and boto result sets become lists, sets sorted lists, mappings
    dicts with string keys, datetimes ISO 8601 strings, and anything else
    its ``str()``.

    :param value: what a boto method returned.
    :rtype: dict, list, str, int, float, bool or None
    """
    if value is None or isinstance(value, (bool, float) + six.integer_types):
        return value
    if isinstance(value, six.string_types):
        return value
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if _is_connection(value):
        return str(value)
    path = _path if _path is not None else set()
    if id(value) in path or _depth >= _MAX_DEPTH:
        return str(value)
    path.add(id(value))
    try:
        if isinstance(value, Mapping):
            return collections.OrderedDict(
                (six.text_type(k), to_data(v, path, _depth + 1))
                for k, v in sorted(value.items(), key=lambda i: str(i[0])))
        if isinstance(value, (list, tuple)):
            return [to_data(v, path, _depth + 1) for v in value]
        if isinstance(value, (set, frozenset)):
            return [to_data(v, path, _depth + 1)
                    for v in sorted(value, key=str)]
        names = _public_attributes(value)
        if not names:
            return str(value)
        data = collections.OrderedDict()
        for name in names:
            try:
                item = getattr(value, name)
            except Exception:
                # A property that cannot be computed for this object is
                # simply not part of its data.
                continue
            # A reference back up the tree (boto's BlockDeviceType keeps its
            # mapping as ``connection``) would only repeat what is shown.
            if callable(item) or _is_connection(item) or id(item) in path:
                continue
            data[name] = to_data(item, path, _depth + 1)
        return data
    finally:
        path.discard(id(value))


# -- tables -------------------------------------------------------------------


def _label(data):
    """A short name for a nested object: its id or name."""
    if isinstance(data, dict):
        for key in ('id', 'name', 'url', 'arn'):
            if data.get(key) not in (None, ''):
                return six.text_type(data[key])
        return ','.join('%s=%s' % (k, _cell(v)) for k, v in data.items())
    if isinstance(data, list):
        return ','.join(_label(v) for v in data)
    if data is None:
        return '-'
    return six.text_type(data)


def _cell(data):
    text = _label(data)
    text = ' '.join(text.split())
    if len(text) > _MAX_CELL:
        text = text[:_MAX_CELL - 3] + '...'
    return text or '-'


def _is_shown(value):
    return value not in (None, '', [], {})


def _columns(rows):
    """The columns of a table of objects: the preferred attributes that
    some row has, else its first few plain ones."""
    present = set()
    for row in rows:
        present.update(k for k, v in row.items() if _is_shown(v))
    present.discard('region')
    columns = [c for c in _COLUMNS if c in present][:_MAX_COLUMNS]
    if len(columns) < 2:
        scalar = sorted(k for k in present if k not in columns and all(
            not isinstance(row.get(k), (dict, list)) for row in rows))
        columns.extend(scalar[:_MAX_COLUMNS - len(columns)])
    return columns


def _table(rows, columns, indent):
    widths = [max([len(c)] + [len(r[i]) for r in rows])
              for i, c in enumerate(columns)]
    lines = []
    for cells in [columns] + rows:
        lines.append(indent + '  '.join(
            cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
    return lines


def format_value(value, indent='  '):
    """Lines showing one region's result readably.

    A list of boto objects (or one object) is a table, one line per object
    with its id or name and a few telling attributes, headed by the
    attribute names; a mapping is ``key  value`` lines; a list of plain
    values one line each; anything else its text.

    :param value: a boto method's result.
    :param indent: put in front of every line.
    :rtype: list of str
    """
    if isinstance(value, Mapping):
        data = to_data(value)
        if not data:
            return [indent + '(empty)']
        width = max(len(k) for k in data)
        return [indent + '%s  %s' % (k.ljust(width), _cell(v))
                for k, v in data.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if not items:
            return [indent + '(none)']
    else:
        data = to_data(value)
        if not isinstance(data, dict):
            return [indent + line for line in
                    six.text_type(data).splitlines() or ['']]
        items = [value]
    datas = [to_data(item) for item in items]
    objects = [d for d in datas if isinstance(d, dict)]
    columns = _columns(objects) if objects else []
    lines = []
    if columns:
        rows = [[_cell(d.get(c)) for c in columns] for d in objects]
        lines.extend(_table(rows, columns, indent))
    for item, data in zip(items, datas):
        if not isinstance(data, dict):
            lines.append(indent + _cell(data))
        elif not columns:
            lines.append(indent + six.text_type(item))
    return lines


def _is_scalar(value):
    return value is None or isinstance(
        value, (bool, float, bytes) + six.integer_types + six.string_types)


def _count_text(value):
    if isinstance(value, (list, tuple)):
        return ': %d result%s' % (len(value), '' if len(value) == 1 else 's')
    return ''


def format_results(results, indent='  '):
    """Lines showing a fan-out's results, region by region.

    Each region that answered has a header line (its name, and how many
    results when it returned a list) followed by :func:`format_value`'s
    lines; a one-line plain result shares its region's line
    (``us-east-1: True``). Failed regions are left to
    :func:`format_errors`.

    :param results: a :class:`~mangrove.fanout.RegionResults` keyed by
        region key (``us_east_1``) or by ``(service, region key)``.
    :rtype: list of str
    """
    lines = []
    for key, value in results.items():
        if _is_scalar(value):
            text = six.text_type(to_data(value))
            if '\n' not in text:
                lines.append('%s: %s' % (_key_text(key), text))
                continue
        lines.append(_key_text(key) + _count_text(value))
        if not (isinstance(value, (list, tuple)) and not value):
            lines.extend(format_value(value, indent))
    return lines


def _key_text(key):
    if isinstance(key, tuple):
        return '%s %s' % (key[0], region_name(key[1]))
    return region_name(key)


def error_text(error):
    """A one-line description of a region's error: its class, then for
    boto's server errors the HTTP status, AWS error code and message, for
    others their message, cut to a readable length.

    :param error: an exception.
    :rtype: str
    """
    text = _error_message(error)
    name = type(error).__name__
    return '%s: %s' % (name, text) if text else name


def _error_message(error):
    status = getattr(error, 'status', None)
    code_ = getattr(error, 'error_code', None)
    message = getattr(error, 'error_message', None) or getattr(
        error, 'reason', None)
    if status is not None and (code_ or message):
        text = '%s %s' % (status, code_ or '')
        if message:
            text = '%s: %s' % (text.strip(), message)
    else:
        text = six.text_type(error)
    text = ' '.join(text.split())
    if len(text) > _MAX_ERROR_TEXT:
        text = text[:_MAX_ERROR_TEXT - 3] + '...'
    return text


def _error_data(error):
    data = collections.OrderedDict([('error', type(error).__name__),
                                    ('message', _error_message(error))])
    for attr, key in (('status', 'status'), ('error_code', 'code')):
        value = getattr(error, attr, None)
        if value is not None:
            data[key] = value
    return data


def format_errors(results):
    """One line per failed region of a fan-out: its name, then its error.

    :param results: a :class:`~mangrove.fanout.RegionResults`.
    :rtype: list of str
    """
    return ['%s: %s' % (_key_text(key), error_text(error))
            for key, error in results.errors.items()]


# -- output -------------------------------------------------------------------


def _write(stream, text):
    if six.PY2 and isinstance(text, six.text_type):
        text = text.encode(getattr(stream, 'encoding', None) or 'utf-8',
                           'replace')
    stream.write(text)


def _print_lines(lines, stream=None):
    stream = stream or sys.stdout
    for line in lines:
        _write(stream, line + u'\n')


class _Progress(object):
    """``\\r12/34 regions answered`` on stderr, when it is a terminal."""

    def __init__(self, total, stream):
        self.total = total
        self.done = 0
        self.stream = stream
        self.shown = stream is not None and _isatty(stream)
        self.width = 0

    def __call__(self, key, result, error):
        self.done += 1
        if self.shown:
            text = '\r%d/%d regions answered' % (self.done, self.total)
            self.width = len(text)
            self.stream.write(text)
            self.stream.flush()

    def clear(self):
        if self.shown and self.width:
            self.stream.write('\r' + ' ' * self.width + '\r')
            self.stream.flush()


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- arguments ----------------------------------------------------------------


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < float('inf'):
        raise argparse.ArgumentTypeError(
            'expected a positive number of seconds, not %r' % text)
    return value


def _split(value):
    if value is None:
        return None
    names = [v.strip() for v in value.split(',') if v.strip()]
    if not names:
        raise UsageError('expected a comma-separated list, got %r' % value)
    return names


def _native(value):
    # json gives unicode on Python 2, where boto builds requests from str.
    if six.PY2 and isinstance(value, six.text_type):
        try:
            return value.encode('ascii')
        except UnicodeEncodeError:
            return value
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return dict((_native(k), _native(v)) for k, v in value.items())
    return value


def parse_value(text):
    """A command-line value: JSON when it parses as JSON (``42``,
    ``true``, ``null``, ``["a", "b"]``, ``{"k": "v"}``, ``"42"``), else the
    text itself.

    :type text: str
    """
    try:
        return _native(json.loads(text))
    except ValueError:
        return text


def parse_arguments(words):
    """Split ``call``'s ARG words into positional and keyword arguments.

    ``name=value`` (``name`` an identifier) is a keyword argument, every
    other word a positional one; values go through :func:`parse_value`.

    :type words: list of str
    :returns: ``(args, kwargs)``
    :rtype: tuple
    """
    args, kwargs = [], {}
    for word in words:
        match = _KEYWORD_ARG.match(word)
        if match:
            if match.group(1) in kwargs:
                raise UsageError('argument %s= given twice' % match.group(1))
            kwargs[str(match.group(1))] = parse_value(match.group(2))
        elif kwargs:
            raise UsageError('positional argument %r after keyword arguments'
                             % word)
        else:
            args.append(parse_value(word))
    return args, kwargs


def _signature_text(name, method):
    try:
        if six.PY2:
            spec = inspect.getargspec(method)
            return name + inspect.formatargspec(spec.args[1:], *spec[1:])
        return name + str(inspect.signature(method))
    except (TypeError, ValueError):
        return name + '(...)'


def _check_call(method, name, args, kwargs):
    try:
        if six.PY2:
            inspect.getcallargs(method, *args, **kwargs)
        else:
            try:
                signature = inspect.signature(method)
            except ValueError:
                return  # nothing to check against (a builtin)
            signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise UsageError('bad arguments for %s: %s; it takes %s'
                         % (name, exc, _signature_text(name, method)))


def _method_of(pool, method_name):
    """The bound method ``method_name`` of the pool's first connection."""
    first = next(iter(pool.regions.values()))
    conn = first.connection
    service = pool.service_name
    cls = type(conn).__name__
    method = None
    if not method_name.startswith('_'):
        method = getattr(conn, method_name, None)
    if method is None:
        names = [n for n in dir(conn)
                 if not n.startswith('_') and callable(getattr(conn, n, None))]
        close = difflib.get_close_matches(method_name, names, n=3)
        hint = ('; did you mean %s?' % ' or '.join(repr(c) for c in close)
                if close else '')
        raise UsageError('unknown method %r of %s (%s)%s'
                         % (method_name, service, cls, hint))
    if not callable(method):
        raise UsageError('%s.%s is not a method of %s' % (cls, method_name,
                                                         service))
    return method


def _message(exc):
    text = ' '.join(six.text_type(exc).split())
    if 'did you mean' in text:
        text = _VALID_LIST.sub('', text)
    return text


# -- pools --------------------------------------------------------------------


def _pool(service, regions=None, partition=None, endpoint_url=None):
    """A connected helper pool of ``service`` (checked names)."""
    from mangrove import services
    spec = get_service(service)
    partition = declaration.parse_partition(partition)
    if regions is None and partition is None:
        partition = DEFAULT_PARTITION
    cls = getattr(services, spec.class_name)
    pool = cls(regions=regions, partition=partition,
               endpoint_url=endpoint_url)
    try:
        return pool.connect()
    except MangroveError:
        raise
    except Exception as exc:
        # boto checks credentials when it builds a connection.
        raise CommandError('cannot connect to %s: %s'
                           % (spec.name, error_text(exc)))


# -- commands -----------------------------------------------------------------


def _cmd_services(args):
    _print_lines(service_names())
    return 0


def _cmd_regions(args):
    spec = get_service(args.service)
    partition = declaration.parse_partition(args.partition)
    _print_lines(boto_backend.regions(spec, partition))
    return 0


class _Call(object):
    """``func(region)`` that calls one boto method."""

    def __init__(self, name, args, kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs

    def __call__(self, region):
        return getattr(region, self.name)(*self.args, **self.kwargs)


def _cmd_call(args):
    call_args, call_kwargs = parse_arguments(args.args)
    pool = _pool(args.service, _split(args.regions), args.partition,
                 args.endpoint_url)
    method = _method_of(pool, args.method)
    _check_call(method, args.method, call_args, call_kwargs)
    progress = _Progress(len(pool.regions), sys.stderr)
    try:
        results = pool.map(_Call(args.method, call_args, call_kwargs),
                           timeout=args.timeout, on_result=progress)
    finally:
        progress.clear()
    if args.json:
        data = collections.OrderedDict(
            (region_name(key), to_data(value))
            for key, value in results.items())
        if results.errors:
            data['errors'] = collections.OrderedDict(
                (region_name(key), _error_data(error))
                for key, error in results.errors.items())
        # Python 2's default item separator ends lines with a space.
        _write(sys.stdout, json.dumps(data, indent=2,
                                      separators=(',', ': ')) + '\n')
    else:
        _print_lines(format_results(results))
    if results.errors:
        sys.stdout.flush()
        _print_lines(['mangrove: %d of %d regions failed:' % (
            len(results.errors), len(results) + len(results.errors))] +
            ['  ' + line for line in format_errors(results)], sys.stderr)
    # A region still running after --timeout keeps its thread, which the
    # interpreter would wait for at exit.
    args.abandoned = any(isinstance(e, FanOutTimeoutError)
                         for e in results.errors.values())
    return 0 if results.ok else 1


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


def _cmd_shell(args):
    names = _split(args.services) or list(DEFAULT_SHELL_SERVICES)
    regions = _split(args.regions)
    pools = collections.OrderedDict()
    for name in names:
        spec = get_service(name)
        if spec.name not in pools:
            pools[spec.name] = _pool(spec.name, regions, args.partition,
                                     args.endpoint_url)
    namespace = {'mangrove': mangrove, '__name__': '__console__',
                 '__doc__': None}
    namespace.update(pools)
    banner = _banner(pools)
    interactive = _isatty(sys.stdin)
    if interactive and not args.plain:
        try:
            import IPython
        except ImportError:
            IPython = None
        if IPython is not None:
            _write(sys.stdout, banner + '\n')
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


def _cmd_demo(args):
    from mangrove import demo
    hint = demo.unavailable()
    if hint:
        raise UsageError(hint)
    try:
        return demo.run(sys.stdout)
    except Exception as exc:
        raise CommandError('the demo failed: %s' % error_text(exc))


# -- parser -------------------------------------------------------------------


def _connection_options(parser, regions_help):
    parser.add_argument(
        '--regions', metavar='R1,R2',
        help=regions_help)
    parser.add_argument(
        '--partition', metavar='P',
        help='the partition whose regions are meant when --regions is not '
             'given: %s (default %s)' % (', '.join(PARTITIONS),
                                         DEFAULT_PARTITION))
    parser.add_argument(
        '--endpoint-url', metavar='URL',
        help='send every region\'s requests to this URL instead of AWS; '
             '{region} in it stands for the region name')


def build_parser():
    """The ``mangrove`` command's argument parser.

    :rtype: :class:`argparse.ArgumentParser`
    """
    parser = _Parser(
        prog='mangrove',
        description='Connection pools for classic boto: one connection per '
                    'AWS region, every region in one call.',
        epilog='Exit status: 0 on success, 1 when a region failed, 2 for '
               'bad usage. Credentials and settings come from boto '
               '(environment, ~/.boto, BOTO_CONFIG).')
    parser.add_argument('--version', action=_VersionAction,
                        help='show the version and exit')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')

    sub = commands.add_parser(
        'services', help='list the services mangrove knows',
        description='List the services mangrove knows, one per line.')
    sub.set_defaults(func=_cmd_services)

    sub = commands.add_parser(
        'regions', help="list a service's regions",
        description="List a service's regions, one per line: every "
                    'partition unless --partition narrows them.')
    sub.add_argument('service', metavar='SERVICE', help='a service name')
    sub.add_argument('--partition', metavar='P',
                     help='only this partition: %s' % ', '.join(PARTITIONS))
    sub.set_defaults(func=_cmd_regions)

    sub = commands.add_parser(
        'call', help='call one boto method in every region at once',
        description='Call one method of the service\'s boto connection in '
                    'every region at once and print each region\'s result. '
                    'ARG words of the form name=value are keyword '
                    'arguments, the others positional; values are read as '
                    'JSON when they parse (42, true, null, ["a","b"], '
                    '{"k":"v"}, \'"42"\' for the string 42), else as text.',
        epilog='Exit status: 0 when every region answered, 1 when one '
               'failed (failures are listed on stderr, the other regions '
               'still printed), 2 for bad usage. With --json, failed '
               'regions are under an "errors" key beside the region names.')
    sub.add_argument('service', metavar='SERVICE', help='a service name')
    sub.add_argument('method', metavar='METHOD',
                     help='a method of its boto connection, such as '
                          'get_all_instances')
    sub.add_argument('args', metavar='ARG', nargs='*', default=[],
                     help='value or name=value')
    _connection_options(sub, 'only these regions (either form: us-east-1, '
                             'us_east_1); default every region of the '
                             'partition')
    sub.add_argument('--json', action='store_true',
                     help='print one JSON object keyed by region')
    sub.add_argument('--timeout', metavar='S', type=_seconds,
                     help='give up on regions that have not answered after '
                          'S seconds (they count as failed)')
    sub.set_defaults(func=_cmd_call)

    sub = commands.add_parser(
        'shell', help='a Python console with connected pools',
        description='A Python console (IPython when installed) with one '
                    'connected pool per service under its name (ec2, s3, '
                    '...). With stdin not a terminal, it runs the lines it '
                    'reads and stops at their end.')
    sub.add_argument('--services', metavar='S1,S2',
                     help='the services to build pools for (default %s)'
                          % ','.join(DEFAULT_SHELL_SERVICES))
    _connection_options(sub, 'the regions of every pool (default every '
                             'region of the partition)')
    sub.add_argument('--plain', action='store_true',
                     help='the standard Python console even when IPython '
                          'is installed')
    sub.set_defaults(func=_cmd_shell)

    sub = commands.add_parser(
        'demo', help='run the demo against a local AWS emulator',
        description='Start a local AWS emulator (a moto server on a free '
                    '127.0.0.1 port), create a little state in several '
                    'regions, show pools and a fan-out at work, and stop '
                    'it. Needs no credentials and no network: '
                    "pip install 'boto-mangrove[demo]'.")
    sub.set_defaults(func=_cmd_demo)
    return parser


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
            raise UsageError(_NO_COMMAND + ' (see mangrove --help)')
        return args.func(args), args
    except UsageError as exc:
        error = _message(exc)
    except MangroveError as exc:
        # Raised before any region was asked: the names or values given
        # were wrong. Failures of regions are results, not exceptions.
        error = _message(exc)
    except CommandError as exc:
        _write(sys.stderr, 'mangrove: error: %s\n' % exc)
        return 1, args
    _write(sys.stderr, 'mangrove: error: %s\n' % error)
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
        _write(sys.stderr, '\nmangrove: interrupted\n')
        _hard_exit(130)
    except IOError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # The reader went away (``mangrove regions ec2 | head -1``).
        _hard_exit(1)
    if getattr(args, 'abandoned', False):
        _hard_exit(status)
    sys.exit(status)


def _hard_exit(status):
    """Exit without waiting for fan-out threads stuck in a boto call."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (IOError, ValueError):
            pass
    os._exit(status)
