"""Which service a record of an earlier emulator belongs to: such records carry no ``service``.

Until the two services were separated, every record lived in one shared space, so a
dump (``GET /_emulator/records``, e.g. ``tests/golden/*/records.json``) or a database
file of that time does not say which API made it. The rules, first match wins:

- a CSP is ``teams``: only the Teams API creates CSPs;
- a mapping follows its ``messaging_app_type``: ``Webex`` → webex, ``Teams`` → teams
  (each API accepts exactly its own);
- an enterprise follows its mappings; without any, ``default_mms_selection: true``
  makes it ``webex`` (only the Webex API sets it), and a CSP of the Teams service (a
  created CSP) makes it ``teams``.

What the rules cannot tell is returned as :class:`Unplaced`; the caller decides (a
records file is refused, a database falls back: see :mod:`contextsms_emulator.schema`).
Records arrive as raw JSON objects and may be malformed: anything this module cannot
read is left alone for validation to report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from contextsms_emulator.services import SERVICES, TEAMS, WEBEX, Service, of_app_type

Record = dict[str, Any]


class Unplaced(NamedTuple):
    """A record the rules cannot place, and why."""

    kind: str  # "mapping" or "enterprise"
    record_id: str
    reason: str

    def message(self) -> str:
        return (
            f"{self.kind} {self.record_id}: cannot tell its service ({self.reason}); "
            'add "service": "webex" or "teams" to it'
        )


def _records(items: Any) -> list[Record]:
    return [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []


def _service(record: Record) -> Service | None:
    value = record.get("service")
    return value if value in SERVICES else None


def place(
    csps: Any, enterprises: Any, mappings: Any, *, teams_csps: Iterable[str] = ()
) -> list[Unplaced]:
    """Set ``service`` on every record that lacks it and the rules place; the rest, unplaced."""
    unplaced: list[Unplaced] = []
    for csp in _records(csps):
        csp.setdefault("service", TEAMS)
    known_teams_csps = {*teams_csps, *(c.get("csp_id") for c in _records(csps))}

    by_enterprise: defaultdict[object, set[Service]] = defaultdict(set)
    for mapping in _records(mappings):
        if "service" not in mapping:
            app_type = mapping.get("messaging_app_type")
            service = of_app_type(app_type) if isinstance(app_type, str) else None
            if service is None:
                unplaced.append(
                    Unplaced(
                        "mapping",
                        str(mapping.get("mapping_id")),
                        f"messaging_app_type {app_type!r} is neither 'Webex' nor 'Teams'",
                    )
                )
                continue
            mapping["service"] = service
        placed = _service(mapping)
        enterprise_id = mapping.get("enterprise_id")
        if placed is not None and isinstance(enterprise_id, str):
            by_enterprise[enterprise_id].add(placed)

    for enterprise in _records(enterprises):
        if "service" in enterprise:
            continue
        found = by_enterprise.get(enterprise.get("enterprise_id"), set())
        reason = None
        if len(found) == 1:
            enterprise["service"] = next(iter(found))
        elif found:
            reason = "its mappings belong to both services"
        elif enterprise.get("default_mms_selection") is True:
            enterprise["service"] = WEBEX
        elif enterprise.get("csp_id") in known_teams_csps:
            enterprise["service"] = TEAMS
        else:
            reason = (
                f"no mapping, default_mms_selection is not true, and CSP "
                f"{enterprise.get('csp_id')} is not a Teams CSP"
            )
        if reason is not None:
            unplaced.append(Unplaced("enterprise", str(enterprise.get("enterprise_id")), reason))
    return unplaced
