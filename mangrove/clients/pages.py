# -*- coding: utf-8 -*-
"""
Every page of a boto3 listing, through boto3's own paginator.

What :func:`mangrove.classic.pages.all_pages` is for classic boto:
:func:`client_pages` runs the operation's paginator to the end and returns
the merged result, as boto3's ``PageIterator.build_full_result()`` does
(the pages' lists joined, a ``NextToken`` kept when
``PaginationConfig={'MaxItems': N}`` stopped it early), or, given a JMESPath
expression, every match across the pages, as ``PageIterator.search()``
yields them. An operation that does not paginate is called once (and
searched, if asked).
"""
from __future__ import absolute_import

from mangrove.exceptions import InvalidArgumentError, wrong_type

__all__ = ['client_pages', 'check_search']


def check_search(expression):
    """A JMESPath expression, compiled to check it, or None.

    :raises InvalidArgumentTypeError: not a string.
    :raises InvalidArgumentError: it does not parse.
    """
    if expression is None:
        return None
    if not isinstance(expression, str):
        raise wrong_type('search', "a JMESPath expression such as "
                         "'Reservations[].Instances[].InstanceId'",
                         expression)
    import jmespath
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise InvalidArgumentError(
            'search %r is not a JMESPath expression: %s'
            % (expression, ' '.join(str(exc).split())), value=expression)
    return expression


def client_pages(client, operation, args=(), kwargs=None, max_pages=None,
                 search=None):
    """Call ``operation`` of a boto3 ``client`` and follow its pages.

    :param operation: the client method's name
        (``'describe_instances'``).
    :param kwargs: its keyword arguments (``PaginationConfig`` as boto3
        takes it).
    :param max_pages: refused: boto3 counts items, not pages
        (``PaginationConfig={'MaxItems': N}`` keeps the next token).
    :param search: a JMESPath expression: the list of its matches across
        every page instead of the merged result.
    :raises InvalidArgumentError: positional arguments, or ``max_pages``.
    """
    if args:
        raise InvalidArgumentError(
            'boto3 operations take keyword arguments only; %s was given '
            '%d positional' % (operation, len(args)), value=list(args))
    if max_pages is not None:
        raise InvalidArgumentError(
            "max_pages follows classic boto's pages; for a boto3 client, "
            "pass PaginationConfig={'MaxItems': N} (the result then keeps "
            'its NextToken)', value=max_pages,
            valid="PaginationConfig={'MaxItems': N}")
    kwargs = dict(kwargs or {})
    if not client.can_paginate(operation):
        result = getattr(client, operation)(**kwargs)
        if search is None:
            return result
        import jmespath
        return jmespath.search(search, result)
    pages = client.get_paginator(operation).paginate(**kwargs)
    if search is not None:
        return list(pages.search(search))
    return pages.build_full_result()
