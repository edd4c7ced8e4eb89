# Type information for mangrove.organizations, a path of 1.1: the module moved to
# mangrove.accounts.organizations in 2.0, and the old path works for one release
# (with a DeprecationWarning).
from mangrove.accounts.organizations import (
    OrganizationsConnection as OrganizationsConnection, Account as Account,
    organization_accounts as organization_accounts, check_parent_ids as
    check_parent_ids, ENDPOINTS as ENDPOINTS)

__all__ = ['OrganizationsConnection', 'Account', 'organization_accounts',
           'check_parent_ids', 'ENDPOINTS']
