# -*- coding: utf-8 -*-
"""
Every account x region: mangrove's account pool, botocove and a boto 2 loop.

    pip install 'botocove==1.7.4'        # Python 3.8+; brings boto3
    python benchmarks/accounts.py [--accounts 50] [--rounds 3]

A local moto server holds an organization of N member accounts. Requests
go through a latency proxy in a process of its own
(benchmarks/replayproxy.py) that waits each request's region round trip
(STS's global endpoint is in us-east-1) and replays moto's answer to it:
each distinct request (keyed by host, path, parameters and the access key
that signed it, so every account's AssumeRole and every account's calls
are their own) reaches moto once, while every contender is warmed up; the
rounds are then the client's time, not the emulator's (the figures say how
many requests reached moto during the rounds: 0). The same work is done,
in turns, each round from fresh credentials: assume a role in every
account (a real AssumeRole request per account each round, answered by the
proxy), then describe the availability zones of 4 regions in each:

- mangrove: ``AccountPool(Ec2Pool, ids, role_name=...).call(
  'get_all_zones')``, every AssumeRole and call inside one fan-out, a new
  account pool each round;
- the same as a process's first fan-out, with no region times remembered
  (:mod:`mangrove.accounts.plan`), so in the pool's region order;
- botocove (boto3): the ``@cove`` decorator over the same ids and regions,
  with its default of 20 threads, and with a thread per task, through the
  same proxy (``HTTP_PROXY``, plain-HTTP endpoints);
- a hand-written boto 2 loop: for each account, ``assume_role``, then each
  region in turn;
- one account's chain alone: its AssumeRole, then its slowest region's
  call, as mangrove makes them, through the same proxy;
- mangrove's fan-out through a proxy that adds no round trip: the client's
  own time (CPU, on this machine's shared cores);
- mangrove's fan-out on a process per core (``executor=``, a new
  ``ProcessPoolExecutor`` each round, its start counted), each worker
  assuming its accounts' roles itself.

It also prints the floors: the client's CPU for every request made one
after another on one thread with no round trips, over the cores, and the
same with the latency proxy's CPU during a fan-out added (the proxy stands
for the network but shares the cores).

Goals: mangrove at most a third of botocove's wall time, and within 1.5x of
the one account's chain. Medians of the rounds, every contender measured
in the same rounds. Nothing leaves 127.0.0.1. Needs a Python 3 with
moto[server] for the server (this one, or ``MANGROVE_MOTO_PYTHON``); the
proxy runs on this Python if it is 3.7+, else on the server's. Where
botocove is not installed (it needs Python 3.8+), its rows are left out,
saying so.

Measured (Python 3.11.7, botocove 1.7.4, 2 shared cores, load average
about 8)::

    MANGROVE_MOTO_PYTHON=... python benchmarks/accounts.py --rounds 3

    requests that reached moto during the rounds: 0
    one account alone (AssumeRole + ap-southeast-2)    240 ms =   0.31x
    mangrove, no round trips (client time)             737 ms =   0.96x
    mangrove AccountPool fan-out                       769 ms =   1.00x
    mangrove, a process's first fan-out                969 ms =   1.26x
    hand-written boto 2 loop                        23,558 ms =  30.63x
    botocove, a thread per task (200)              141,867 ms = 184.46x
    botocove, 20 threads (its default)             143,078 ms = 186.04x
    mangrove / one account alone: 3.21x (goal <= 1.5x); a process's first
    fan-out: 4.04x; mangrove / botocove: 0.005x (goal <= 0.33x)

Goal 2 is missed: the client's own CPU for the 250 requests (the row with
no round trips) is longer than the chain's round trips on this machine.
A later run (Python 3.13.0, without botocove, the machine about 2.5 times
slower per request) printed the floors::

    client CPU of the 250 requests, one after another on one thread, no
    round trips: 664 ms (2.66 ms a request)
      CPU floor on 2 cores: 332 ms = 1.35x the one account's chain
      the proxy's CPU in a fan-out: 260 ms; machine floor (client + proxy)
      / cores: 462 ms = 1.88x the chain
    mangrove / one account alone: 4.56x on threads, 3.21x on processes
"""
from __future__ import print_function

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
# Last, where Python put it first: benchmarks/boto3.py must not stand in
# for boto3 itself.
sys.path[:] = [p for p in sys.path
               if os.path.abspath(p or os.curdir) != HERE] + [HERE]

from mangrove.testing import MotoServer, moto_python  # noqa: E402

from common import median, proc_stat  # noqa: E402

#: Round trip per region from one place (us-east-1), in seconds.
ROUND_TRIPS = {'us-east-1': 0.015, 'eu-west-1': 0.080, 'sa-east-1': 0.120,
               'ap-southeast-2': 0.210}
REGIONS = sorted(ROUND_TRIPS, key=ROUND_TRIPS.get)
ROLE = 'OrganizationAccountAccessRole'
THREADS = 'mangrove AccountPool fan-out'
PROCESSES = 'mangrove on processes (executor=, one per core)'
CORES = multiprocessing.cpu_count()


def timed(func):
    start = time.time()
    result = func()
    return time.time() - start, result


def make_organization(count, keywords):
    """The organization's member account ids (made in the emulator)."""
    from mangrove.accounts.organizations import OrganizationsConnection
    with OrganizationsConnection(**keywords) as conn:
        conn.request('CreateOrganization', {'FeatureSet': 'ALL'})
        return [conn.request('CreateAccount', {
            'AccountName': 'member-%03d' % n,
            'Email': 'member%03d@example.com' % n})[
                'CreateAccountStatus']['AccountId'] for n in range(count)]


def run_mangrove(accounts, keywords):
    from mangrove.accounts import AccountPool
    from mangrove.services import Ec2Pool
    fleet = AccountPool(Ec2Pool, accounts, role_name=ROLE, regions=REGIONS,
                        **keywords)
    results = fleet.call('get_all_zones')
    fleet.close()
    results.raise_for_errors()
    return len(results)


def run_mangrove_processes(accounts, keywords):
    """The fan-out on a process per core, a new executor each round (its
    start counted): each worker assumes its accounts' roles itself."""
    from mangrove.accounts import AccountPool
    from mangrove.services import Ec2Pool
    fleet = AccountPool(Ec2Pool, accounts, role_name=ROLE, regions=REGIONS,
                        **keywords)
    with process_pool() as executor:
        results = fleet.call('get_all_zones', executor=executor)
    results.raise_for_errors()
    return len(results)


def process_pool():
    from concurrent.futures import ProcessPoolExecutor
    if sys.version_info < (3, 7):
        return ProcessPoolExecutor(CORES)   # fork, on Linux
    return ProcessPoolExecutor(
        CORES, mp_context=multiprocessing.get_context('fork'))


def client_cpu_alone(accounts, keywords):
    """CPU seconds of the fan-out's 5 x N requests made one after another
    on one thread, with no round trips: the client's own work."""
    from mangrove.accounts import AccountPool
    from mangrove.services import Ec2Pool
    fleet = AccountPool(Ec2Pool, accounts, role_name=ROLE, regions=REGIONS,
                        **keywords)
    start = cpu_seconds()
    fleet.call('get_all_zones', max_workers=1).raise_for_errors()
    used = cpu_seconds() - start
    fleet.close()
    return used


def cpu_seconds(pid=None):
    """CPU seconds of this process (user and system), or of ``pid``."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    return proc_stat(pid)[1]


def run_mangrove_afresh(accounts, keywords):
    """As a new process's first fan-out: no region times remembered."""
    from mangrove.accounts import plan as accountfanout
    accountfanout._REGION_TIMES.clear()
    return run_mangrove(accounts, keywords)


def run_chain(account, keywords):
    """One account: its role, then its slowest region's call."""
    from mangrove.accounts import AccountPool
    from mangrove.services import Ec2Pool
    slowest = max(REGIONS, key=ROUND_TRIPS.get)
    fleet = AccountPool(Ec2Pool, [account], role_name=ROLE,
                        regions=[slowest], **keywords)
    fleet.accounts[account].regions[slowest].get_all_zones()
    fleet.close()
    return 1


def run_boto_loop(accounts, keywords):
    import boto.ec2
    import boto.sts
    from boto.regioninfo import RegionInfo
    caller = dict((k, v) for k, v in keywords.items()
                  if k not in ('aws_access_key_id', 'aws_secret_access_key'))
    sts = boto.sts.STSConnection(
        aws_access_key_id=keywords['aws_access_key_id'],
        aws_secret_access_key=keywords['aws_secret_access_key'],
        region=RegionInfo(name='us-east-1', endpoint='sts.amazonaws.com'),
        **caller)
    count = 0
    for account in accounts:
        creds = sts.assume_role('arn:aws:iam::%s:role/%s' % (account, ROLE),
                                'loop').credentials
        for region in REGIONS:
            conn = boto.ec2.connect_to_region(
                region, aws_access_key_id=creds.access_key,
                aws_secret_access_key=creds.secret_key,
                security_token=creds.session_token, **caller)
            conn.get_all_zones()
            conn.close()
            count += 1
    return count


def run_botocove(accounts, workers):
    import boto3
    from botocore.config import Config
    from botocove import cove

    config = Config(max_pool_connections=workers)

    @cove(target_ids=accounts, rolename=ROLE, regions=REGIONS,
          thread_workers=workers,
          assuming_session=boto3.Session(region_name='us-east-1'))
    def zones(session):
        client = session.client('ec2', use_ssl=False, config=config)
        return client.describe_availability_zones()['AvailabilityZones']

    output = zones()
    failed = output['Exceptions'] + output['FailedAssumeRole']
    if failed:
        raise RuntimeError('botocove failed: %r' % (failed[:3],))
    return len(output['Results'])


def botocove_environment(proxy_port):
    """boto3 reads no boto config: the proxy and the plain-HTTP endpoints
    of the clients botocove makes itself, through the environment."""
    os.environ.update({
        'HTTP_PROXY': 'http://127.0.0.1:%d' % proxy_port,
        'AWS_ENDPOINT_URL_STS': 'http://sts.amazonaws.com',
        'AWS_ENDPOINT_URL_ORGANIZATIONS':
            'http://organizations.us-east-1.amazonaws.com',
        'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
        'AWS_DEFAULT_REGION': 'us-east-1',
        # Credentials come from the environment: no instance metadata.
        'AWS_EC2_METADATA_DISABLED': 'true',
    })
    for name in ('HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'no_proxy',
                 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2'):
        os.environ.pop(name, None)


class ReplayProxy(object):
    """benchmarks/replayproxy.py in a process of its own (a Python 3.7+:
    this one, else the emulator's)."""

    def __init__(self, upstream_port, latency):
        path = os.path.join(tempfile.mkdtemp(prefix='mangrove-accounts-'),
                            'latency.json')
        with open(path, 'w') as handle:
            json.dump(latency, handle)
        python = sys.executable if sys.version_info >= (3, 7) \
            else moto_python()
        self.process = subprocess.Popen(
            [python, os.path.join(HERE, 'replayproxy.py'),
             str(upstream_port), path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            universal_newlines=True)
        self.port = int(self.process.stdout.readline())

    def counts(self):
        """Requests so far: ``{'forwarded': n, 'replayed': n}``."""
        self.process.stdin.write('counts\n')
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def keywords_for(port):
    return dict(is_secure=False, proxy='127.0.0.1', proxy_port=port,
                aws_access_key_id='testing', aws_secret_access_key='testing')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--accounts', type=int, default=50)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    # botocove draws a progress bar per run; tqdm reads this at import.
    os.environ['TQDM_DISABLE'] = '1'
    try:
        import botocove  # noqa: F401
    except ImportError:
        botocove = None
        print('botocove is not installed in this Python (%s): its figures '
              "are left out (pip install 'botocove==1.7.4', Python 3.8+)"
              % sys.version.split()[0])

    with MotoServer() as server:
        slow = ReplayProxy(server.port, ROUND_TRIPS)
        quick = ReplayProxy(server.port, {})
        try:
            figures = measure(args, server, slow, quick, botocove is not None)
        finally:
            slow.close()
            quick.close()
    report(args, *figures)


def measure(args, server, slow, quick, with_botocove):
    """Every contender warmed once, then timed in turns, round after
    round: ``(times, tasks, moto_during_rounds)``."""
    keywords = keywords_for(slow.port)
    accounts = make_organization(args.accounts, keywords_for(server.port))
    if with_botocove:
        botocove_environment(slow.port)
    tasks = len(accounts) * len(REGIONS)
    quick_keywords = keywords_for(quick.port)
    runs = [(THREADS, lambda: run_mangrove(accounts, keywords)),
            ('one account alone (AssumeRole + %s)'
             % max(REGIONS, key=ROUND_TRIPS.get),
             lambda: run_chain(accounts[-1], keywords)),
            ("mangrove, a process's first fan-out",
             lambda: run_mangrove_afresh(accounts, keywords)),
            (PROCESSES, lambda: run_mangrove_processes(accounts, keywords)),
            ('mangrove, no round trips (client time)',
             lambda: run_mangrove(accounts, quick_keywords))]
    if with_botocove:
        runs += [('botocove, 20 threads (its default)',
                  lambda: run_botocove(accounts, 20)),
                 ('botocove, a thread per task (%d)' % tasks,
                  lambda: run_botocove(accounts, tasks))]
    runs.append(('hand-written boto 2 loop',
                 lambda: run_boto_loop(accounts, keywords)))
    # Each contender's requests reach moto once, here (moto also makes
    # each account's region on first use); the rounds replay them.
    for label, func in runs:
        seconds, _ = timed(func)
        print('warm-up: %s: %.0f ms' % (label, seconds * 1000))
        sys.stdout.flush()
    client_cpu_alone(accounts, quick_keywords)
    before = slow.counts()['forwarded'] + quick.counts()['forwarded']
    times = dict((label, []) for label, _ in runs)
    floors = {'client': [], 'proxy': []}
    for number in range(args.rounds):
        for label, func in runs:
            proxy_cpu = cpu_seconds(slow.process.pid)
            seconds, _ = timed(func)
            times[label].append(seconds)
            if label == THREADS:
                floors['proxy'].append(cpu_seconds(slow.process.pid) -
                                       proxy_cpu)
            print('round %d: %s: %.0f ms' % (number + 1, label,
                                             seconds * 1000))
            sys.stdout.flush()
        floors['client'].append(client_cpu_alone(accounts, quick_keywords))
    after = slow.counts()['forwarded'] + quick.counts()['forwarded']
    return times, tasks, after - before, floors


def report(args, times, tasks, moto_requests, floors):
    figures = dict((label, median(values)) for label, values in times.items())
    ours = figures[THREADS]
    chain = [v for k, v in figures.items() if k.startswith('one account')][0]
    print('Python %s, %d accounts x %d regions (%d tasks), median of %d '
          'rounds, round trips %s ms; requests that reached moto during the '
          'rounds: %d' % (
              sys.version.split()[0], args.accounts, len(REGIONS), tasks,
              args.rounds, ', '.join('%s %d' % (r, ROUND_TRIPS[r] * 1000)
                                     for r in REGIONS), moto_requests))
    for label, values in sorted(times.items(), key=lambda i: median(i[1])):
        seconds = figures[label]
        print('  %-48s %7.0f ms = %6.2fx mangrove' % (label, seconds * 1000,
                                                      seconds / ours))
    client, proxy = median(floors['client']), median(floors['proxy'])
    requests = tasks + args.accounts
    print('client CPU of the %d requests, one after another on one thread, '
          'no round trips: %.0f ms (%.2f ms a request)' % (
              requests, client * 1000, client * 1000 / requests))
    print('  CPU floor on %d cores: %.0f ms = %.2fx the one account\'s '
          'chain' % (CORES, client / CORES * 1000, client / CORES / chain))
    print('  the proxy\'s CPU in a fan-out: %.0f ms; machine floor (client '
          '+ proxy) / cores: %.0f ms = %.2fx the chain' % (
              proxy * 1000, (client + proxy) / CORES * 1000,
              (client + proxy) / CORES / chain))
    print('mangrove / one account alone: %.2fx on threads, %.2fx on '
          "processes (goal <= 1.5x); a process's first fan-out: %.2fx" % (
              ours / chain, figures[PROCESSES] / chain,
              figures["mangrove, a process's first fan-out"] / chain))
    cove = figures.get('botocove, 20 threads (its default)')
    if cove is not None:
        print('mangrove / botocove: %.3fx (goal <= 0.33x)' % (ours / cove))


if __name__ == '__main__':
    main()
