"""`contextsms discover`: what lives in a ContextSMS account, as an inventory.

Resellers hold hundreds of enterprises and thousands of numbers made in the portal
before any stack existed. This module reads them and turns them into an
`inventory.Inventory` whose records `declare_inventory` adopts, or compares them with an
inventory file (``--check``) to show drift that a stack cannot see. It sends only the
login and GETs, never a write. No printing and no files: `cli` does those; the client
is passed in, so tests can count and fake its calls.

Requests (docs/discover.md): one login, then on Teams the CSP's enterprise list and one
mapping list per enterprise; on Webex, which cannot list enterprises, one GET and one
mapping list per named enterprise plus the CSP's mapping pages (to report the numbers of
enterprises not named). At most `MAX_WORKERS` run at once.
"""

from .account import Account, Found, read_account
from .drift import CheckResult, check, check_scope
from .export import (
    Built,
    build_inventory,
    counted,
    enterprise_key,
    header,
    program,
    unnamed_numbers,
)
from .target import (
    INVENTORY_FILE,
    MAX_WORKERS,
    PROGRAM_FILE,
    Progress,
    Target,
    explain_failure,
    resolve_target,
    stack_settings,
)

__all__ = [
    "INVENTORY_FILE",
    "MAX_WORKERS",
    "PROGRAM_FILE",
    "Account",
    "Built",
    "CheckResult",
    "Found",
    "Progress",
    "Target",
    "build_inventory",
    "check",
    "check_scope",
    "counted",
    "enterprise_key",
    "explain_failure",
    "header",
    "program",
    "read_account",
    "resolve_target",
    "stack_settings",
    "unnamed_numbers",
]
