# Type information for mangrove.boto3backend, a path of 1.1: the module moved to
# mangrove.clients.backend in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.clients.backend import (
    MINIMUM_PYTHON as MINIMUM_PYTHON, CLIENT_KEYWORDS as CLIENT_KEYWORDS,
    Boto3Backend as Boto3Backend, boto3_backend as boto3_backend,
    require_boto3 as require_boto3, is_client as is_client,
    check_client_keywords as check_client_keywords)

__all__ = ['MINIMUM_PYTHON', 'CLIENT_KEYWORDS', 'Boto3Backend',
           'boto3_backend', 'require_boto3', 'is_client',
           'check_client_keywords']
