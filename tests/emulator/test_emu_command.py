"""The command without the `emulator` extra says what to install instead of a traceback.

(The compat lane runs the real command from the wheel in a venv without the extra.)"""

from __future__ import annotations

import subprocess
import sys
from importlib.machinery import ModuleSpec

import pytest

from contextsms_emulator import command


def test_without_the_extra_the_command_prints_the_install_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = command.find_spec

    def no_fastapi_nor_jwt(name: str) -> ModuleSpec | None:
        return None if name in ("fastapi", "jwt") else real(name)

    monkeypatch.setattr(command, "find_spec", no_fastapi_nor_jwt)
    assert command.main(["--help"]) == 1
    err = capsys.readouterr().err
    assert "(fastapi, PyJWT not installed)" in err
    assert "pip install 'pulumi-contextsms[emulator]'" in err


def test_with_the_extra_the_command_runs_the_emulator_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--load-records" in result.stdout


def test_importing_the_package_needs_none_of_the_extra() -> None:
    code = (
        "import sys, contextsms_emulator, contextsms_emulator.command; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'jwt') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
