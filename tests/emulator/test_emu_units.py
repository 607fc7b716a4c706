"""Small pieces on their own: account specs, password hashing, fault decisions, signatures."""

from __future__ import annotations

import pytest

from contextsms_emulator import AccountSpec, FaultConfig
from contextsms_emulator.accounts import AccountRegistry
from contextsms_emulator.faults import FaultInjector, OneShotFault
from contextsms_emulator.settings import Settings
from contextsms_emulator.stripe_signature import SignatureError, header, verify


def test_account_specs_parse_with_optional_role_and_colons_in_passwords() -> None:
    assert AccountSpec.parse("a@b.co:pw:CSP1") == AccountSpec("a@b.co", "pw", "CSP1", "CSP_ADMIN")
    assert AccountSpec.parse("a@b.co:p:w:CSP1:CSP_BUSINESS") == AccountSpec(
        "a@b.co", "p:w", "CSP1", "CSP_BUSINESS"
    )
    for bad in ("a@b.co:pw", "a@b.co::CSP1", ":pw:CSP1", "a@b.co:pw: "):
        with pytest.raises(ValueError):
            AccountSpec.parse(bad)


def test_passwords_never_appear_in_reprs() -> None:
    spec = AccountSpec.parse("a@b.co:hunter2-secret:CSP1")
    assert "hunter2-secret" not in repr(spec)
    registry = AccountRegistry((spec,))
    account = registry.get("A@B.CO")
    assert account is not None and "hunter2" not in repr(account)
    assert registry.verify("a@b.co", "hunter2-secret") == account
    assert registry.verify("a@b.co", "wrong") is None
    assert registry.verify("nobody@b.co", "hunter2-secret") is None


def test_without_users_the_demo_account_exists() -> None:
    (demo,) = Settings().effective_accounts
    assert (demo.username, demo.password, demo.csp_id, demo.role) == (
        "demo@contextsms.test",
        "demo-password",
        "CSP0000001",
        "CSP_ADMIN",
    )


def test_fault_config_rejects_out_of_range_values() -> None:
    with pytest.raises(ValueError):
        FaultConfig(error_rate=2)
    with pytest.raises(ValueError):
        FaultConfig(latency_ms=-5)


def test_one_shot_faults_come_before_random_ones_and_drops_only_hit_writes() -> None:
    injector = FaultInjector(FaultConfig(error_rate=1.0))
    injector.add_next(OneShotFault("drop", 2))
    assert injector.decide("GET", "/api/v1/x") == "error"  # drop skips reads
    assert injector.decide("DELETE", "/api/v1/x") == "drop"
    assert injector.decide("PUT", "/api/v1/x") == "drop"
    assert injector.decide("POST", "/api/v1/x") == "error"


def test_a_random_drop_never_hits_a_read() -> None:
    injector = FaultInjector(FaultConfig(drop_rate=1.0))
    assert injector.decide("GET", "/api/v1/x") is None
    assert injector.decide("POST", "/api/v1/x") == "drop"


def test_stripe_signatures_round_trip_and_reject_tampering() -> None:
    payload = b'{"id":"evt_1"}'
    signed = header(payload, "whsec_x", timestamp=1_000)
    verify(payload, signed, "whsec_x", tolerance=300, now=1_200)
    verify(payload, signed, "whsec_x", tolerance=0, now=9_999_999)  # 0 disables the age check
    verify(payload, signed, "whsec_x", tolerance=300, now=500)  # future stamps pass, as in Stripe
    with pytest.raises(SignatureError):
        verify(payload + b" ", signed, "whsec_x", tolerance=300, now=1_200)
    with pytest.raises(SignatureError):
        verify(payload, signed, "whsec_x", tolerance=300, now=1_301)
