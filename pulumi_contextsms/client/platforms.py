"""The two ContextSMS APIs and their documented environments.

A module of its own, free of pydantic and httpx: the providers name platforms in their
module constants, which the Pulumi program process imports with the resource classes.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ENTERPRISE_ONLY", "MAPPING_ONLY", "Environment", "Platform"]


class Platform(StrEnum):
    """Which ContextSMS API: the Webex Bot API (v1) or the Teams Platform API (v2)."""

    WEBEX = "webex"
    TEAMS = "teams"


class Environment(StrEnum):
    """Which documented environment's bases to use."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


# The fields only one API has (field -> its platform): the specs refuse them on the
# other platform, the providers' check() reports them, the inventory file names them.
ENTERPRISE_ONLY: dict[str, Platform] = {"default_mms_selection": Platform.WEBEX}
MAPPING_ONLY: dict[str, Platform] = {"mms_enabled": Platform.WEBEX, "name": Platform.TEAMS}
