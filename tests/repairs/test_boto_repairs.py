# -*- coding: utf-8 -*-
"""mangrove.boto_repairs: plain boto works after ``import mangrove``
everywhere, and only what a Python breaks is repaired there.

Each test runs its code in a fresh interpreter (the one running the tests),
so sys.modules starts clean and the import order is the one a user has:
mangrove first, then plain boto modules.
"""
from __future__ import absolute_import

import os
import shutil
import sys
import tempfile
import threading

import pytest

from bed.children import run_child
from mangrove import boto_repairs

# boto's vendored six, imp, ssl.wrap_socket and readfp: gone in 3.12.
NEEDS_REPAIR = sys.version_info >= (3, 12)
PY3 = sys.version_info >= (3,)


def test_plain_boto_modules_import_after_mangrove():
    facts = run_child('''
        import mangrove
        mangrove_only = 'boto' not in sys.modules
        import boto, boto.ec2, boto.s3, boto.sqs, boto.plugin
        import boto.https_connection, boto.s3.connection, boto.sqs.connection
        import boto.ec2.connection, boto.sns, boto.iam, boto.route53
        report({'mangrove_only': mangrove_only,
                'version': boto.__version__,
                'ec2_regions': len(boto.ec2.regions()),
                'connection': boto.ec2.connection.EC2Connection.__name__})
    ''')
    assert facts == {'mangrove_only': True, 'version': '2.49.0',
                     'ec2_regions': facts['ec2_regions'],
                     'connection': 'EC2Connection'}
    assert facts['ec2_regions'] > 10


def test_boto_vendored_six_moves_work_as_boto_uses_them():
    facts = run_child('''
        import mangrove
        from boto.vendored import six
        from boto.vendored.six import BytesIO, StringIO
        from boto.vendored.six.moves import (
            _thread, configparser, filter, http_client, map, queue, urllib,
            zip)
        from boto.vendored.six.moves import StringIO as MovesStringIO
        from boto.vendored.six.moves.queue import Queue
        from boto.vendored.six.moves.urllib.parse import (
            parse_qs, quote, unquote, unquote_plus, urlparse, urlsplit)
        from boto.vendored.six.moves.urllib.request import urlopen
        import boto.compat

        q = Queue()
        q.put('x')
        parser = configparser.ConfigParser()
        parser.add_section('Boto')
        buf = StringIO()
        buf.write(u'text')
        report({
            'queue': q.get(),
            'quote': quote('a b/c'),
            'unquote_plus': unquote_plus('a+b%2F'),
            'netloc': urlparse('https://ec2.amazonaws.com/x').netloc,
            'split_path': urlsplit('http://h/p?q=1').path,
            'parse_qs': parse_qs('a=1&a=2'),
            'unquote': unquote('%41'),
            'sections': parser.sections(),
            'stringio': buf.getvalue(),
            'moves_stringio': MovesStringIO is StringIO,
            'bytesio': BytesIO(b'ab').read().decode('ascii'),
            'map': list(map(str, filter(None, [1, 0, 3]))),
            'zip': list(zip('ab', 'cd')),
            'https_port': http_client.HTTPS_PORT,
            'urlopen': callable(urlopen),
            'lock': hasattr(_thread, 'allocate_lock'),
            'urllib_request': hasattr(urllib.request, 'Request'),
            'compat_urlparse': boto.compat.urlparse('http://h:1/').port,
            'compat_six': boto.compat.six is six,
            'queue_module': queue.Queue is Queue,
        })
    ''')
    assert facts == {
        'queue': 'x', 'quote': 'a%20b/c', 'unquote_plus': 'a b/',
        'netloc': 'ec2.amazonaws.com', 'split_path': '/p',
        'parse_qs': {'a': ['1', '2']}, 'unquote': 'A', 'sections': ['Boto'],
        'stringio': 'text', 'moves_stringio': True, 'bytesio': 'ab',
        'map': ['1', '3'], 'zip': [['a', 'c'], ['b', 'd']],
        'https_port': 443, 'urlopen': True,
        'lock': True, 'urllib_request': True, 'compat_urlparse': 1,
        'compat_six': True, 'queue_module': True}


def test_plain_boto_talks_to_the_endpoint_after_mangrove(moto_port):
    # BOTO_CONFIG (set by conftest) sends boto to the session's moto server.
    facts = run_child('''
        import mangrove
        import boto.sqs
        conn = boto.sqs.connect_to_region('us-west-2')
        conn.create_queue('mangrove-compat')
        report([q.name for q in conn.get_all_queues()])
    ''')
    assert facts == ['mangrove-compat']


@pytest.mark.skipif(not NEEDS_REPAIR, reason='boto needs no repair')
def test_boto_vendored_six_is_the_real_six():
    facts = run_child('''
        import mangrove
        import boto.compat
        import boto.vendored.six.moves.urllib.parse
        import six
        import six.moves.urllib.parse
        report({
            'six': boto.compat.six is six,
            'moves': sys.modules['boto.vendored.six.moves'] is six.moves,
            'parse': boto.vendored.six.moves.urllib.parse
                     is six.moves.urllib.parse,
            'spec': six.__spec__.name,
            'moves_spec': six.moves.__spec__.name,
            'vendored_importers': [type(f).__module__ for f in sys.meta_path
                                   if type(f).__name__ ==
                                   '_SixMetaPathImporter'],
        })
    ''', warnings='error::ImportWarning')
    assert facts == {'six': True, 'moves': True, 'parse': True,
                     'spec': 'six', 'moves_spec': 'six.moves',
                     'vendored_importers': ['six']}


@pytest.mark.skipif(not NEEDS_REPAIR, reason='boto needs no repair')
def test_imp_is_served_to_boto_plugin_only():
    facts = run_child('''
        import mangrove
        import boto.plugin
        try:
            import imp
        except ImportError:
            global_imp = False
        else:
            global_imp = True
        import builtins
        report({
            'plugin_imp': boto.plugin.imp.__name__,
            'functions': [callable(boto.plugin.imp.find_module),
                          callable(boto.plugin.imp.load_module)],
            'global_imp': global_imp,
            'in_sys_modules': 'imp' in sys.modules,
            'builtins_restored':
                boto.plugin.__dict__['__builtins__'] is vars(builtins),
        })
    ''')
    assert facts == {'plugin_imp': 'mangrove.boto_repairs.imp',
                     'functions': [True, True], 'global_imp': False,
                     'in_sys_modules': False, 'builtins_restored': True}


PLUGIN = '''
import boto.plugin


class MangroveTestPlugin(boto.plugin.Plugin):
    capability = ['mangrove-test']
'''


def test_boto_loads_plugins_from_plugin_directory():
    tmpdir = tempfile.mkdtemp(prefix='mangrove-plugins-')
    try:
        plugins = os.path.join(tmpdir, 'plugins')
        os.mkdir(plugins)
        with open(os.path.join(plugins, 'mangrove_test_plugin.py'), 'w') as f:
            f.write(PLUGIN)
        config = os.path.join(tmpdir, 'boto.cfg')
        with open(config, 'w') as f:
            f.write('[Plugin]\nplugin_directory = %s\n' % plugins)
        facts = run_child('''
            import mangrove
            import boto.plugin
            found = boto.plugin.get_plugin(boto.plugin.Plugin,
                                           ['mangrove-test'])
            report({
                'found': [cls.__name__ for cls in found],
                'module': 'mangrove_test_plugin' in sys.modules,
            })
        ''', env={'BOTO_CONFIG': config},
            warnings='ignore::DeprecationWarning')
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    assert facts == {'found': ['MangroveTestPlugin'], 'module': True}


@pytest.mark.skipif(not NEEDS_REPAIR, reason='boto needs no repair')
def test_certificate_validating_connect_is_rebuilt_on_sslcontext():
    facts = run_child('''
        import mangrove
        import ssl
        import boto.https_connection
        connect = boto.https_connection.CertValidatingHTTPSConnection.connect
        report({'repaired': getattr(connect, 'mangrove_boto_compat', False),
                'wrap_socket': hasattr(ssl, 'wrap_socket')})
    ''')
    assert facts == {'repaired': True, 'wrap_socket': False}


@pytest.mark.skipif(PY3, reason='boto needs repairs on Python 3')
def test_install_changes_nothing_on_python_2():
    facts = run_child('''
        before = list(sys.meta_path)
        import mangrove
        from mangrove import boto_repairs
        again = boto_repairs.install()
        after = list(sys.meta_path)
        import six
        import boto, boto.plugin, boto.https_connection, boto.connection
        import boto.vendored.six
        connect = boto.https_connection.CertValidatingHTTPSConnection.connect
        connect = getattr(connect, '__func__', connect)
        proxy_ssl = boto.connection.AWSAuthConnection.proxy_ssl
        proxy_ssl = getattr(proxy_ssl, '__func__', proxy_ssl)
        report({
            'install_again': again,
            'finders_kept': all(any(a is b for a in after) for b in before),
            'finders_added': sorted(set(
                type(f).__module__ for f in after
                if not any(f is b for b in before))),
            'connect_module': connect.__module__,
            'proxy_ssl_module': proxy_ssl.__module__,
            'plugin_imp': boto.plugin.imp is sys.modules.get('imp'),
            'plugin_builtins': boto.plugin.__dict__['__builtins__']
                               is vars(six.moves.builtins),
            'vendored_six': boto.vendored.six is not six,
            'repaired': list(boto_repairs.REPAIRED_MODULES),
        })
    ''', warnings='ignore::DeprecationWarning')
    assert facts == {
        'install_again': False, 'finders_kept': True,
        # six registers its own importer for six.moves; mangrove adds none.
        'finders_added': facts['finders_added'],
        'connect_module': 'boto.https_connection',
        'proxy_ssl_module': 'boto.connection',
        'plugin_imp': True, 'plugin_builtins': True, 'vendored_six': True,
        'repaired': []}
    # The one finder mangrove adds on Python 2 serves the module paths
    # that moved in 2.0 (mangrove._compat.MOVED); none repairs boto.
    assert [name for name in facts['finders_added']
            if name.startswith('mangrove')] == ['mangrove._compat']


def expected_repairs():
    """The boto modules this interpreter needs repaired."""
    version = sys.version_info
    modules = []
    if version >= (3,):
        modules.append('boto.connection')
    if version >= (3, 10):
        modules += ['boto.dynamodb.types', 'boto.mws.connection']
    if version >= (3, 12):
        modules += ['boto.https_connection', 'boto.plugin',
                    'boto.pyami.config', 'boto.pyami.launch_ami']
    if version >= (3, 13):
        modules.append('boto.ecs.item')
    return sorted(modules)


@pytest.mark.skipif(not PY3, reason='nothing is repaired on Python 2')
def test_only_what_this_python_breaks_is_repaired():
    facts = run_child('''
        import collections
        import six
        import mangrove
        from mangrove import boto_repairs
        import boto, boto.plugin, boto.https_connection, boto.connection
        import boto.pyami.config, boto.dynamodb.types
        import boto.vendored.six
        connect = boto.https_connection.CertValidatingHTTPSConnection.connect
        report({
            'repaired': list(boto_repairs.REPAIRED_MODULES),
            'proxy_ssl': getattr(boto.connection.AWSAuthConnection.proxy_ssl,
                                 'mangrove_boto_compat', False),
            'connect': getattr(connect, 'mangrove_boto_compat', False),
            'vendored_six_is_six': boto.vendored.six is six,
            'readfp_added': 'readfp' in vars(boto.pyami.config.Config),
            'collections_mapping': hasattr(collections, 'Mapping'),
            'finders': sorted(type(f).__module__ for f in sys.meta_path
                              if type(f).__module__.startswith('mangrove')),
        })
    ''', warnings='ignore::DeprecationWarning')
    assert facts == {
        'repaired': expected_repairs(), 'proxy_ssl': True,
        'connect': NEEDS_REPAIR, 'vendored_six_is_six': NEEDS_REPAIR,
        'readfp_added': NEEDS_REPAIR,
        # Supplied to boto only: collections itself keeps what it has.
        'collections_mapping': sys.version_info < (3, 10),
        # The repairs' finder, and the one serving moved module paths.
        'finders': ['mangrove._compat', 'mangrove.boto_repairs.finder']}


def test_install_is_idempotent_and_thread_safe():
    facts = run_child('''
        import threading
        from mangrove import boto_repairs
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            boto_repairs.install())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report({'results': results,
                'finders': len([f for f in sys.meta_path
                                if getattr(f, 'mangrove_boto_compat', 0)])})
    ''')
    assert facts == {'results': [False] * 8, 'finders': 1 if PY3 else 0}


def test_install_in_this_process_matches_the_interpreter():
    # The test process imported mangrove too: same answer as a fresh one.
    finders = [f for f in sys.meta_path
               if getattr(f, 'mangrove_boto_compat', False)]
    assert len(finders) == (1 if PY3 else 0)
    assert boto_repairs.NEEDED is PY3
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        boto_repairs.install())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [False] * 4


def test_repairs_reach_classes_imported_before_mangrove():
    # boto.connection imported first (Python 3.6-3.11 without the hook):
    # install() amends the class it finds in sys.modules.
    facts = run_child('''
        import sys
        if sys.version_info >= (3, 12):
            import mangrove.boto_repairs
        import boto.connection
        before = getattr(boto.connection.AWSAuthConnection.proxy_ssl,
                         'mangrove_boto_compat', False)
        import mangrove
        report([before, getattr(boto.connection.AWSAuthConnection.proxy_ssl,
                                'mangrove_boto_compat', False)])
    ''', warnings='ignore::DeprecationWarning')
    assert facts == ([NEEDS_REPAIR, True] if PY3 else [False, False])
