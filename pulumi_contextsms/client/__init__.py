"""A pure API client for ContextSMS: the Webex Bot API (v1) and the Teams Platform API (v2).

No Pulumi import anywhere in this package. Start with::

    from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient, EnterpriseSpec

    settings = ConnectionSettings.resolve(
        "webex", api_base="http://127.0.0.1:8080/api/v1",
        username="demo@contextsms.test", password="demo-password",
    )
    with ContextSmsClient(settings) as client:
        enterprise = client.create_enterprise("CSP0000001", EnterpriseSpec(...))

The rules (what is retried, what counts as success, auth refresh, idempotency and
reconciliation) are in docs/client.md. Exports load on first use (PEP 562): the
settings and errors do not pull in httpx, and reading records does not pull in the
specs' phone-number and email checks.
"""

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
