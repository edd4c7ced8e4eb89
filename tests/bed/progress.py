# -*- coding: utf-8 -*-
"""
Live progress of a test run, for ``tools/test``: with
``MANGROVE_TEST_PROGRESS`` naming a file, pytest appends a line to it as
each test file finishes, one at once for each failed test, and a closing
line; ``tools/test`` shows the lines of every environment as they come,
while the environments' own logs stay whole for when something fails.

::

    py312   12% tests/test_cli.py: 67 passed (21.4 s)
    py312 FAILED tests/test_tls.py::test_a_bad_certificate_is_refused
    py312 done: 1290 passed, 1 failed, 17 skipped in 3.9 min

It runs where the results arrive: in pytest's own process, or in
pytest-xdist's controller when the tests run on several workers. A line is
written in one ``write`` to a file opened for appending, so that the lines
of environments running side by side never mix.
"""
from __future__ import absolute_import

import collections
import io
import os
import time

import pytest

ENV_VARIABLE = 'MANGROVE_TEST_PROGRESS'

# Worst first: a test's outcome is the worst of its phases'.
_RANK = {'error': 3, 'failed': 2, 'skipped': 1, 'passed': 0}


def pytest_configure(config):
    path = os.environ.get(ENV_VARIABLE)
    if not path or hasattr(config, 'workerinput'):
        return
    label = os.environ.get('TOX_ENV_NAME') or 'tests'
    config.pluginmanager.register(Progress(path, label), 'mangrove-progress')


class Progress(object):
    """Counts outcomes per test file and writes a line per finished file."""

    def __init__(self, path, label):
        self.path = path
        self.label = label
        self.expected = {}                  # file -> number of its tests
        self.total = 0
        self.done = collections.Counter()   # file -> tests finished
        self.outcomes = collections.defaultdict(collections.Counter)
        self.started = {}                   # file -> time of its first report
        self.worst = {}                     # test -> worst outcome so far
        self.finished = 0
        self.began = time.time()

    def write(self, line):
        data = (u'%s %s\n' % (self.label, line)).encode('utf-8')
        with io.open(self.path, 'ab') as handle:
            handle.write(data)

    def expect(self, nodeids):
        if self.expected:
            return
        counts = collections.Counter(nodeid.split('::')[0]
                                     for nodeid in nodeids)
        self.expected = dict(counts)
        self.total = sum(counts.values())

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        self.expect([item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.expect(ids)

    def pytest_runtest_logreport(self, report):
        nodeid = report.nodeid
        path = nodeid.split('::')[0]
        self.started.setdefault(path, time.time())
        outcome = _outcome(report)
        if outcome is not None:
            if _RANK[outcome] > _RANK[self.worst.get(nodeid, 'passed')]:
                self.worst[nodeid] = outcome
            if outcome in ('failed', 'error'):
                self.write(u'%s %s%s' % (
                    outcome.upper(), nodeid,
                    '' if report.when == 'call' else ' (%s)' % report.when))
        if report.when != 'teardown':
            return
        self.finished += 1
        self.done[path] += 1
        self.outcomes[path][self.worst.pop(nodeid, 'passed')] += 1
        if self.done[path] == self.expected.get(path):
            self.write(u'%3d%% %s: %s (%.1f s)' % (
                100 * self.finished // max(self.total, 1), path,
                _counts(self.outcomes[path]),
                time.time() - self.started[path]))

    def pytest_sessionfinish(self, session):
        overall = collections.Counter()
        for counts in self.outcomes.values():
            overall.update(counts)
        self.write(u'done: %s in %.1f min' % (
            _counts(overall, always=('passed', 'failed')),
            (time.time() - self.began) / 60.0))


def _outcome(report):
    if report.failed:
        return 'failed' if report.when == 'call' else 'error'
    if report.skipped:
        return 'skipped'
    if report.when == 'call':
        return 'passed'
    return None


def _counts(counter, always=()):
    names = ('passed', 'failed', 'error', 'skipped')
    return u', '.join(u'%d %s' % (counter[name], name) for name in names
                      if counter[name] or name in always) or u'no tests'
