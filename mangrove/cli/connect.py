# -*- coding: utf-8 -*-
"""The connected pools the ``call`` and ``shell`` commands work with."""
from __future__ import absolute_import

from mangrove import declaration
from mangrove.cli.errors import CommandError
from mangrove.exceptions import MangroveError
from mangrove.registry import get_service
from mangrove.tables import error_text

__all__ = ['DEFAULT_PARTITION', 'connected_pool']

#: The partition ``call`` and ``shell`` cover when given no ``--regions``:
#: credentials belong to one partition, and the regions of the others
#: would only fail.
DEFAULT_PARTITION = 'aws'


def connected_pool(service, regions=None, partition=None, endpoint_url=None):
    """A connected helper pool of ``service`` (names checked).

    :raises MangroveError: a name or value given is wrong.
    :raises CommandError: boto could not set up a connection.
    """
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
