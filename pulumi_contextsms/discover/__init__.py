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

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
