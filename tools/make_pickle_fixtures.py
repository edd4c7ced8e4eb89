"""Write the pickle fixtures of ``tests/data/pickles-1.1.0``: objects that
users of mangrove 1.1.0 pickle (pools, results, errors, settings), made
by that release and kept, so that ``tests/test_pickle_compat.py`` checks
that every later release still loads them, whatever moved where.

Run it from the repository root once per Python major version, each time
with the tree of the release the fixtures are named after::

    MANGROVE_MOTO_PYTHON=/path/to/python-with-moto \\
        python2.7 tools/make_pickle_fixtures.py   # <name>.py2.pickle
    MANGROVE_MOTO_PYTHON=/path/to/python-with-moto \\
        python3 tools/make_pickle_fixtures.py     # <name>.py3.pickle

Every pickle uses protocol 2, which both major versions read. Connected
pools need a server to connect to: the script starts a moto server of its
own (:class:`mangrove.testing.MotoServer`) and points boto at it through a
boto config, with fake keys, so that no pool's pickle names the server's
port. The secret key is :data:`pickle_classes.FIXTURE_SECRET`: the script
refuses to write a pickle that holds it.

Beside the pickles, ``manifest.py2.json`` / ``manifest.py3.json`` record
each object's class and the facts (:func:`pickle_classes.describe`) of
what this release loads back from the pickle, which the test compares with
what the release under test loads.
"""
from __future__ import absolute_import, print_function

import argparse
import io
import json
import os
import pickle
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, 'tests')
DEFAULT_OUT = os.path.join(TESTS, 'data', 'pickles-1.1.0')
PROTOCOL = 2
SUFFIX = 'py%d' % sys.version_info[0]

# Credentials and settings from the environment would reach boto before
# the config this script writes.
_SCRUBBED_ENV = ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                 'AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
                 'AWS_ENDPOINT_URL', 'BOTO_PATH', 'no_proxy', 'NO_PROXY')


def _error_objects(results):
    """One instance of every error class of mangrove.exceptions, with the
    fields each one carries."""
    from concurrent.futures import CancelledError
    from mangrove import exceptions
    special = {
        'AssumeRoleError': lambda cls: cls(
            'Fixture: role Audit cannot be assumed in 111111111111',
            account='111111111111',
            role_arn='arn:aws:iam::111111111111:role/Audit',
            error_code='AccessDenied', status=403),
        'OrganizationsError': lambda cls: cls(
            'Fixture: organizations not in use',
            error_code='AWSOrganizationsNotInUseException', status=400),
        'Boto3UnavailableError': lambda cls: cls(
            'Fixture: boto3 needs Python 3.9+', python_version='2.7.18'),
        'UnpicklableError': lambda cls: cls('socket.socket',
                                            'cannot pickle a socket'),
        'RegionNotEnabledError': lambda cls: cls(
            'Fixture: af-south-1 is not enabled', region_name='af-south-1',
            error_code='AuthFailure', status=401),
        'FanOutCancelledError': lambda cls: cls(
            'Fixture: us_east_1 was cancelled', key='us_east_1',
            cause=CancelledError()),
    }
    objects = {}
    for name in sorted(dir(exceptions)):
        cls = getattr(exceptions, name)
        if not (isinstance(cls, type) and
                issubclass(cls, exceptions.MangroveError) and
                cls.__module__ == exceptions.__name__):
            continue
        if name == 'FanOutError':
            try:
                results.raise_for_errors()
            except exceptions.FanOutError as raised:
                error = raised
        elif name in special:
            error = special[name](cls)
        else:
            error = cls('Fixture %s: %r is not valid' % (name, 'bad'),
                        value='bad', valid=['good', 'better'],
                        suggestions=['good'])
        if name == 'FanOutTimeoutError':
            error.key, error.timeout = 'us_east_1', 1.5
        objects['error-%s' % name] = error
    return objects


def _fan_out_task(proxy):
    # One region answers, one gets AWS's error, one raises in the task.
    if proxy.region_key == 'ap_northeast_1':
        raise ValueError('fixture: bad value in ap-northeast-1')
    if proxy.region_key == 'eu_west_1':
        return proxy.get_only_instances(instance_ids=['i-0123456789abcdef0'])
    return {'region': proxy.region_name,
            'instances': len(proxy.get_only_instances())}


def build_objects(server):
    """name -> object, for every fixture of this interpreter."""
    from mangrove.accounts import AccountPool
    from mangrove.accounts.assumerole import RoleSettings
    from mangrove.pool.calls import MethodCall
    from mangrove.pool.pagination import Pages
    from mangrove.services import Ec2Pool
    from mangrove.throttling import RetryPolicy
    from pickle_classes import (ACCOUNTS, FIXTURE_SECRET, REGIONS,
                                FixtureMixinPool)

    objects = {}
    objects['ec2-pool-unconnected'] = Ec2Pool(regions=REGIONS,
                                              default_region='eu-west-1')
    connected = Ec2Pool(connect=True, regions=REGIONS,
                        default_region='eu-west-1')
    connected.regions.us_east_1.run_instances('ami-12c6146b')
    assert connected.call('get_only_instances').ok
    objects['ec2-pool-connected'] = connected
    objects['region-proxy'] = connected.regions['us_east_1']
    mixin = FixtureMixinPool(connect=True)
    assert mixin.call('get_all_queues', services=['sqs']).ok
    objects['mixin-pool-connected'] = mixin
    objects['mixin-pool-unconnected'] = FixtureMixinPool()
    objects['account-pool'] = AccountPool(
        Ec2Pool, ACCOUNTS, role_name='Audit', external_id='fixture-external',
        regions=REGIONS, aws_access_key_id='testing',
        aws_secret_access_key=FIXTURE_SECRET)

    results = Ec2Pool(connect=True,
                      regions=REGIONS + ['ap-northeast-1']).map(_fan_out_task)
    assert len(results) == 1 and len(results.errors) == 2, results
    objects['region-results'] = results
    objects['fan-out-stats'] = results.stats
    objects.update(_error_objects(results))

    objects['retry-policy'] = RetryPolicy(attempts=4, seconds=30.0,
                                          base=0.2, cap=5.0)
    objects['role-settings'] = RoleSettings(
        role_name='Audit', session_name='fixture-session',
        external_id='fixture-external', duration=1800,
        caller_kwargs={'aws_access_key_id': 'testing',
                       'aws_secret_access_key': FIXTURE_SECRET})
    objects['pages'] = Pages('get_all_instances', (),
                             {'filters': {'instance-state-name': 'running'}},
                             max_pages=3)
    objects['method-call'] = MethodCall('get_all_instances', (),
                                        {'instance_ids': ['i-12345678']})
    objects['managed-connection'] = _managed_connection()
    if sys.version_info >= (3, 9):
        objects['client-pool'] = _client_pool(server)
    return objects


def _managed_connection():
    """A boto connection of a pool whose credentials mangrove manages (a
    credential source), as a result may carry one: it pickles without
    them, and with its governed sends."""
    from mangrove.services import Ec2Pool
    from pickle_classes import FIXTURE_SECRET

    def source():
        return {'aws_access_key_id': 'testing',
                'aws_secret_access_key': FIXTURE_SECRET}

    pool = Ec2Pool(connect=True, regions=['us-east-1'],
                   credential_source=source)
    conn = pool.regions.us_east_1.connection
    conn.get_all_zones()
    return conn


def _client_pool(server):
    from mangrove.pool.client import client_pool
    from pickle_classes import FIXTURE_SECRET, REGIONS
    # boto3 finds the server and the keys in the environment, so that the
    # pool's pickle names neither (a loaded pool finds them the same way).
    os.environ.update({'AWS_ENDPOINT_URL': server.url,
                       'AWS_ACCESS_KEY_ID': 'testing',
                       'AWS_SECRET_ACCESS_KEY': FIXTURE_SECRET})
    pool = client_pool('sqs', regions=REGIONS, default_region='us-east-1',
                       connect=True)
    pool.regions.us_east_1.create_queue(QueueName='fixture')
    assert pool.call('list_queues').ok
    return pool


def check_no_secret(name, data):
    from pickle_classes import FIXTURE_SECRET
    for form in (FIXTURE_SECRET.encode('ascii'),
                 FIXTURE_SECRET.encode('utf-16-le')):
        if form in data:
            raise SystemExit('%s: the pickle holds the secret key' % name)


def write_fixtures(out):
    from pickle_classes import describe
    from mangrove.testing import MotoServer
    from mangrove.testing.loopback import free_port, write_boto_config
    from pickle_classes import FIXTURE_SECRET

    tmpdir = tempfile.mkdtemp(prefix='mangrove-fixtures-')
    server = MotoServer(port=free_port())
    try:
        for name in _SCRUBBED_ENV:
            os.environ.pop(name, None)
        # boto reads its config when first imported, which is after this.
        os.environ['BOTO_CONFIG'] = write_boto_config(
            os.path.join(tmpdir, 'boto.cfg'), server.port,
            extra={'Credentials': {'aws_secret_access_key': FIXTURE_SECRET}})
        assert 'boto' not in sys.modules, 'boto read its config too early'
        server.start()
        objects = build_objects(server)
        manifest = {}
        if not os.path.isdir(out):
            os.makedirs(out)
        for name, obj in sorted(objects.items()):
            data = pickle.dumps(obj, PROTOCOL)
            check_no_secret(name, data)
            path = os.path.join(out, '%s.%s.pickle' % (name, SUFFIX))
            with open(path, 'wb') as handle:
                handle.write(data)
            # What this release itself makes of its pickle (caller keys
            # left behind, connections to be built again) is what a later
            # one must make of it.
            loaded = pickle.loads(data)
            manifest[name] = {'type': '%s.%s' % (type(obj).__module__,
                                                 type(obj).__name__),
                              'facts': describe(loaded)}
            print('wrote', os.path.relpath(path, ROOT))
        path = os.path.join(out, 'manifest.%s.json' % SUFFIX)
        with io.open(path, 'w', encoding='utf-8') as handle:
            text = json.dumps(manifest, indent=1, sort_keys=True,
                              separators=(',', ': '))
            handle.write(u'%s\n' % text)
        print('wrote', os.path.relpath(path, ROOT))
    finally:
        server.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help='folder of the fixtures (default: %(default)s)')
    args = parser.parse_args(argv)
    # The tree's own mangrove, and tests/ for pickle_classes.
    sys.path[:0] = [ROOT, TESTS]
    write_fixtures(args.out)


if __name__ == '__main__':
    main()
