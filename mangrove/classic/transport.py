# -*- coding: utf-8 -*-
"""
The boto objects that send a connection's requests.

Everything mangrove changes on a boto 2 connection (its signer, its
credentials, its pool of sockets, its governed ``_mexe``) is changed on the
objects :func:`senders` names, found one way: a boto
``AWSAuthConnection``, whose ``_mexe`` sends every request and whose auth
handler signs it. Most connections are one; boto's ``Layer2`` of DynamoDB
and Glacier wraps one, its ``layer1``. Anything else (a boto3 client, an
object a pool's ``_connect_module_to_region`` hook returns) has none, and
is left alone.

This module imports neither boto nor any other mangrove module: the
modules that change connections all import it.
"""
from __future__ import absolute_import

__all__ = ['senders', 'is_sender']


def is_sender(obj):
    """Whether ``obj`` is a boto ``AWSAuthConnection``: its class sends
    requests (``_mexe``) and it has an auth handler to sign them.

    Duck-typed, so that asking imports no boto. A boto3 client answers
    False without its ``__getattr__`` being asked (its class has no
    ``_mexe``).

    :rtype: bool
    """
    return callable(getattr(type(obj), '_mexe', None)) and \
        hasattr(obj, '_auth_handler')


def senders(conn):
    """The boto ``AWSAuthConnection`` objects that send ``conn``'s
    requests: ``conn`` itself and, for a boto ``Layer2`` (DynamoDB,
    Glacier), its ``layer1``; each once, in that order; none for an object
    that is not a boto connection (a boto3 client, any other object).

    :param conn: what a pool holds for a region.
    :rtype: list
    """
    found = []
    for obj in (conn, getattr(conn, 'layer1', None)):
        if obj is not None and is_sender(obj) and \
                not any(obj is seen for seen in found):
            found.append(obj)
    return found
