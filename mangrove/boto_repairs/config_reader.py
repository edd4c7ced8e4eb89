# -*- coding: utf-8 -*-
"""boto's config reader on Python 3.12 and later.

``boto.pyami.config.Config`` reads a file object with
``ConfigParser.readfp``, which Python 3.12 removed (it had been deprecated
for :meth:`configparser.ConfigParser.read_file` since 3.2). boto calls it
for ``Config(fp=...)`` and for the credential file that the
``AWS_CREDENTIAL_FILE`` environment variable names, which boto loads at
``import boto``: there the import itself failed with ``AttributeError:
'ConfigParser' object has no attribute 'readfp'``. ``Config`` is given a
``readfp`` that reads through ``read_file``.
"""
from __future__ import absolute_import


def repair(module):
    """Give ``module.Config`` (``boto.pyami.config``) a ``readfp``."""
    module.Config.readfp = _readfp


def _readfp(self, fp, filename=None):
    """Read configuration from the file object ``fp`` (named ``filename``
    in error messages), as ``ConfigParser.readfp`` did."""
    self._parser.read_file(fp, filename)
