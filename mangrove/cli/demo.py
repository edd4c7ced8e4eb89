# -*- coding: utf-8 -*-
"""
``mangrove demo``: mangrove at work against a local AWS emulator.

:func:`run` starts a moto server (``moto[server]``, installed by
``pip install 'boto-mangrove[demo]'``) with this interpreter on a free
127.0.0.1 port (:class:`mangrove.testing.MotoServer`), points a
multi-service pool at it, creates a little state in several regions, shows
the pool, its regions and fan-outs across regions and services, and stops
the server, also on error or interrupt.

The pools get every connection setting as explicit keywords: a proxy on
127.0.0.1 (boto then sends each request, AWS host name and all, to the
emulator), plain HTTP and throw-away credentials. While the demo runs, the
environment variables that could send a request elsewhere or bring in real
credentials (``no_proxy``, ``AWS_*``, ``BOTO_CONFIG``) are set aside
(:func:`mangrove.testing.isolated_environ`), and boto, if not yet
imported, reads no configuration file at all. Nothing is sent anywhere but
127.0.0.1.

The demo writes only to the stream it is given.
"""
from __future__ import absolute_import

import collections
import signal
import sys

from mangrove.testing import LOOPBACK, MotoServer, isolated_environ

#: The pool the demo builds: three services, each in a few regions.
SERVICES = collections.OrderedDict([
    ('ec2', {'regions': ['us-east-1', 'eu-west-1', 'ap-southeast-2',
                         'us-west-2'],
             'default_region': 'us-east-1'}),
    ('sqs', {'regions': ['us-east-1', 'eu-west-1']}),
    ('s3', {'regions': ['us-east-1']}),
])

# Any AMI id will do for the emulator; this is one of its own.
_AMI = 'ami-03cf127a'


def unavailable():
    """Why the demo cannot run here, as one line, or None when it can.

    :rtype: str or None
    """
    if sys.version_info < (3, 7):
        return ("the demo needs moto[server]==4.2.14, which needs Python 3.7 "
                "or newer (this is Python %s)" % sys.version.split()[0])
    from importlib.util import find_spec
    if find_spec('moto') is None:
        return ("the demo needs moto: pip install 'boto-mangrove[demo]'")
    return None


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that the server is stopped."""


def _on_sigterm(signum, frame):
    raise _Terminated()


class _Transcript(object):
    """Writes the demo as a REPL session: code, then what it gave."""

    def __init__(self, out):
        self.out = out

    def line(self, text=''):
        self.out.write(text + '\n')
        self.out.flush()

    def code(self, text):
        lines = text.strip('\n').split('\n')
        self.line('>>> ' + lines[0])
        for more in lines[1:]:
            self.line('... ' + more)

    def comment(self, text):
        self.line()
        self.line('# ' + text)

    def lines(self, lines):
        for text in lines:
            self.line(text)


def run(out):
    """Run the demo, writing it to ``out``.

    The server is stopped whatever happens, SIGTERM and
    :exc:`KeyboardInterrupt` included.

    :param out: a text stream such as :data:`sys.stdout`.
    :returns: the exit status: 0, or 143 when stopped by SIGTERM.
    :rtype: int
    :raises RuntimeError: the moto server did not start.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:
        previous = None  # not the main thread: SIGTERM is not ours to catch
    try:
        with isolated_environ():
            # This interpreter runs the server: the demo's moto is the one
            # installed beside mangrove, whatever MANGROVE_MOTO_PYTHON says.
            server = MotoServer(python=sys.executable)
            out.write('Starting a moto server (a local AWS emulator)... ')
            out.flush()
            try:
                server.start()
                out.write('listening on %s:%d. Nothing here leaves this '
                          'machine.\n' % (LOOPBACK, server.port))
                _show(_Transcript(out), server)
            finally:
                server.stop()
                out.write('\nThe moto server is stopped.\n')
                out.flush()
    except _Terminated:
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _show(say, server):
    from mangrove import ServiceMixinPool
    from mangrove.cli.tables import format_errors, format_results, summary_line

    class DemoPool(ServiceMixinPool):
        services = SERVICES

    say.line()
    say.code('from mangrove import ServiceMixinPool')
    say.code("""class DemoPool(ServiceMixinPool):
    services = {
        'ec2': {'regions': ['us-east-1', 'eu-west-1',
                            'ap-southeast-2', 'us-west-2'],
                'default_region': 'us-east-1'},
        'sqs': {'regions': ['us-east-1', 'eu-west-1']},
        's3': {'regions': ['us-east-1']},
    }
""")
    say.code("local = dict(is_secure=False, proxy='127.0.0.1', "
             "proxy_port=%d,\n"
             "             aws_access_key_id='testing', "
             "aws_secret_access_key='testing')" % server.port)
    pool = server.pool(DemoPool)
    say.code('pool = DemoPool(connect=True, **local)')
    say.code('pool')
    say.line(repr(pool))
    say.code('pool.ec2.regions')
    say.line(repr(pool.ec2.regions))
    say.code('pool.ec2.regions.eu_west_1')
    say.line(repr(pool.ec2.regions.eu_west_1))

    say.comment('A little state: a security group in three EC2 regions, an '
                'instance in two,\n# a queue in both SQS regions, a bucket.')
    for name in ('us_east_1', 'eu_west_1', 'ap_southeast_2'):
        pool.ec2.regions[name].create_security_group('demo-web',
                                                     'mangrove demo')
    say.code("""for name in ('us_east_1', 'eu_west_1', 'ap_southeast_2'):
    pool.ec2.regions[name].create_security_group('demo-web', 'mangrove demo')
""")
    for name in ('us_east_1', 'eu_west_1'):
        pool.ec2.regions[name].run_instances(
            _AMI, instance_type='t2.micro', security_groups=['demo-web'])
    say.code("""for name in ('us_east_1', 'eu_west_1'):
    pool.ec2.regions[name].run_instances(
        '%s', instance_type='t2.micro', security_groups=['demo-web'])
""" % _AMI)
    for region in pool.sqs.regions.values():
        region.create_queue('demo-orders')
    say.code("""for region in pool.sqs.regions.values():
    region.create_queue('demo-orders')
""")
    say.code("pool.s3.regions.us_east_1.create_bucket('mangrove-demo')")
    say.line(repr(pool.s3.regions.us_east_1.create_bucket('mangrove-demo')))

    say.comment('Every region at once: a thread per region, results in '
                'region order.')
    results = pool.ec2.call('get_all_instances')
    say.code("results = pool.ec2.call('get_all_instances')")
    say.code('results')
    say.line(repr(results))
    say.code("results['eu_west_1'][0].instances")
    say.line(repr(results['eu_west_1'][0].instances))
    say.comment('Region by region, as "mangrove call" prints them:')
    say.lines(format_results(results) + [summary_line(results)])
    say.line()
    queues = pool.sqs.call('get_all_queues')
    say.code("queues = pool.sqs.call('get_all_queues')")
    say.code('queues')
    say.line(repr(queues))
    say.comment('Region by region:')
    say.lines(format_results(queues))

    say.comment('Several services at once: results keyed by (service, '
                'region).')
    hosts = pool.map(lambda region: region.host)
    say.code('hosts = pool.map(lambda region: region.host)')
    say.code('hosts')
    say.line(repr(hosts))
    say.comment('Region by region:')
    say.lines(format_results(hosts))

    say.comment('A region that fails costs only its own result.')
    results = pool.ec2.call('get_all_security_groups',
                            groupnames=['demo-web'])
    say.code("results = pool.ec2.call('get_all_security_groups', "
             "groupnames=['demo-web'])")
    say.code('results')
    say.line(repr(results))
    say.code('results.failed')
    say.line(repr(results.failed))
    say.comment('Region by region, the failed one with its error:')
    say.lines(format_results(results))
    say.lines(format_errors(results))
    pool.close()
