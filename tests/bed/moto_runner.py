# -*- coding: utf-8 -*-
"""
Runs moto's server (``python tests/moto_runner.py -H 127.0.0.1 -p PORT``)
with a reset that costs what the next test uses, not what the last one did.

moto 4.2's ``POST /moto-api/reset`` rebuilds every region backend that was
ever loaded: after one fan-out over 38 EC2 regions, each reset re-creates 38
EC2 backends (default VPCs, AMIs, instance types), seconds per test. Here a
reset drops them instead, and moto creates each again, empty, when a request
first needs it. What a request sees is the same: a fresh region.

Runs on the moto server's interpreter only (Python 3.7+).
"""
import sys

from moto.core.base_backend import AccountSpecificBackend, BaseBackend


def _drop_region_backends(self):
    for backend in list(self.values()):
        # A few backends (S3, IAM, RDS, Batch) clean up shared bookkeeping
        # in their own reset, such as S3's global table of bucket names.
        if type(backend).reset is not BaseBackend.reset:
            backend.reset()
    self.clear()
    # moto memoizes region lookups; the dropped backends must not come back.
    AccountSpecificBackend.__getitem__.cache_clear()


AccountSpecificBackend.reset = _drop_region_backends

if __name__ == '__main__':
    from moto.server import main
    main(sys.argv[1:])
