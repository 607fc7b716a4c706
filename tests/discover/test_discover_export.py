"""`contextsms discover` against a real emulator: what was made in the portal comes back
as an inventory file that loads and equals it, on both platforms."""

from __future__ import annotations

from pathlib import Path

import pytest
from discover_support import CSP, connect, enterprise, expected, phone, run, seed

from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.inventory import load


def test_teams_writes_every_enterprise_of_the_csp_as_seeded(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", n, numbers=3) for n in range(4)])
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover", "--out", "out")

    assert result.code == 0, result.err
    ids = [e["enterprise_id"] for e in made["enterprises"]]
    keys = {i: f"acme-dental-{n}" for n, i in enumerate(ids)}
    assert load(Path("out/contextsms.yaml")) == expected("teams", made, keys)
    assert result.lines == [
        f"wrote out/contextsms.yaml: 4 enterprises, 12 numbers from teams "
        f"{emulator.teams_api_base}, CSP {CSP}",
        "wrote out/__main__.py: a Pulumi program that declares contextsms.yaml",
    ]
    assert result.err == ""


def test_teams_enterprise_option_reads_only_those(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "teams", [enterprise("teams", n) for n in range(3)])
    first, _, third = (e["enterprise_id"] for e in made["enterprises"])
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover", "--enterprise", third, "--enterprise", first)

    assert result.code == 0, result.err
    inventory = load(Path("contextsms.yaml"))
    assert {k: e.id for k, e in inventory.enterprises.items()} == {
        "acme-dental-0": first,
        "acme-dental-2": third,
    }


def test_teams_number_without_name_has_no_name_key(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = enterprise("teams", 1)
    del body["numbers"][0]["name"]
    seed(emulator, "teams", [body])
    connect(monkeypatch, emulator, "teams")

    assert run(capsys, "discover").code == 0
    numbers = load(Path("contextsms.yaml")).enterprises["acme-dental-1"].numbers
    assert numbers[phone(1, 0)].name is None
    assert numbers[phone(1, 1)].name == "Desk 1-1"
    assert (
        "name:"
        not in Path("contextsms.yaml").read_text().split(phone(1, 1))[0].split(phone(1, 0))[1]
    )


def test_webex_writes_the_named_enterprises_and_reports_the_numbers_of_others(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(emulator, "webex", [enterprise("webex", n, numbers=2) for n in range(3)])
    ids = [e["enterprise_id"] for e in made["enterprises"]]
    connect(monkeypatch, emulator, "webex")

    result = run(capsys, "discover", "--enterprise", ids[0], ids[1])

    assert result.code == 0, result.err
    named = {
        "enterprises": made["enterprises"][:2],
        "mappings": [m for m in made["mappings"] if m["enterprise_id"] in ids[:2]],
    }
    keys = {ids[0]: "acme-dental-0", ids[1]: "acme-dental-1"}
    assert load(Path("contextsms.yaml")) == expected("webex", named, keys)
    others = f"{phone(2, 0)}, {phone(2, 1)}"
    assert result.lines[-1] == (
        f"not named: 2 numbers under other enterprises of CSP {CSP} (listed in the file's "
        f"header): {others}"
    )
    text = Path("contextsms.yaml").read_text()
    header = "".join(line[2:] for line in text.splitlines() if line.startswith("#"))
    assert "Not named: 2 numbers under other enterprises of CSP CSP0000001" in header
    assert others in header


def test_webex_without_enterprise_writes_nothing_and_exits_2(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(emulator, "webex", [enterprise("webex", n, numbers=1) for n in range(2)])
    connect(monkeypatch, emulator, "webex")

    result = run(capsys, "discover")

    assert result.code == 2
    assert result.lines == [
        f"2 numbers live under the enterprises of CSP {CSP}: {phone(0, 0)}, {phone(1, 0)}"
    ]
    assert result.err == (
        "contextsms discover: the Webex Bot API cannot list enterprises: name the ones to "
        "discover with --enterprise ID (nothing was written)\n"
    )
    assert list(Path().iterdir()) == []


def test_header_says_what_from_where_when_and_how_to_use_it(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(emulator, "teams", [enterprise("teams", 0, numbers=2)])
    connect(monkeypatch, emulator, "teams")

    assert run(capsys, "discover").code == 0

    header = " ".join(
        line[2:].strip()
        for line in Path("contextsms.yaml").read_text().splitlines()
        if line.startswith("#")
    )
    assert "written by `contextsms discover`" in header
    assert (
        f"(UTC): 1 enterprise, 2 numbers, from teams {emulator.teams_api_base}, CSP {CSP}."
        in header
    )
    assert "`pulumi up` of a program that declares this file" in header
    assert "adopts every record with an `id`: nothing is written to ContextSMS" in header
