# Type information for mangrove.clientpages, a path of 1.1: the module moved to
# mangrove.clients.pages in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.clients.pages import (
    client_pages as client_pages, check_search as check_search)

__all__ = ['client_pages', 'check_search']
