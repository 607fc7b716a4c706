"""The inventory file: what loads, what is refused (naming the file, the entry and the
fix), how sources merge, and that what `dump` writes loads back unchanged."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pulumi_contextsms.failures import InventoryError
from pulumi_contextsms.inventory import Inventory, dump, load

WEBEX = """\
platform: webex
enterprises:
  abc-marketing:
    id: E0000123
    name: ABC Marketing Company
    contact: Sarah Johnson
    phone_number: +15551234567
    email: sarah@abcmarketing.com
    default_mms_selection: true
    numbers:
      +15551234567:
        id: NTMAP0000456
        messaging_app_id: webex-bot-12345
        mms_enabled: true
      +15551234568:
        messaging_app_id: webex-bot-12346
"""


def write(tmp_path: Path, text: str, name: str = "contextsms.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(*sources: object, platform: str | None = None) -> list[str]:
    with pytest.raises(InventoryError) as info:
        load(*sources, platform=platform)  # type: ignore[arg-type]
    return info.value.problems


def test_a_webex_inventory_loads_with_unquoted_numbers_as_text(tmp_path):
    inventory = load(write(tmp_path, WEBEX), platform="webex")

    entry = inventory.enterprises["abc-marketing"]
    assert entry.id == "E0000123"
    assert entry.phone_number == "+15551234567"
    assert [(key, number, n.id) for key, number, n in inventory.numbers()] == [
        ("abc-marketing", "+15551234567", "NTMAP0000456"),
        ("abc-marketing", "+15551234568", None),
    ]


def test_what_dump_writes_loads_back_equal_after_its_header(tmp_path):
    inventory = load(write(tmp_path, WEBEX))
    text = dump(inventory, "discovered from webex\non 2026-12-06")

    assert text.startswith("# discovered from webex\n# on 2026-12-06\n")
    assert load(write(tmp_path, text, "again.yaml")) == inventory


def test_an_unknown_key_is_named_with_its_file_entry_and_fix(tmp_path):
    path = write(tmp_path, WEBEX.replace("        mms_enabled: true", "        mms: true"))
    assert problems(path) == [
        f"{path}: enterprises.abc-marketing.numbers.+15551234567.mms: unknown key 'mms': "
        "remove it, or fix its spelling"
    ]


def test_a_number_that_is_not_e164_is_refused_naming_the_entry(tmp_path):
    path = write(tmp_path, WEBEX.replace("      +15551234568:", "      5551234568:"))
    assert problems(path) == [
        f"{path}: enterprises.abc-marketing.numbers.5551234568: '5551234568' is not an E.164 "
        "phone number: expected '+' followed by the country code and number, digits only "
        "(for example +15551234567)"
    ]


def test_a_number_listed_under_two_enterprises_is_refused(tmp_path):
    second = """\
      other:
        name: Other Co
        contact: Jo
        phone_number: +15550000000
        email: jo@other.com
        numbers:
          +15551234567:
            messaging_app_id: bot
    """
    path = write(tmp_path, WEBEX + textwrap.indent(textwrap.dedent(second), "  "))
    assert problems(path) == [
        f"{path}: enterprises.other.numbers.+15551234567: +15551234567 is also listed under "
        "enterprises.abc-marketing: a number maps once; keep it under one enterprise"
    ]


def test_a_key_written_twice_in_one_mapping_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, WEBEX.replace("        mms_enabled: true", "        id: NTMAP0000457"))
    assert problems(path) == [
        f"{path}, line 14: id is written twice (also on line 12): keep one",
    ]


def test_a_field_of_the_other_platform_is_refused_for_the_stack_platform(tmp_path):
    path = write(tmp_path, WEBEX.replace("platform: webex\n", ""))
    assert problems(path, platform="teams") == [
        f"{path}: enterprises.abc-marketing.default_mms_selection belongs to the Webex API; "
        "this inventory is declared on teams: remove it",
        f"{path}: enterprises.abc-marketing.numbers.+15551234567.mms_enabled belongs to the "
        "Webex API; this inventory is declared on teams: remove it",
    ]


def test_a_file_of_the_other_platform_is_refused_before_its_fields(tmp_path):
    path = write(tmp_path, WEBEX)
    found = problems(path, platform="teams")
    assert found[0] == (
        f"{path}: platform is webex, but these resources use contextsms:platform=teams: its "
        "ids belong to the other API; discover this account again with this stack's "
        "settings, or declare it with a profile of platform webex"
    )


def test_bad_field_values_say_how_to_fix_them(tmp_path):
    path = write(
        tmp_path,
        WEBEX.replace("sarah@abcmarketing.com", "not-an-address").replace(
            "    contact: Sarah Johnson\n", ""
        ),
    )
    assert problems(path) == [
        f"{path}: enterprises.abc-marketing.contact: Field required; add it",
        f"{path}: enterprises.abc-marketing.email: value is not a valid email address: An email "
        "address must have an @-sign; use an address like name@example.com",
    ]


def test_a_resource_key_must_be_a_plain_name(tmp_path):
    path = write(tmp_path, WEBEX.replace("  abc-marketing:", "  abc marketing:"))
    assert problems(path) == [
        f"{path}: enterprises.abc marketing: a resource key uses letters, digits, '.', '_' "
        "and '-' (at most 100, starting with a letter or digit): rename it"
    ]


def test_an_overlay_changes_adds_and_removes_entries_of_the_base(tmp_path):
    base = write(tmp_path, WEBEX)
    overlay = write(
        tmp_path,
        """\
        enterprises:
          abc-marketing:
            contact: Jane Roe
            numbers:
              +15551234568: null
              +15559990000:
                messaging_app_id: dev-bot
        """,
        "contextsms.dev.yaml",
    )
    inventory = load(base, overlay)

    entry = inventory.enterprises["abc-marketing"]
    assert (entry.contact, entry.name) == ("Jane Roe", "ABC Marketing Company")
    assert sorted(entry.numbers) == ["+15551234567", "+15559990000"]
    assert load(base, {"enterprises": {"abc-marketing": None}}).enterprises == {}


def test_a_problem_in_an_overlay_names_the_overlay(tmp_path):
    base = write(tmp_path, WEBEX)
    overlay = write(
        tmp_path,
        "enterprises:\n  abc-marketing:\n    numbers:\n      +15559990000: {bot: x}\n",
        "contextsms.dev.yaml",
    )
    assert problems(base, overlay) == [
        f"{overlay}: enterprises.abc-marketing.numbers.+15559990000.messaging_app_id: Field "
        "required; add it",
        f"{overlay}: enterprises.abc-marketing.numbers.+15559990000.bot: unknown key 'bot': "
        "remove it, or fix its spelling",
    ]


def test_a_dict_is_an_inventory_too():
    inventory = load(
        {
            "enterprises": {
                "x": {
                    "name": "X",
                    "contact": "Y",
                    "phone_number": "+15550000001",
                    "email": "x@example.com",
                }
            }
        }
    )
    assert isinstance(inventory, Inventory) and list(inventory.enterprises) == ["x"]


def test_a_file_that_cannot_be_read_or_parsed_is_one_line(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert problems(missing) == [
        f"{missing}: no such file: write it with `contextsms discover --out {missing}`, or fix "
        "the path (relative to the project's directory)"
    ]
    broken = write(tmp_path, "enterprises: [\n", "broken.yaml")
    assert problems(broken)[0].startswith(f"{broken}, line 2:")
