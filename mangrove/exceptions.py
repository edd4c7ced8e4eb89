# -*- coding: utf-8 -*-
"""
Every error mangrove raises.

Each one is a :class:`MangroveError`, and also the builtin a caller would
naturally catch: a region missing from a pool's mapping is a
:class:`KeyError`, a bad value a :class:`ValueError`, a bad type a
:class:`TypeError`. Messages name the bad value and what would be valid;
they never contain a secret.
"""
from __future__ import absolute_import

from concurrent.futures import TimeoutError as _FuturesTimeoutError


class MangroveError(Exception):
    """Base class of every error raised by mangrove."""

    def __str__(self):
        # KeyError's own __str__ quotes its argument; a message reads better.
        return self.args[0] if self.args else ''


class InvalidArgumentError(MangroveError, ValueError):
    """An argument has the right type but a value mangrove cannot use."""


class InvalidArgumentTypeError(MangroveError, TypeError):
    """An argument has a type mangrove cannot use."""


class InvalidServiceError(InvalidArgumentError):
    """A service name that the service registry does not know."""


class UnknownRegionError(InvalidArgumentError):
    """A region name that the service does not know."""


class InvalidDeclarationError(InvalidArgumentError):
    """A ``service`` or ``services`` class attribute of the wrong shape."""


class RegionNotInPoolError(MangroveError, KeyError):
    """A region looked up in a pool that does not hold it."""


class NoDefaultRegionError(MangroveError, LookupError):
    """``regions.default`` read on a pool that has no default region."""


class NotConnectedError(MangroveError, RuntimeError):
    """A region connection used before the pool's ``connect()``."""


class FanOutError(MangroveError):
    """One or more regions of a fan-out failed; ``.results`` holds them all."""

    def __init__(self, message, results=None):
        super(FanOutError, self).__init__(message)
        self.results = results


class FanOutTimeoutError(MangroveError, _FuturesTimeoutError):
    """A region of a fan-out did not answer within the call's timeout."""
