# -*- coding: utf-8 -*-
"""
Ready-made pools, one per service boto can connect to a region.

>>> from mangrove.services import Ec2Pool, S3Pool, SqsPool
>>> ec2_pool = Ec2Pool(connect=True)        # every region
>>> s3_pool = S3Pool(connect=True, regions=['us-east-1', 'us-west-1'])
>>> sqs_pool = SqsPool(connect=True, default_region='us-east-1')

Each class is a thin :class:`~mangrove.pool.ServicePool` subclass whose
``service`` is a name from the :mod:`mangrove.registry`; the classes are
made from the registry so the two never disagree. Importing this module
does not import boto.
"""
from __future__ import absolute_import

from mangrove.pool import ServicePool
from mangrove.registry import SERVICES

__all__ = []


def _helper(spec):
    doc = ('A :class:`~mangrove.pool.ServicePool` of %s connections, one per '
           'region (boto module ``%s``).\n\n%s'
           % (spec.display, spec.module, ServicePool.__doc__.split('\n\n', 1)[1]))
    return type(str(spec.class_name), (ServicePool,), {
        'service': spec.name, '__doc__': doc, '__module__': __name__})


for _spec in SERVICES.values():
    globals()[_spec.class_name] = _helper(_spec)
    __all__.append(_spec.class_name)
del _spec
