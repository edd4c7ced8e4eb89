# -*- coding: utf-8 -*-
"""boto modules that a later Python broke work after ``import mangrove``,
however they are first imported: boto's config reader (``readfp``),
DynamoDB (``collections.Mapping``), ``boto.ecs.item`` (``cgi``) and
``boto.pyami.launch_ami`` (``imp``).

Each case runs in a fresh interpreter (see ``test_boto_repairs.run_child``)
with the start-up hook off, so only ``import mangrove`` repairs boto.
"""
from __future__ import absolute_import

import os
import shutil
import sys
import tempfile
import textwrap

import pytest

from bed.children import run_child

# Every test here is slow: its own processes (see conftest.py).
pytestmark = pytest.mark.slow


@pytest.fixture
def tmpdir_path():
    path = tempfile.mkdtemp(prefix='mangrove-modules-')
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_aws_credential_file_is_read_at_import(tmpdir_path):
    # The credential file of the AWS Java tools, which boto reads at import.
    path = os.path.join(tmpdir_path, 'cred.txt')
    with open(path, 'w') as handle:
        handle.write('AWSAccessKeyId=AKIDFROMFILE\nAWSSecretKey=s3cr3t\n')
    facts = run_child('''
        import mangrove, boto
        import boto.provider
        provider = boto.provider.Provider('aws')
        report([boto.config.get('Credentials', 'aws_access_key_id'),
                provider.access_key])
    ''', env={'AWS_CREDENTIAL_FILE': path},
        warnings='ignore::DeprecationWarning')
    assert facts == ['AKIDFROMFILE', 'AKIDFROMFILE']


def test_config_reads_a_file_object():
    facts = run_child('''
        import mangrove
        from boto.compat import StringIO
        from boto.pyami.config import Config
        config = Config(fp=StringIO(
            '[Boto]\\nnum_retries = 7\\n[Credentials]\\n'
            'aws_access_key_id = AKIDFP\\n'))
        report([config.getint('Boto', 'num_retries'),
                config.get('Credentials', 'aws_access_key_id'),
                config.get_value('Boto', 'missing', 'default')])
    ''', warnings='ignore::DeprecationWarning')
    assert facts == [7, 'AKIDFP', 'default']


_DYNAMO_USE = '''
    from boto.dynamodb.types import Dynamizer
    from boto.dynamodb2.table import Table
    from boto.dynamodb2.items import Item
    encoded = Dynamizer().encode({'a': 1, 'b': 'x'})
    report({'encoded': encoded, 'table': Table.__name__,
            'item': Item.__name__,
            'mapping': hasattr(collections, 'Mapping')})
'''


@pytest.mark.parametrize('first_import', [
    'import boto.dynamodb',
    'import boto.dynamodb2',
    'from boto.dynamodb2.table import Table',
    'import boto.dynamodb2.layer1',
    'import boto.dynamodb.types',
    'import boto.dynamodb.layer2',
])
def test_dynamodb_modules_import_in_any_order(first_import):
    facts = run_child(textwrap.dedent('''
        import collections
        import mangrove
        %s
    ''') % first_import + textwrap.dedent(_DYNAMO_USE),
                      warnings='ignore::DeprecationWarning')
    assert facts == {'encoded': {'M': {'a': {'N': '1'}, 'b': {'S': 'x'}}},
                     'table': 'Table', 'item': 'Item',
                     'mapping': sys.version_info < (3, 10)}


def test_dynamodb_after_a_pool_loaded_it(moto_port):
    # A DynamoDb2Pool imports boto.dynamodb2 first; plain boto after it.
    facts = run_child(textwrap.dedent('''
        import collections
        import mangrove
        from mangrove.services import DynamoDb2Pool
        pool = DynamoDb2Pool(connect=True, regions=['us-east-1'])
        tables = pool.regions['us_east_1'].list_tables()
    ''') + textwrap.dedent(_DYNAMO_USE), warnings='ignore::DeprecationWarning')
    assert facts['table'] == 'Table'


def test_mws_connection_sees_the_collections_abcs():
    facts = run_child('''
        import collections
        import mangrove
        import boto.mws.connection as mws
        report([hasattr(mws.collections, 'Mapping'),
                hasattr(mws.collections, 'Iterable'),
                mws.collections.OrderedDict is collections.OrderedDict])
    ''', warnings='ignore::DeprecationWarning')
    assert facts == [True, True, True]


def test_ecs_item_imports_and_escapes():
    facts = run_child('''
        import mangrove
        import boto.ecs.item
        cgi = boto.ecs.item.cgi
        if hasattr(cgi, 'escape'):
            report([cgi.escape('<a & "b">'), cgi.escape('"', True)])
        else:
            report(None)
    ''', warnings='ignore::DeprecationWarning')
    # cgi.escape left cgi in 3.8, so boto's use of it fails on 3.8-3.12 as
    # it did on 3.9; 3.13's stand-in for the removed module offers it.
    if (3, 8) <= sys.version_info < (3, 13):
        assert facts is None
    else:
        assert facts == ['&lt;a &amp; "b"&gt;', '&quot;']


def test_launch_ami_finds_a_script_as_imp_did(tmpdir_path):
    with open(os.path.join(tmpdir_path, 'mangrove_launch_script.py'),
              'w') as handle:
        handle.write('# -*- coding: utf-8 -*-\nSCRIPT = 1\n')
    facts = run_child('''
        import os
        import mangrove
        import boto.pyami.launch_ami as launch_ami
        sys.path.insert(0, %r)
        found = launch_ami.imp.find_module('mangrove_launch_script')
        try:
            report([found[0].read(), os.path.basename(found[1]),
                    list(found[2])])
        finally:
            found[0].close()
    ''' % tmpdir_path, warnings='ignore::DeprecationWarning')
    assert facts == ['# -*- coding: utf-8 -*-\nSCRIPT = 1\n',
                     'mangrove_launch_script.py',
                     ['.py', 'U' if sys.version_info < (3,) else 'r', 1]]
