"""The names that pickled providers in users' state refer to keep loading, for ever.

Every ``__provider`` blob in every golden state (tests/golden/<version>/) is walked
opcode by opcode for the classes it names, each name is imported, and the blob is
really unpickled (with dill, as the provider process does) into a provider. New
resources must name only the classes of `pulumi_contextsms._state_refs`.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import pickletools
import subprocess
import sys
from pathlib import Path
from typing import Any

import dill
import pulumi.dynamic
import pytest
from pulumi.dynamic.dynamic import serialize_provider

import pulumi_contextsms as contextsms
from pulumi_contextsms import _state_refs
from pulumi_contextsms.providers.provider import ContextSmsProvider

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
STRINGS = {
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "UNICODE",
    "BINUNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE8",
}
SILENT = {"PROTO", "FRAME", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "STOP"}
# What a blob may name besides our classes: the standard library's object rebuilders.
STDLIB = {"builtins", "copyreg", "dill._dill"}


def golden_blobs() -> list[tuple[str, bytes]]:
    """(where, blob) for every `__provider` in every golden state's inputs and outputs."""
    found = []
    for stack in sorted(GOLDEN.glob("*/*/stack.json")):
        where = f"{stack.parent.parent.name}/{stack.parent.name}"
        for resource in json.loads(stack.read_text())["deployment"]["resources"]:
            for part in ("inputs", "outputs"):
                value = (resource.get(part) or {}).get("__provider")
                if value is not None:
                    assert isinstance(value, str), f"{where}: a secret blob cannot be checked"
                    found.append((f"{where} {resource['urn']} {part}", base64.b64decode(value)))
    return found


def named_classes(blob: bytes) -> set[tuple[str, str]]:
    """(module, name) of every GLOBAL and STACK_GLOBAL in the pickle, from its opcodes.

    A STACK_GLOBAL takes its module and name from the two values pushed just before it,
    as strings or as memo lookups; the walk follows exactly that much of the stack."""
    names: set[tuple[str, str]] = set()
    pushed: list[Any] = []
    memo: dict[int, Any] = {}
    for opcode, arg, _ in pickletools.genops(blob):
        op = opcode.name
        if op == "GLOBAL":
            module, name = arg.split(" ", 1)
            names.add((module, name))
            pushed.append(None)
        elif op == "STACK_GLOBAL":
            name, module = pushed.pop(), pushed.pop()
            assert isinstance(module, str) and isinstance(name, str), (module, name)
            names.add((module, name))
            pushed.append(None)
        elif op in STRINGS:
            pushed.append(arg)
        elif op == "MEMOIZE":
            memo[len(memo)] = pushed[-1]
        elif op in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = pushed[-1]
        elif op in ("GET", "BINGET", "LONG_BINGET"):
            pushed.append(memo[arg])
        elif op not in SILENT:
            pushed.append(None)
    return names


class RecordingUnpickler(dill.Unpickler):  # type: ignore[misc]
    """dill's unpickler, noting every class it looks up."""

    def __init__(self, blob: bytes) -> None:
        super().__init__(io.BytesIO(blob))
        self.looked_up: set[tuple[str, str]] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.looked_up.add((module, name))
        return super().find_class(module, name)


def ours(names: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(m, n) for m, n in names if m not in STDLIB}


def stored_names() -> set[tuple[str, str]]:
    return {(m, n) for m, names in _state_refs.STORED_NAMES.items() for n in names}


BLOBS = golden_blobs()


def test_the_goldens_hold_blobs_of_every_provider_class_ever_written() -> None:
    """Not a vacuous pass: the goldens of 0.1.0 alone hold seven resources' blobs."""
    assert len(BLOBS) >= 14  # seven resources, inputs and outputs
    named = set().union(*(ours(named_classes(blob)) for _, blob in BLOBS))
    assert {
        ("pulumi_contextsms.providers.enterprise", "EnterpriseProvider"),
        ("pulumi_contextsms.providers.mapping", "NumberMappingProvider"),
        ("pulumi_contextsms.providers.csp", "CspProvider"),
    } <= named


@pytest.mark.parametrize(("where", "blob"), BLOBS, ids=[w for w, _ in BLOBS])
def test_every_class_a_stored_blob_names_imports_and_unpickles_into_a_provider(
    where: str, blob: bytes
) -> None:
    names = named_classes(blob)
    for module, name in names:
        assert hasattr(importlib.import_module(module), name), f"{where}: {module}.{name}"
    unpickler = RecordingUnpickler(blob)
    provider = unpickler.load()
    assert unpickler.looked_up == names  # the opcode walk saw exactly what loading needs
    assert isinstance(provider, pulumi.dynamic.ResourceProvider)
    assert isinstance(provider, ContextSmsProvider)
    assert vars(provider) == {}  # nothing was pickled into the state but the class


def test_every_class_a_golden_names_is_listed_as_stored() -> None:
    named = set().union(*(ours(named_classes(blob)) for _, blob in BLOBS))
    assert named <= stored_names()


@pytest.mark.parametrize(("module", "name"), sorted(stored_names()))
def test_every_stored_name_still_imports_as_an_argument_free_provider(
    module: str, name: str
) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, ContextSmsProvider)
    assert vars(cls()) == {}


def test_the_state_refs_classes_are_defined_there_and_do_nothing_of_their_own() -> None:
    for name in _state_refs.STORED_NAMES["pulumi_contextsms._state_refs"]:
        cls = getattr(_state_refs, name)
        assert (cls.__module__, cls.__qualname__) == ("pulumi_contextsms._state_refs", name)
        own = {name for name in vars(cls) if not (name.startswith("__") and name.endswith("__"))}
        assert own == set(), own  # Python's own dunders only (3.13 adds some)
        assert cls.__doc__


def resource_providers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The provider object each resource class hands to the SDK."""
    seen: dict[str, Any] = {}

    def capture(self: Any, provider: Any, name: str, props: Any, opts: Any = None) -> None:
        seen[type(self).__name__] = provider

    monkeypatch.setattr(pulumi.dynamic.Resource, "__init__", capture)
    contextsms.Enterprise("e", name="n", contact="c", phone_number="+1555", email="a@b.c")
    contextsms.NumberMapping("m", enterprise_id="E1", phone_number="+1555", messaging_app_id="a")
    contextsms.Csp("c", email="a@b.c", name="n")
    return seen


def test_new_resources_pickle_only_the_state_refs_classes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    providers = resource_providers(monkeypatch)
    assert set(providers) == {"Enterprise", "NumberMapping", "Csp"}
    for resource, provider in providers.items():
        blob = base64.b64decode(serialize_provider(provider))  # the SDK's own serializer
        names = named_classes(blob)
        assert ours(names) == {("pulumi_contextsms._state_refs", f"{resource}Provider")}
        assert names <= stored_names()
        assert "BUILD" not in {op.name for op, _, _ in pickletools.genops(blob)}


def test_unpickling_a_state_refs_class_imports_nothing_off_the_read_path() -> None:
    """The provider process of every refresh and destroy pays for what this imports."""
    code = "import sys, pulumi_contextsms._state_refs; print('\\n'.join(sys.modules))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "pulumi_contextsms.providers.mapping" in loaded
    assert loaded.isdisjoint(
        {"email_validator", "pulumi_contextsms.resources", "pulumi_contextsms.functions"}
    )
