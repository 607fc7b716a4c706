"""The two ContextSMS APIs and their documented environments.

A module of its own, free of pydantic and httpx: the providers name platforms in their
module constants, which the Pulumi program process imports with the resource classes.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Environment", "Platform"]


class Platform(StrEnum):
    """Which ContextSMS API: the Webex Bot API (v1) or the Teams Platform API (v2)."""

    WEBEX = "webex"
    TEAMS = "teams"


class Environment(StrEnum):
    """Which documented environment's bases to use."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"
