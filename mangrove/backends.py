# -*- coding: utf-8 -*-
"""
What a pool asks of the library under it: the :class:`Backend` interface.

A pool never talks to classic boto or to boto3 directly: it asks its
backend which services and regions there are, how to open a connection to
one region, what to do to a connection before anyone sends on it, how to
make it sign with a pool's managed credentials, how to close it and how to
follow a listing's pages. Two backends answer:

* ``'boto'``: :class:`mangrove.classic.backend.BotoBackend`, classic boto
  2.49 (the default of every pool);
* ``'boto3'``: :class:`mangrove.clients.backend.Boto3Backend`, boto3 clients
  (Python 3.9+).

:func:`named` gives the backend of a name; the boto3 one is loaded only when
asked for, and importing this module imports neither boto nor boto3.
:func:`of` says which backend a bare connection belongs to.

A pool's ``backend`` attribute is its :class:`Backend` object and
``backend_name`` its name. A pool class's ``backend`` attribute, and the
``backend`` argument of a multi-service pool, take either. Comparing a
backend with its name (``pool.backend == 'boto3'``), as code written when
the attribute was a name does, still works for one release, with a
:class:`DeprecationWarning`: compare ``pool.backend_name`` instead.
"""
from __future__ import absolute_import

import abc
import importlib
import warnings

import six

from mangrove.exceptions import InvalidArgumentError, not_one_of, wrong_type

__all__ = ['Backend', 'NAMES', 'CLIENT_KEYWORDS', 'SHARED_KEYWORDS',
           'named', 'resolve', 'of']

#: The backends' names: classic boto (the default), and boto3 clients.
NAMES = ('boto', 'boto3')

# Where each backend lives, imported by name on first use: the modules
# import this one (their classes subclass Backend), and the boto3 one is
# for Python 3.9+ only. These are the documented lazy loads of the module.
_WHERE = {'boto': ('mangrove.classic.backend', 'boto_backend'),
          'boto3': ('mangrove.clients.backend', 'boto3_backend')}

#: What a boto3 pool takes besides mangrove's own arguments: boto3's
#: ``client()`` keywords, ``profile_name`` and a ``session`` of its own.
#: (Here, not in :mod:`mangrove.clients.backend`, so that the classic backend
#: knows which keywords of a multi-service pool are not its own without
#: loading the boto3 one.)
CLIENT_KEYWORDS = ('aws_session_token', 'config', 'verify', 'use_ssl',
                   'api_version', 'aws_account_id', 'profile_name',
                   'session', 'security_token', 'aws_access_key_id',
                   'aws_secret_access_key')

#: What the pools of both backends take; the rest is one backend's own.
SHARED_KEYWORDS = frozenset([
    'aws_access_key_id', 'aws_secret_access_key', 'security_token',
    'profile_name', 'endpoint_url', 'partition', 'credential_source',
    'regions', 'default_region', 'connect'])


class Backend(six.with_metaclass(abc.ABCMeta, object)):
    """What connects a pool to AWS: the services and regions a library
    knows, and a connection's life from its building to its closing.

    One instance serves every pool of its kind in a process; it keeps only
    facts that never change in one. Subclasses set :attr:`name` and
    implement every method.
    """

    #: ``'boto'`` or ``'boto3'``: the name pools and declarations use.
    name = None

    # -- what it serves ---------------------------------------------------

    @abc.abstractmethod
    def service(self, name):
        """The :class:`~mangrove.registry.ServiceSpec` of service
        ``name`` (a name or alias, in any case).

        :raises InvalidServiceError: no such service (with a did-you-mean).
        """

    @abc.abstractmethod
    def service_names(self):
        """Every service's name, sorted.

        :rtype: list of str
        """

    @abc.abstractmethod
    def regions(self, spec, partition=None):
        """Every region name ``spec`` has in ``partition`` (``'aws'``,
        ``'aws-cn'``, ``'aws-us-gov'``, ``'all'``; None for the default).

        :rtype: list of str
        """

    @abc.abstractmethod
    def canonical_region(self, spec, region_name):
        """The name a pool keeps region ``region_name`` of ``spec`` under
        (a global service's endpoint for any region of its partition).

        :rtype: str
        """

    @abc.abstractmethod
    def aliases(self, spec):
        """The other names of a global service's endpoints, for
        did-you-mean suggestions.

        :rtype: list of str
        """

    @abc.abstractmethod
    def connection_class(self, spec):
        """The class of ``spec``'s connections, or None when it is not
        known yet.

        :rtype: type or None
        """

    @abc.abstractmethod
    def method_names(self, spec):
        """The public methods of ``spec``'s connections, known without
        building one (what ``call`` checks a method name against).

        :rtype: frozenset of str
        """

    @abc.abstractmethod
    def keywords(self, kwargs):
        """A multi-service pool's keywords as this backend's pools take
        them: the other backend's own keywords left out, a session token
        under this backend's name.

        :rtype: dict
        """

    # -- a connection's life ----------------------------------------------

    @abc.abstractmethod
    def connect(self, spec, region_name, kwargs, endpoint_url=None):
        """A new connection to one region of ``spec``.

        :param region_name: the AWS form (``'us-east-1'``).
        :param kwargs: the pool's connection keywords.
        :param endpoint_url: a URL instead of AWS's host names;
            ``{region}`` in it stands for ``region_name``.
        """

    @abc.abstractmethod
    def prepare(self, conn, spec, region_name):
        """What mangrove does to a connection a pool (or a pool's
        ``_connect_module_to_region`` hook) built, before anyone sends on
        it; returns the connection.

        The one place where sockets are made this process's own and where
        sends are governed (endpoint limit, retry, statistics).
        """

    @abc.abstractmethod
    def install_credentials(self, conn, holder):
        """Make ``conn`` sign every request with the current credentials
        of ``holder`` (a :class:`~mangrove.credentials.CredentialHolder`).
        """

    @abc.abstractmethod
    def close(self, conn):
        """Close the sockets ``conn`` holds idle; the connection stays
        usable (it opens new ones when next used).

        :return: how many sockets were closed, where that is known, else 0.
        """

    @abc.abstractmethod
    def pages(self, conn, method_name, args=(), kwargs=None, max_pages=None,
              search=None, label=None):
        """Call ``method_name`` of ``conn`` and follow its pages to the
        end (see :mod:`mangrove.pool.pagination`).

        :param max_pages: at most this many pages, or None.
        :param search: a JMESPath expression over the pages (boto3 only).
        :param label: how a warning names the call (``'us-east-1 ...'``).
        """

    @abc.abstractmethod
    def owns(self, conn):
        """Whether ``conn`` is a connection of this backend's kind.

        :rtype: bool
        """

    # -- a backend and its name --------------------------------------------

    def __eq__(self, other):
        return self._same(other)

    def __ne__(self, other):
        return not self._same(other)

    def _same(self, other):
        if isinstance(other, six.string_types):
            # stacklevel 3: past this and __eq__/__ne__, to the comparison.
            warnings.warn(
                'comparing a backend with a name (%r) is deprecated: '
                'pool.backend is the %s object; compare pool.backend_name '
                'with the name' % (other, type(self).__name__),
                DeprecationWarning, stacklevel=3)
            return self.name == other
        return self is other

    def __hash__(self):
        # Equal to its name (for one release): so is its hash.
        return hash(self.name)

    def __repr__(self):
        return '<%s %r>' % (type(self).__name__, self.name)

    def __reduce_ex__(self, protocol):
        # The backend of a name is one object per process: a pickle (a
        # pool's, a task's) names it, and the other end takes its own.
        if self.name in _WHERE and type(self) is type(named(self.name)):
            return (named, (self.name,))
        return super(Backend, self).__reduce_ex__(protocol)


def named(name):
    """The backend of ``name``: ``'boto'`` or ``'boto3'``.

    The boto3 backend's module is loaded on first use (it imports neither
    boto3 nor botocore until a pool needs them).

    :rtype: :class:`Backend`
    :raises InvalidArgumentTypeError: ``name`` is not a string.
    :raises InvalidArgumentError: no backend has that name (the message
        names it, and the valid names).
    """
    if not isinstance(name, six.string_types):
        raise wrong_type('backend', ' or '.join(repr(n) for n in NAMES),
                         name)
    where = _WHERE.get(name)
    if where is None:
        raise not_one_of(InvalidArgumentError, 'unknown backend %r'
                         % (name,), name, NAMES, 'backends')
    module, attr = where
    return getattr(importlib.import_module(module), attr)


def resolve(backend, default='boto'):
    """A :class:`Backend` from what a pool class or argument says: a
    backend itself, a name, or None for ``default``.

    :raises InvalidArgumentTypeError: neither a name nor a backend.
    :raises InvalidArgumentError: an unknown name.
    """
    if isinstance(backend, Backend):
        return backend
    if backend is None:
        backend = default
    if not isinstance(backend, six.string_types):
        raise wrong_type('backend', "'boto', 'boto3', a "
                         'mangrove.backends.Backend or None', backend)
    return named(backend)


def of(conn):
    """The backend whose kind of connection ``conn`` is: what follows the
    pages of a connection handed over bare, outside any pool.

    :rtype: :class:`Backend`
    :raises InvalidArgumentTypeError: ``conn`` is neither a classic boto
        connection nor a boto3 client.
    """
    for name in NAMES:
        backend = named(name)
        if backend.owns(conn):
            return backend
    raise wrong_type('conn', 'a classic boto connection or a boto3 client',
                     conn)
