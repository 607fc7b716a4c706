"""Creates in flight, kept on this machine: the evidence `create_safety` uses (its
docstring states the rule). An entry is the declaring resource of the stack (`owner`),
the service, the record's natural key, the Idempotency-Key sent and the ids that existed
before (the snapshot); one small file each, written atomically, settled (removed) when
`create_safety` says so, and no evidence any more after `MAX_AGE`.

Entries live on this machine (``$CONTEXTSMS_STATE_DIR``, else
``$XDG_STATE_HOME/pulumi-contextsms``, else ``~/.local/state/pulumi-contextsms``); on
another machine there is no evidence, and conflicts fail with the ``adopt_id`` recovery.
If the directory cannot be written, the provider warns once and goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["STATE_DIR_ENV", "Entry", "Journal"]

logger = logging.getLogger("pulumi_contextsms")

STATE_DIR_ENV = "CONTEXTSMS_STATE_DIR"
MAX_AGE = timedelta(days=7)
"""An entry older than this is no evidence any more: interrupted runs are recovered
within hours, and an old snapshot says little about who made a record since."""
_VERSION = 1
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _state_dir() -> Path:
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "pulumi-contextsms"


@dataclass(frozen=True)
class Entry:
    """One create this stack sent and has not seen recorded yet."""

    idempotency_key: str
    existing_ids: frozenset[str] | None
    started_at: str

    def to_json(self, ident: Mapping[str, Any]) -> str:
        existing = None if self.existing_ids is None else sorted(self.existing_ids)
        return json.dumps(
            {
                "version": _VERSION,
                **ident,
                "idempotency_key": self.idempotency_key,
                "existing_ids": existing,
                "started_at": self.started_at,
            },
            sort_keys=True,
        )


class Journal:
    """The entries, one small file each (written atomically)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._warned = False
        self._lock = threading.Lock()

    @property
    def directory(self) -> Path:
        return (self._directory or _state_dir()) / "creates"

    def _path(self, ident: Mapping[str, Any]) -> Path:
        digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()
        return self.directory / f"{digest[:32]}.json"

    def _warn(self, action: str, exc: OSError) -> None:
        with self._lock:
            if self._warned:
                return
            self._warned = True
        logger.warning(
            "could not %s the record of creates in flight in %s (%s): an interrupted "
            "run will need adopt_id to take over what it created",
            action,
            self.directory,
            exc,
        )

    def find(self, ident: Mapping[str, Any]) -> Entry | None:
        """The entry for `ident`, if this stack has a create of it in flight."""
        try:
            raw = json.loads(self._path(ident).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring an unreadable entry of creates in flight: %s", exc)
            return None
        if raw.get("version") != _VERSION or any(raw.get(k) != v for k, v in ident.items()):
            return None
        try:
            started = datetime.strptime(str(raw.get("started_at")), _TIME_FORMAT).replace(
                tzinfo=UTC
            )
        except ValueError:
            return None
        if datetime.now(UTC) - started > MAX_AGE:
            self.settle(ident)
            return None
        existing = raw.get("existing_ids")
        return Entry(
            idempotency_key=str(raw["idempotency_key"]),
            existing_ids=None if existing is None else frozenset(existing),
            started_at=str(raw.get("started_at", "")),
        )

    def begin(
        self, ident: Mapping[str, Any], idempotency_key: str, existing_ids: Collection[str] | None
    ) -> Entry:
        """Record a create about to be sent (before its POST)."""
        entry = Entry(
            idempotency_key=idempotency_key,
            existing_ids=None if existing_ids is None else frozenset(existing_ids),
            started_at=datetime.now(UTC).strftime(_TIME_FORMAT),
        )
        path = self._path(ident)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
            with os.fdopen(fd, "w") as handle:
                handle.write(entry.to_json(ident))
            os.replace(tmp, path)
        except OSError as exc:
            self._warn("write", exc)
        return entry

    def settle(self, ident: Mapping[str, Any]) -> None:
        """The record is in the stack's state, or was certainly not created: forget it."""
        try:
            self._path(ident).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._warn("update", exc)
