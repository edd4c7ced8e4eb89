# -*- coding: utf-8 -*-
"""
Running the ``mangrove`` command as a user would, for the command line
tests: through its entry point in this process, its arguments, stdin,
stdout, stderr, environment and exit status as a process would have them
(:func:`mangrove`); as a process of its own with pipes
(``mangrove(..., process=True)``) where the process is itself the subject
(start-up, exit with calls still running, signals) or boto must read
another config; or on a pseudo-terminal (:class:`Terminal`) for what only
shows on a terminal (the progress line, the interactive shell, Ctrl-C and
Ctrl-D).

The child is ``python -m mangrove`` with the interpreter running the tests
and the mangrove they import; it runs in the tests' directory so that the
current directory cannot shadow it. Every child has a hang guard: a command
that does not end is killed, and its test fails instead of hanging the
suite. The guard is never asserted on.
"""
from __future__ import absolute_import

import collections
import errno
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

import mangrove as package

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(
    package.__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))

# Seconds after which a command that has not ended is killed.
HANG_GUARD = 120

Result = collections.namedtuple('Result', 'status out err')


def child_env(extra=None):
    """The environment of the child: this one, mangrove importable, plus
    ``extra`` (a value of None unsets the variable)."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [PACKAGE_ROOT] + [p for p in [env.get('PYTHONPATH')] if p])
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def guarded(proc, seconds=HANG_GUARD):
    """Kill ``proc`` after ``seconds``; cancel the returned timer."""
    timer = threading.Timer(seconds, proc.kill)
    timer.daemon = True
    timer.start()
    return timer


# Variables boto reads once, at its import (its config file: BOTO_CONFIG,
# BOTO_PATH, ~/.boto under HOME): a command that must see other values than
# the tests' runs in a process of its own.
PROCESS_VARIABLES = ('BOTO_CONFIG', 'BOTO_PATH', 'HOME')


def mangrove(*args, **options):
    """Run ``mangrove ARGS``; options: ``stdin`` (text), ``env``
    (variables to set, None to unset) and ``process`` (True: run
    ``python -m mangrove`` as a child with pipes; implied by ``env``
    naming one of :data:`PROCESS_VARIABLES`).

    :rtype: Result
    """
    env = options.get('env') or {}
    if options.get('process') or any(name in env
                                     for name in PROCESS_VARIABLES):
        return _in_child(args, options.get('stdin'), env)
    return _in_process(args, options.get('stdin'), env)


def _in_child(args, stdin, env):
    proc = subprocess.Popen(
        [sys.executable, '-m', 'mangrove'] + list(args),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=child_env(env), cwd=HERE)
    timer = guarded(proc)
    try:
        out, err = proc.communicate(
            stdin.encode('utf-8') if stdin is not None else b'')
    finally:
        timer.cancel()
    return Result(proc.returncode, out.decode('utf-8'), err.decode('utf-8'))


class _Captured(object):
    """What a pipe gives the command in place of stdout or stderr: text in
    (bytes on Python 2, as :func:`mangrove._compat.stream_text`
    encodes it), no terminal."""

    encoding = 'utf-8'
    closed = False

    def __init__(self):
        self._parts = []

    def write(self, text):
        if isinstance(text, bytes):
            text = text.decode('utf-8')
        self._parts.append(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        return u''.join(self._parts)


def _stdin(text):
    import io
    text = text if text is not None else u''
    if sys.version_info[0] == 2:
        return io.BytesIO(text.encode('utf-8'))
    return io.StringIO(text)


def _in_process(args, stdin, env):
    """The entry point (:func:`mangrove.cli.run`, as ``main`` calls it)
    with this process's stdin, stdout, stderr and environment swapped for
    the run's and put back after."""
    from mangrove import cli
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_env = dict((name, os.environ.get(name)) for name in env)
    out, err = _Captured(), _Captured()
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    sys.stdin, sys.stdout, sys.stderr = _stdin(stdin), out, err
    try:
        try:
            status = cli.run(list(args))[0]
        except SystemExit as exc:
            status = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if status is None:
        status = 0
    return Result(status, out.getvalue(), err.getvalue())


def loads(text):
    return json.loads(text, object_pairs_hook=collections.OrderedDict)


SUMMARY = re.compile(r'^\d+ (results? in \d+|of \d+ regions answered)')


def sections(out):
    """Table output -> {region: (header, [body lines])}, in order; the
    summary line that ends it is checked and left out."""
    lines = out.splitlines()
    assert lines and SUMMARY.match(lines[-1]), out
    found = collections.OrderedDict()
    for line in lines[:-1]:
        if not line.startswith(' '):
            found[line.split(':')[0]] = (line, [])
        else:
            found[next(reversed(found))][1].append(line)
    return found


def one_error_line(result):
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith('mangrove: error: ')
    return lines[0]


class Terminal(object):
    """``python -m mangrove ARGS`` on a pseudo-terminal of its own (its
    controlling terminal, so Ctrl-C and Ctrl-D typed here act as a user's).

    :ivar text: everything the command wrote so far (stdout and stderr
        share the terminal), with ``\\r\\n`` as the terminal sends it.
    :ivar status: the exit status once ended (-N for signal N).
    """

    def __init__(self, args, env=None, columns=100):
        import pty
        self.text = ''
        self.status = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                # A test run in the background of a shell script has
                # SIGINT ignored, and exec would pass that on: the command
                # must get Ctrl-C as on a user's terminal.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.execve(sys.executable,
                          [sys.executable, '-m', 'mangrove'] + list(args),
                          dict(child_env(env), COLUMNS=str(columns),
                               TERM='dumb'))
            finally:
                os._exit(127)
        self._deadline = time.time() + HANG_GUARD

    def type(self, text):
        """Type ``text`` (``\\x03`` is Ctrl-C, ``\\x04`` Ctrl-D)."""
        os.write(self.fd, text.encode('utf-8'))

    def _read(self, timeout):
        if not select.select([self.fd], [], [], timeout)[0]:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError as exc:  # EIO: the command ended
            if exc.errno != errno.EIO:
                raise
            chunk = b''
        if not chunk:
            self._reap(block=True)
            return False
        self.text += chunk.decode('utf-8', 'replace')
        return True

    def wait_for(self, pattern, timeout=60):
        """Read until ``pattern`` (a regex) is in the output.

        :returns: the match, or None when the time ran out or the command
            ended without writing it.
        """
        deadline = min(time.time() + timeout, self._deadline)
        while True:
            match = re.search(pattern, self.text)
            if match or self.status is not None:
                return match
            left = deadline - time.time()
            if left <= 0:
                return None
            self._read(min(left, 0.2))
            self._reap()

    def wait(self, timeout=60):
        """Read until the command ends (or ``timeout``, then kill it).

        :returns: its exit status, None when it had to be killed.
        """
        deadline = min(time.time() + timeout, self._deadline)
        while self.status is None and time.time() < deadline:
            self._read(0.2)
            self._reap()
        if self.status is None:
            self.close()
            return None
        while self._read(0.05):
            pass
        return self.status

    def _reap(self, block=False):
        if self.status is not None:
            return
        pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.status = (os.WEXITSTATUS(status) if os.WIFEXITED(status)
                           else -os.WTERMSIG(status))

    def close(self):
        """Kill the command if it still runs, and close the terminal."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._reap(block=True)
        try:
            os.close(self.fd)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class SilentEndpoint(object):
    """A 127.0.0.1 port that accepts connections and never answers: a
    region that hangs. Holds every connection until :meth:`stop`."""

    def __init__(self):
        import socket
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(('127.0.0.1', 0))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        self._held = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept)
        self._thread.daemon = True
        self._thread.start()

    def _accept(self):
        self._socket.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                conn, _ = self._socket.accept()
            except Exception:
                continue
            self._held.append(conn)

    def stop(self):
        self._stopped.set()
        self._thread.join(5)
        for conn in self._held + [self._socket]:
            conn.close()
