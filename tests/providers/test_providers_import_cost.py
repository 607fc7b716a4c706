"""The provider process imports only what serving reads and deletes needs: the engine
starts one per command and unpickles a provider on the first call, so every module it
imports is paid on the critical path of every refresh and destroy (docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pulumi_contextsms

NOT_ON_THE_READ_PATH = (
    "email_validator",  # only check() validates emails
    "pulumi_contextsms.resources",  # the program's classes
    "pulumi_contextsms.functions",  # the program's lookups
)


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_unpickling_a_provider_imports_neither_the_resources_nor_email_validation():
    loaded = _modules_after("import pulumi_contextsms.providers.mapping")
    assert "pulumi_contextsms.client" in loaded
    assert loaded.isdisjoint(NOT_ON_THE_READ_PATH)


def test_the_package_still_exports_everything_on_first_use():
    for name in pulumi_contextsms.__all__:
        assert getattr(pulumi_contextsms, name).__name__ == name
    assert set(pulumi_contextsms.__all__) <= set(dir(pulumi_contextsms))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="Enterprize"):
        pulumi_contextsms.Enterprize  # noqa: B018
