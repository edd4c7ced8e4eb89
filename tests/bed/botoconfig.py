# -*- coding: utf-8 -*-
"""The boto config file that points unmodified boto code at the test bed."""
from __future__ import absolute_import

import io

from .loopback import LOOPBACK


def write_boto_config(path, port, extra=None):
    """Write a boto config that sends unmodified boto code to ``port``.

    boto in proxy mode sends absolute URLs that keep the real AWS host
    names, and moto routes and keeps state per region from those names.

    :param path: the file to write.
    :type path: str
    :param port: the proxy port (the moto server's or a
        :class:`LoopbackProxy`'s).
    :type port: int
    :param extra: more settings, ``{section: {key: value}}``; they override
        the defaults of the same name.
    :type extra: dict or None
    :returns: ``path``
    :rtype: str
    """
    sections = [
        ('Credentials', [('aws_access_key_id', 'testing'),
                         ('aws_secret_access_key', 'testing')]),
        ('Boto', [('is_secure', 'False'),
                  ('proxy', LOOPBACK),
                  ('proxy_port', str(port)),
                  ('num_retries', '0')]),
    ]
    for section, values in sorted((extra or {}).items()):
        for existing, pairs in sections:
            if existing == section:
                break
        else:
            pairs = []
            sections.append((section, pairs))
        for key, value in sorted(values.items()):
            pairs[:] = [(k, v) for k, v in pairs if k != key]
            pairs.append((key, str(value)))
    lines = []
    for section, pairs in sections:
        lines.append(u'[%s]' % section)
        lines.extend(u'%s = %s' % (k, v) for k, v in pairs)
        lines.append(u'')
    with io.open(path, 'w', encoding='utf-8') as handle:
        handle.write(u'\n'.join(lines))
    return path
