# Type information for mangrove.clientcredentials, a path of 1.1: the module moved to
# mangrove.clients.credentials in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.clients.credentials import (
    holder_credentials as holder_credentials, install_holder as
    install_holder)

__all__ = ['holder_credentials', 'install_holder']
