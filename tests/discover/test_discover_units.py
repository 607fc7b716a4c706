"""The pieces of discover without a server: resource keys, records the inventory cannot
hold, and the bounded pool of listings (a fake client)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pulumi_contextsms.client import ConnectionSettings, Platform
from pulumi_contextsms.client.models import Enterprise, NumberMapping
from pulumi_contextsms.discover import (
    MAX_WORKERS,
    Account,
    Found,
    Target,
    build_inventory,
    enterprise_key,
    read_account,
)
from pulumi_contextsms.inventory import KEY_PATTERN, Inventory


def target(platform: str = "teams") -> Target:
    settings = ConnectionSettings.resolve(
        platform, api_base="http://127.0.0.1:1/api/v2", username="u", password="p"
    )
    return Target(settings, "CSP0000001")


def record(n: int, **fields: Any) -> Enterprise:
    values = {
        "enterpriseId": f"E{n:07d}",
        "name": f"Clinic {n}",
        "contact": "Dr. Who",
        "number": f"+1555000{n:04d}",
        "email": f"c{n}@example.com",
        **fields,
    }
    return Enterprise.model_validate(values)


def mapping(n: int, phone: str, **fields: Any) -> NumberMapping:
    values = {"numberToMessageAppMapId": f"NTMAP{n:07d}", "phoneNumber": phone}
    return NumberMapping.model_validate({"messagingAppId": f"app-{n}", **values, **fields})


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ABC Marketing Company", "abc-marketing-company"),
        ("  Dr. Maria's  Dental & Co. ", "dr-maria-s-dental-co"),
        ("Café Zoë", "cafe-zoe"),
        ("株式会社", "enterprise"),
        ("", "enterprise"),
        ("x" * 80, "x" * 60),
        ("a" * 59 + " b", "a" * 59),
    ],
)
def test_keys_are_slugs_of_the_name(name: str, key: str) -> None:
    assert enterprise_key(name, "E0000001", ()) == key
    assert KEY_PATTERN.match(key)


def test_a_taken_key_gets_the_lowercased_id() -> None:
    assert enterprise_key("Acme", "E0000042", {"acme"}) == "acme-e0000042"


def test_keys_of_the_previous_file_are_never_given_to_another_enterprise() -> None:
    previous = Inventory.model_validate(
        {
            "enterprises": {
                "clinic-1": {  # another enterprise of that name, not read this time
                    "id": "E0000009",
                    "name": "Clinic 1",
                    "contact": "Dr. Who",
                    "phone_number": "+15550009999",
                    "email": "c9@example.com",
                },
                "renamed": {"id": "E0000002", **_fields(2)},
            }
        }
    )
    account = Account((Found(record(1), ()), Found(record(2), ()), Found(record(3), ())))

    built = build_inventory(account, target(), previous)

    assert built.keys == {
        "E0000001": "clinic-1-e0000001",
        "E0000002": "renamed",
        "E0000003": "clinic-3",
    }
    assert list(built.inventory.enterprises) == ["clinic-1-e0000001", "clinic-3", "renamed"]


def _fields(n: int) -> dict[str, str]:
    return {
        "name": f"Clinic {n}",
        "contact": "Dr. Who",
        "phone_number": f"+1555000{n:04d}",
        "email": f"c{n}@example.com",
    }


def test_records_the_inventory_cannot_hold_are_left_out_and_named() -> None:
    good = record(1)
    bad_email = record(2, email="not an address")
    numbers = (
        mapping(1, "+15550001111"),
        mapping(2, "12345"),
        mapping(3, "+15550002222", messagingAppId=""),
    )
    account = Account((Found(good, numbers), Found(bad_email, ())))

    built = build_inventory(account, target())

    assert list(built.inventory.enterprises) == ["clinic-1"]
    assert list(built.inventory.enterprises["clinic-1"].numbers) == ["+15550001111"]
    assert built.left_out == (
        "number +15550002222 (NTMAP0000003) of enterprise E0000001: messaging_app_id: String "
        "should have at least 1 character",
        "number 12345 (NTMAP0000002) of enterprise E0000001: '12345' is not an E.164 phone "
        "number: expected '+' followed by the country code and number, digits only (for "
        "example +15551234567)",
        "enterprise E0000002 ('Clinic 2'): email: value is not a valid email address: An email "
        "address must have an @-sign.",
    )


class PoolClient:
    """A Teams client whose mapping listings wait for `MAX_WORKERS` of them at once, and
    record the most in flight."""

    platform = Platform.TEAMS

    def __init__(self, enterprises: int) -> None:
        self.enterprises = [record(n) for n in range(enterprises)]
        self.barrier = threading.Barrier(MAX_WORKERS, timeout=30)
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0

    def authenticate(self) -> None:
        pass

    def list_enterprises(self, csp_id: str) -> list[Enterprise]:
        return self.enterprises

    def list_mappings(self, enterprise_id: str) -> list[NumberMapping]:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        self.barrier.wait()  # breaks (fails the test) unless MAX_WORKERS arrive together
        with self.lock:
            self.in_flight -= 1
        return []


def test_listings_run_max_workers_at_once_and_no_more() -> None:
    client = PoolClient(3 * MAX_WORKERS)
    progress: list[tuple[int, int, int]] = []

    account = read_account(
        client,  # type: ignore[arg-type]
        "CSP0000001",
        progress=lambda *update: progress.append(update),
    )

    assert len(account.enterprises) == 3 * MAX_WORKERS
    assert client.peak == MAX_WORKERS
    assert progress[0] == (0, 3 * MAX_WORKERS, 0)
    assert progress[-1] == (3 * MAX_WORKERS, 3 * MAX_WORKERS, 0)
