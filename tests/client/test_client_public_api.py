"""The package's public surface is deliberate: pinned here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pulumi_contextsms.client as client

PACKAGE_DIR = Path(client.__file__).parent

EXPECTED_ALL = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AmbiguousCreateError",
    "AuthTokens",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConnectionIdentity",
    "ConnectionSettings",
    "ContextSmsClient",
    "ContextSmsError",
    "Csp",
    "CspConfig",
    "CspSpec",
    "DuplicateMappingError",
    "E164PhoneNumber",
    "Enterprise",
    "EnterpriseSpec",
    "Environment",
    "InvalidInputError",
    "MappingPatch",
    "MappingSpec",
    "NotFoundError",
    "NumberMapping",
    "PagingError",
    "PaymentStatus",
    "PermissionDeniedError",
    "Platform",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "Timeouts",
    "UnsupportedOperationError",
    "validate_e164",
    "validate_email_address",
]


def test_all_is_pinned_and_sorted() -> None:
    assert client.__all__ == EXPECTED_ALL
    assert client.__all__ == sorted(client.__all__)


def test_every_name_in_all_exists() -> None:
    for name in client.__all__:
        assert hasattr(client, name), name


def test_no_module_imports_pulumi() -> None:
    for path in PACKAGE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] != "pulumi", f"{path} imports {name}"


def test_importing_the_client_does_not_load_pulumi() -> None:
    # The parent package will import pulumi (the resources); load the client package
    # under an empty stand-in parent so only the client's own imports count.
    code = (
        "import sys, types; "
        "parent = types.ModuleType('pulumi_contextsms'); "
        f"parent.__path__ = [{str(PACKAGE_DIR.parent)!r}]; "
        "sys.modules['pulumi_contextsms'] = parent; "
        "import pulumi_contextsms.client; "
        "assert 'pulumi' not in sys.modules, 'pulumi was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_enums_have_the_documented_values() -> None:
    assert [p.value for p in client.Platform] == ["webex", "teams"]
    assert [e.value for e in client.Environment] == ["development", "production"]
    assert client.Platform("webex") == "webex"


def test_the_client_speaks_no_pulumi_vocabulary() -> None:
    """It takes plain settings and names them neutrally: the stack-config keys and how to
    set them belong to the Pulumi layer (pulumi_contextsms/config.py)."""
    root = Path(client.__file__).parent
    for source in root.rglob("*.py"):
        text = source.read_text()
        assert "contextsms:" not in text, source
        assert "pulumi config" not in text, source
