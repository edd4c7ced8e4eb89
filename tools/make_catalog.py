"""Generate mangrove's region catalog from botocore's endpoint data.

mangrove ships the regions and endpoint host names of the services it knows
as data (``mangrove/data/endpoints.json``), so that a pool can reach every
region AWS runs today although boto 2.49's own endpoint data dates from 2018.
botocore is a development tool here: this script reads it, mangrove never
imports it.

Regenerate the catalog (from the repository root, with botocore installed)::

    python tools/make_catalog.py

Options: ``--output PATH`` writes somewhere else; ``--date YYYY-MM-DD``
records that generation date instead of today's (UTC), which is how the test
suite checks that the shipped file is exactly what this script produces.

What goes into the catalog, for the partitions ``aws``, ``aws-cn`` and
``aws-us-gov`` and the endpoint prefixes in :data:`ENDPOINT_PREFIXES`:

- ``generated``: the generation date, the botocore version and this command.
- ``partitions``: per partition its ``dnsSuffix``, ``regionRegex`` and sorted
  ``regions``.
- ``services``: per endpoint prefix and partition, ``{region: hostname}`` for
  the regional endpoints, with host names resolved by botocore's own endpoint
  resolver (partition and service defaults, per-endpoint overrides). FIPS,
  dual-stack, deprecated and pseudo-region endpoints (``aws-global``,
  ``s3-external-1``, ``fips-us-east-1``, ...) are left out: a name is kept only
  if it matches the partition's ``regionRegex``. A service that has no
  regional endpoint in a partition but a partition-wide one (IAM, Route 53,
  Support) is listed under the region its requests are signed for, so that a
  pool holds one connection per partition for it.
- ``global``: per endpoint prefix and partition, the partition-wide endpoint
  botocore names (``{"hostname": ..., "name": ..., "regional": ...,
  "signing_region": ...}``), e.g. ``iam.amazonaws.com``, named
  ``aws-global`` and signed for ``us-east-1``; ``regional`` says whether the
  service also has regional endpoints in that partition (S3, STS) or only
  this one (IAM, Route 53, Support: a *global service* there).
"""

import argparse
import copy
import datetime
import json
import os
import re
import sys

import botocore
import botocore.loaders
import botocore.regions

PARTITIONS = ('aws', 'aws-cn', 'aws-us-gov')

# The endpoint prefixes (botocore's service keys) of mangrove's service
# registry; keep in step with mangrove/registry.py.
ENDPOINT_PREFIXES = (
    'autoscaling', 'cloudformation', 'cloudhsm', 'cloudsearch', 'cloudtrail',
    'codedeploy', 'cognito-identity', 'cognito-sync', 'config',
    'datapipeline', 'directconnect', 'dynamodb', 'ec2', 'ecs', 'elasticache',
    'elasticbeanstalk', 'elasticloadbalancing', 'elasticmapreduce',
    'elastictranscoder', 'email', 'glacier', 'iam', 'kinesis', 'kms',
    'lambda', 'logs', 'machinelearning', 'monitoring', 'opsworks', 'rds',
    'redshift', 'route53', 'route53domains', 's3', 'sdb', 'sns', 'sqs', 'sts',
    'support', 'swf',
)

COMMAND = 'python tools/make_catalog.py'

DEFAULT_OUTPUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    'mangrove', 'data', 'endpoints.json')


def _is_region(partition, name):
    return ('fips' not in name and 'dualstack' not in name
            and re.match(partition['regionRegex'], name) is not None)


def _check_scope(prefix, region, endpoint):
    # The catalog records host names only; a regional endpoint signed for
    # another region or service name would need more than that.
    scope = endpoint.get('credentialScope', {})
    if scope.get('region', region) != region or \
            scope.get('service', prefix) != prefix:
        raise SystemExit('%s %s is signed for %r; the catalog cannot say so'
                         % (prefix, region, scope))


def build_catalog(endpoint_data, botocore_version, date):
    """Return the catalog (a JSON-ready dict) for botocore's endpoint data.

    :param endpoint_data: botocore's ``endpoints`` data (version 3).
    :type endpoint_data: dict
    :param botocore_version: the version of botocore it came from.
    :type botocore_version: str
    :param date: the generation date, ``YYYY-MM-DD``.
    :type date: str
    :rtype: dict
    """
    if endpoint_data.get('version') != 3:
        raise SystemExit('unsupported botocore endpoints version %r'
                         % endpoint_data.get('version'))
    # The resolver writes into the data it resolves from; give it its own.
    resolver = botocore.regions.EndpointResolver(copy.deepcopy(endpoint_data))
    by_name = dict((p['partition'], p) for p in endpoint_data['partitions'])
    partitions = {}
    services = {}
    global_endpoints = {}
    for partition_name in PARTITIONS:
        partition = by_name[partition_name]
        partitions[partition_name] = {
            'dnsSuffix': partition['dnsSuffix'],
            'regionRegex': partition['regionRegex'],
            'regions': sorted(partition['regions']),
        }
        for prefix in ENDPOINT_PREFIXES:
            service = partition['services'].get(prefix)
            if service is None:
                continue
            hosts = {}
            for name, config in service['endpoints'].items():
                if config.get('deprecated') or not _is_region(partition, name):
                    continue
                endpoint = resolver.construct_endpoint(
                    prefix, name, partition_name=partition_name)
                _check_scope(prefix, name, endpoint)
                hosts[name] = endpoint['hostname']
            if 'partitionEndpoint' in service:
                endpoint = resolver.construct_endpoint(
                    prefix, service['partitionEndpoint'],
                    partition_name=partition_name)
                signing_region = endpoint['credentialScope']['region']
                global_endpoints.setdefault(prefix, {})[partition_name] = {
                    'hostname': endpoint['hostname'],
                    'name': service['partitionEndpoint'],
                    'regional': bool(hosts),
                    'signing_region': signing_region,
                }
                if not hosts:
                    hosts[signing_region] = endpoint['hostname']
            if hosts:
                services.setdefault(prefix, {})[partition_name] = hosts
    return {
        'generated': {
            'botocore_version': botocore_version,
            'command': COMMAND,
            'date': date,
        },
        'global': global_endpoints,
        'partitions': partitions,
        'services': services,
    }


def render(catalog):
    """Serialize the catalog deterministically: sorted keys, one item a line.

    :type catalog: dict
    :rtype: str
    """
    return json.dumps(catalog, indent=0, sort_keys=True,
                      separators=(',', ':'), ensure_ascii=True) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Generate mangrove's region catalog from botocore.")
    parser.add_argument('--output', default=DEFAULT_OUTPUT,
                        help='file to write (default: %(default)s)')
    parser.add_argument('--date', default=None,
                        help='generation date to record, YYYY-MM-DD '
                             '(default: today, UTC)')
    args = parser.parse_args(argv)
    date = args.date or \
        datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    endpoint_data = botocore.loaders.create_loader().load_data('endpoints')
    catalog = build_catalog(endpoint_data, botocore.__version__, date)
    missing = sorted(set(ENDPOINT_PREFIXES) - set(catalog['services']))
    if missing:
        sys.stderr.write('not in botocore %s: %s\n'
                         % (botocore.__version__, ', '.join(missing)))
    with open(args.output, 'w', newline='\n') as stream:
        stream.write(render(catalog))
    for partition_name in PARTITIONS:
        sys.stderr.write('%s: %d regions\n' % (
            partition_name,
            len(catalog['partitions'][partition_name]['regions'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
