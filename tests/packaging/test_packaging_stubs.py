"""Each package lists its public names once, in its `__init__.pyi`: type checkers read
it, and `lazy_loader` reads the same file at run time, so a stub missing from the wheel
breaks `import` for users, and a name the stub lists but its module lacks breaks on use.
The wheel test checks the package's other data files too (py.typed, the emulator's seed)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STUBS = sorted(
    path.relative_to(REPO).as_posix()
    for top in ("pulumi_contextsms", "contextsms_emulator")
    for path in (REPO / top).rglob("__init__.pyi")
)
PACKAGES = [stub.removesuffix("/__init__.pyi").replace("/", ".") for stub in STUBS]


def test_every_package_with_exports_has_its_stub() -> None:
    assert set(PACKAGES) >= {
        "pulumi_contextsms",
        "pulumi_contextsms.client",
        "pulumi_contextsms.testing",
        "contextsms_emulator",
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_a_stub_lists_resolves_to_its_object(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__, package
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    assert sorted(dir(module)) == sorted(module.__all__)


def test_the_wheel_ships_every_stub_py_typed_and_the_seed_file(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")  # the dev group's build backend (the 3.11 lane)
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    data = {"pulumi_contextsms/py.typed", "contextsms_emulator/seeds/portal-account.json"}
    assert {*STUBS, *data} <= shipped
