"""Seed files shipped with the emulator (``--seed FILE``, ``POST /_emulator/seed``).

``PORTAL_ACCOUNT``: the demo CSP's account as if made in the ContextSMS portal over the
years, on both services: three Webex enterprises (two named alike) with 35 numbers, MMS
on and off, and three Teams enterprises with 36 numbers, named and unnamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

PORTAL_ACCOUNT: Final = Path(__file__).with_name("portal-account.json")
