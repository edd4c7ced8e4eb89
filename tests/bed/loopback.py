# -*- coding: utf-8 -*-
"""Loopback addresses of the test bed: everything stays on 127.0.0.1."""
from __future__ import absolute_import

import socket

LOOPBACK = '127.0.0.1'


def free_port():
    """A TCP port of 127.0.0.1 that was free a moment ago.

    :rtype: int
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def port_accepts(port, timeout=0.5):
    """Whether 127.0.0.1:``port`` accepts a TCP connection now.

    :rtype: bool
    """
    try:
        sock = socket.create_connection((LOOPBACK, port), timeout)
    except socket.error:
        return False
    sock.close()
    return True
