# Type information for mangrove.clientclasses, a path of 1.1: the module moved to
# mangrove.clients.classes in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.clients.classes import (
    sharing as sharing, ENVIRONMENT_VARIABLE as ENVIRONMENT_VARIABLE)

__all__ = ['sharing', 'ENVIRONMENT_VARIABLE']
