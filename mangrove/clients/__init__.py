# -*- coding: utf-8 -*-
"""
The boto3 seam: the backend that builds botocore clients
(:mod:`mangrove.clients.backend`), the shared client classes, the
credentials a client signs with, and boto3's pages.
"""
