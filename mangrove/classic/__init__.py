# -*- coding: utf-8 -*-
"""
Every touch of a classic boto (boto 2) connection: the backend that builds
connections (:mod:`mangrove.classic.backend`), the Signature Version 4
signer, the credentials signer, the governed sends (endpoint limits, retry
and stats), the sockets a forked child may not share, client tokens, and
the log filter that keeps secrets out of boto's log lines.
"""
