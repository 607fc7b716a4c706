"""What discover writes: stable keys (kept from the file it rewrites, `-<id>` on a
collision), `__main__.py` once, GETs only, progress on a terminal only, and the
console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from discover_support import (
    CSP,
    Terminal,
    api_calls,
    connect,
    enterprise,
    run,
    seed,
)

from contextsms_emulator import DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms import cli
from pulumi_contextsms.inventory import load

VENV_BIN = Path(sys.executable).parent


def keys(path: str = "contextsms.yaml") -> dict[str, str | None]:
    return {key: e.id for key, e in load(Path(path)).enterprises.items()}


def test_names_that_collide_get_the_id_appended_in_id_order(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["Acme", "ACME!", " acme ", "Café Zoë", "!!!"]
    made = seed(
        emulator, "teams", [enterprise("teams", n, 1, name) for n, name in enumerate(names)]
    )
    ids = [e["enterprise_id"] for e in made["enterprises"]]
    connect(monkeypatch, emulator, "teams")

    assert run(capsys, "discover").code == 0

    assert keys() == {
        "acme": ids[0],
        f"acme-{ids[1].lower()}": ids[1],
        f"acme-{ids[2].lower()}": ids[2],
        "cafe-zoe": ids[3],
        "enterprise": ids[4],
    }
    assert list(keys()) == sorted(keys())


def test_rerun_keeps_the_keys_of_the_existing_file(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", n) for n in range(2)])
    first, second = (e["enterprise_id"] for e in made["enterprises"])
    connect(monkeypatch, emulator, "teams")
    assert run(capsys, "discover").code == 0
    path = Path("contextsms.yaml")
    path.write_text(path.read_text().replace("acme-dental-1:", "front-office:"))
    # made in the portal since: its name's key is taken by the renamed one
    later = seed(emulator, "teams", [enterprise("teams", 7, name="Front Office")])
    third = later["enterprises"][0]["enterprise_id"]

    result = run(capsys, "discover")

    assert result.code == 0, result.err
    assert keys() == {
        "acme-dental-0": first,
        "front-office": second,
        f"front-office-{third.lower()}": third,
    }
    assert result.err == ""


def test_main_py_is_written_once_and_never_overwritten(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(emulator, "teams", [enterprise("teams", 0)])
    connect(monkeypatch, emulator, "teams")

    assert run(capsys, "discover").code == 0
    program = Path("__main__.py")
    text = program.read_text()
    assert 'contextsms.declare_inventory("contextsms.yaml")\n' in text
    assert "written by `contextsms discover`" in text
    compile(text, "__main__.py", "exec")
    program.write_text(text + "# mine\n")

    result = run(capsys, "discover")

    assert result.code == 0
    assert program.read_text() == text + "# mine\n"
    assert result.lines[1] == "kept __main__.py: it exists already"


def test_main_py_names_the_profile() -> None:
    from pulumi_contextsms.discover import program

    text = program("prod")
    assert text.endswith("contextsms.declare_inventory(\"contextsms.yaml\", profile='prod')\n")
    assert "import pulumi_contextsms as contextsms\n" in text
    compile(text, "__main__.py", "exec")


def test_discover_and_check_send_only_the_login_and_gets(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    teams = seed(emulator, "teams", [enterprise("teams", n) for n in range(3)])
    webex = seed(emulator, "webex", [enterprise("webex", n) for n in range(10, 13)])
    emulator.clear_requests()
    connect(monkeypatch, emulator, "teams")
    assert run(capsys, "discover", "--out", "teams").code == 0
    assert run(capsys, "discover", "--out", "teams", "--check").code == 0
    connect(monkeypatch, emulator, "webex")
    webex_ids = [e["enterprise_id"] for e in webex["enterprises"]]
    assert run(capsys, "discover", "--out", "webex", "--enterprise", *webex_ids[:2]).code == 0
    assert run(capsys, "discover", "--out", "webex", "--check").code == 0
    assert run(capsys, "discover", "--out", "none").code == 2

    calls = api_calls(emulator)
    assert [c for c in calls if c[0] != "GET"] == [("POST", "/api/v2/auth/login")] * 2 + [
        ("POST", "/v1/auth/login")
    ] * 3
    assert len(calls) > 20
    assert len(emulator.records()["mappings"]) == len(teams["mappings"]) + len(webex["mappings"])


def test_a_file_of_the_other_platform_is_not_overwritten(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("contextsms.yaml").write_text("platform: webex\nenterprises: {}\n")
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover")

    assert result.code == 1
    assert result.err == (
        "contextsms discover: contextsms.yaml holds a webex inventory and these settings read "
        "teams: discover into another --out DIR (a stack declaring this file would delete its "
        "records)\n"
    )
    assert api_calls(emulator) == []


def test_a_broken_existing_file_is_named_before_any_request(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("contextsms.yaml").write_text("enterprises:\n  acme:\n    name: Acme\n")
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover")

    assert result.code == 1
    assert result.err == (
        "contextsms discover: contextsms.yaml: enterprises.acme.contact: Field required; add it "
        "(and 2 more): fix it, or move it away\n"
    )
    assert api_calls(emulator) == []


def test_rewriting_warns_about_enterprises_of_the_file_not_read(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", n) for n in range(2)])
    first, second = (e["enterprise_id"] for e in made["enterprises"])
    connect(monkeypatch, emulator, "teams")
    assert run(capsys, "discover").code == 0

    result = run(capsys, "discover", "--enterprise", first)

    assert result.code == 0
    assert result.err == (
        f"contextsms discover: warning: contextsms.yaml had enterprises this run did not read, "
        f"now left out of it: acme-dental-1 ({second}); a stack declaring the file deletes them "
        "on `pulumi up`: name them with --enterprise to keep them\n"
    )


def test_progress_is_one_updating_line_on_a_terminal(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, "teams", [enterprise("teams", n, numbers=2) for n in range(3)])
    connect(monkeypatch, emulator, "teams")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert cli.main(["discover"]) == 0

    shown = terminal.getvalue()
    updates = shown.split("\r\x1b[K")
    assert updates[1] == "discovering: 0/3 enterprises, 0 numbers"
    assert updates[-2] == "discovering: 3/3 enterprises, 6 numbers"
    assert updates[-1] == ""  # cleared at the end
    assert "\n" not in shown


def test_console_script_and_module_run_the_command(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    seed(emulator, "teams", [enterprise("teams", 0, numbers=1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTEXTSMS_")}
    env.update(
        CONTEXTSMS_PLATFORM="teams",
        CONTEXTSMS_API_BASE=emulator.teams_api_base,
        CONTEXTSMS_USERNAME=DEMO_USER,
        CONTEXTSMS_PASSWORD=DEMO_PASSWORD,
        CONTEXTSMS_CSP_ID=CSP,
    )
    out = tmp_path / "out"

    script = subprocess.run(
        [str(VENV_BIN / "contextsms"), "discover", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    module = subprocess.run(
        [sys.executable, "-m", "pulumi_contextsms", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (script.returncode, script.stderr) == (0, "")
    assert script.stdout.startswith(f"wrote {out}/contextsms.yaml: 1 enterprise, 1 number")
    assert load(out / "contextsms.yaml").platform == "teams"
    assert module.returncode == 0
    assert "discover  write what lives in a ContextSMS account" in module.stdout


def test_out_naming_a_yaml_file_writes_that_file_and_no_program(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", 0)])
    connect(monkeypatch, emulator, "teams")

    assert run(capsys, "discover", "--out", "inventory/teams.yaml").code == 0

    assert [e.id for e in load(Path("inventory/teams.yaml")).enterprises.values()] == [
        made["enterprises"][0]["enterprise_id"]
    ]
    assert sorted(p.name for p in Path("inventory").iterdir()) == ["teams.yaml"]
    assert not Path("__main__.py").exists()


def test_a_webex_rerun_without_enterprise_reads_the_enterprises_the_file_holds(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "webex", [enterprise("webex", n) for n in range(3)])
    first, second, _third = (e["enterprise_id"] for e in made["enterprises"])
    connect(monkeypatch, emulator, "webex")
    assert run(capsys, "discover", "--enterprise", first, "--enterprise", second).code == 0

    assert run(capsys, "discover").code == 0  # again, naming none: the file's two

    assert sorted(e.id for e in load(Path("contextsms.yaml")).enterprises.values()) == sorted(
        [first, second]
    )
