"""`contextsms discover --check`: drift the stack cannot see (a number added in the
portal, a record deleted there, a field changed in the file), one line each, exit 1;
exit 0 when the account and the file agree. It writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from discover_support import CSP, client, connect, enterprise, phone, run, seed

from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.client import MappingSpec

FILE = Path("contextsms.yaml")


def discovered(
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    platform: str,
    count: int = 2,
) -> list[str]:
    """Seed `count` enterprises, discover them; their ids."""
    made = seed(emulator, platform, [enterprise(platform, n) for n in range(count)])
    ids = [e["enterprise_id"] for e in made["enterprises"]]
    connect(monkeypatch, emulator, platform)
    named = ["--enterprise", *ids] if platform == "webex" else []
    assert run(capsys, "discover", *named).code == 0
    return ids


@pytest.mark.parametrize("platform", ["teams", "webex"])
def test_check_exits_0_when_the_account_and_the_file_agree(
    platform: str,
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    discovered(emulator, monkeypatch, capsys, platform)
    before = FILE.read_text()
    base = emulator.teams_api_base if platform == "teams" else emulator.webex_api_base

    result = run(capsys, "discover", "--check")

    assert (result.code, result.err) == (0, "")
    assert result.lines == [
        f"contextsms.yaml agrees with ContextSMS: 2 enterprises, 4 numbers ({platform} {base}, "
        f"CSP {CSP})"
    ]
    assert FILE.read_text() == before


@pytest.mark.parametrize("platform", ["teams", "webex"])
def test_a_number_added_in_the_portal_is_reported_unmanaged(
    platform: str,
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, _ = discovered(emulator, monkeypatch, capsys, platform)
    with client(emulator, platform) as portal:
        added = portal.create_mapping(
            first,
            MappingSpec(
                phone_number="+15559990001",
                messaging_app_type="Webex" if platform == "webex" else "Teams",
                messaging_app_id="new-app",
            ),
        )

    result = run(capsys, "discover", "--check")

    assert result.code == 1
    assert result.lines == [
        f"unmanaged: number +15559990001 ({added.mapping_id}, enterprise {first}) is in "
        "ContextSMS, not in the file",
        "1 difference between ContextSMS and contextsms.yaml",
    ]


def test_records_deleted_in_the_portal_are_reported_gone(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = discovered(emulator, monkeypatch, capsys, "teams")
    with client(emulator, "teams") as portal:
        mapping = portal.list_mappings(first)[0]
        portal.delete_mapping(mapping.mapping_id)
        portal.delete_enterprise(second)

    result = run(capsys, "discover", "--check")

    assert result.code == 1
    assert result.lines == [
        f"gone: enterprises.acme-dental-0.numbers.{mapping.phone_number} ({mapping.mapping_id}) "
        "is no longer in ContextSMS",
        f"gone: enterprises.acme-dental-1 ({second}) is no longer in ContextSMS",
        "2 differences between ContextSMS and contextsms.yaml",
    ]


def test_webex_enterprise_deleted_in_the_portal_is_reported_gone(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, second = discovered(emulator, monkeypatch, capsys, "webex")
    with client(emulator, "webex") as portal:
        portal.delete_enterprise(second)

    result = run(capsys, "discover", "--check")

    assert result.code == 1
    assert result.lines == [
        f"gone: enterprises.acme-dental-1 ({second}) is no longer in ContextSMS",
        "1 difference between ContextSMS and contextsms.yaml",
    ]


def test_an_enterprise_made_in_the_portal_is_reported_with_its_numbers(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    discovered(emulator, monkeypatch, capsys, "teams")
    later = seed(emulator, "teams", [enterprise("teams", 5, numbers=1)])
    new_id = later["enterprises"][0]["enterprise_id"]
    mapping_id = later["mappings"][0]["mapping_id"]

    result = run(capsys, "discover", "--check")

    assert result.code == 1
    assert result.lines == [
        f"unmanaged: enterprise {new_id} 'Acme Dental 5' is in ContextSMS, not in the file",
        f"unmanaged: number {phone(5, 0)} ({mapping_id}, enterprise {new_id}) is in "
        "ContextSMS, not in the file",
        "2 differences between ContextSMS and contextsms.yaml",
    ]


def test_fields_that_differ_and_records_to_create_are_reported(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = discovered(emulator, monkeypatch, capsys, "webex")
    text = FILE.read_text()
    text = text.replace("contact: Sarah Johnson 0", "contact: Someone Else", 1)
    text = text.replace("messaging_app_id: app-1-1", "messaging_app_id: app-moved", 1)
    text = text.replace(  # a number the file adds: pulumi up would create it
        "  acme-dental-1:",
        "      '+15559990002':\n        messaging_app_id: new-bot\n  acme-dental-1:",
        1,
    )
    FILE.write_text(text)

    result = run(capsys, "discover", "--check")

    assert result.code == 1
    assert result.lines == [
        "differs: enterprises.acme-dental-0.contact: 'Sarah Johnson 0' in ContextSMS, "
        "'Someone Else' in the file",
        "to create: enterprises.acme-dental-0.numbers.+15559990002 has no id: `pulumi up` will "
        "create it",
        f"differs: enterprises.acme-dental-1.numbers.{phone(1, 1)}.messaging_app_id: 'app-1-1' "
        "in ContextSMS, 'app-moved' in the file",
        "3 differences between ContextSMS and contextsms.yaml",
    ]


def test_webex_check_notes_numbers_of_enterprises_it_does_not_cover(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    discovered(emulator, monkeypatch, capsys, "webex")
    seed(emulator, "webex", [enterprise("webex", 8, numbers=1)])

    result = run(capsys, "discover", "--check")

    assert result.code == 0
    assert result.lines[0] == (
        f"not compared: 1 number under other enterprises of CSP {CSP} (Webex cannot list "
        f"enterprises: name them with --enterprise): {phone(8, 0)}"
    )


def test_check_without_a_file_is_an_error(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    connect(monkeypatch, emulator, "teams")

    result = run(capsys, "discover", "--check", "--out", "elsewhere")

    assert result.code == 1
    assert result.err == (
        "contextsms discover: elsewhere/contextsms.yaml does not exist: run `contextsms "
        "discover` first, or point --out at the directory that holds it\n"
    )
    assert not Path("elsewhere").exists()


def test_a_number_mapped_again_under_a_new_id_agrees_with_a_note(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A move or a replacement by `pulumi up` maps the number under a new id: the file's
    old id only served the first adoption, so the number still agrees."""
    first, _second = discovered(emulator, monkeypatch, capsys, "teams")
    with client(emulator, "teams") as portal:
        old = portal.list_mappings(first)[0]
        portal.delete_mapping(old.mapping_id)
        new = portal.create_mapping(
            first,
            MappingSpec(
                phone_number=old.phone_number or "",
                messaging_app_type="Teams",
                messaging_app_id=old.messaging_app_id or "",
                name=old.name,
            ),
        )

    result = run(capsys, "discover", "--check")

    assert result.code == 0, result.lines
    assert (
        f"enterprises.acme-dental-0.numbers.{old.phone_number} is mapped as {new.mapping_id}, "
        f"not {old.mapping_id} (made again since the file was written, e.g. by a move): "
        "`contextsms discover` refreshes the ids"
    ) in result.lines
