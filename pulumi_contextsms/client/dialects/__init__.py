"""The two API dialects: Webex Bot API v1 and Teams Platform API v2."""

from __future__ import annotations

from ..platforms import Platform
from .dialect import Call, Dialect
from .teams import TeamsDialect
from .webex import WebexDialect

__all__ = ["Call", "Dialect", "TeamsDialect", "WebexDialect", "dialect_for"]


def dialect_for(platform: Platform) -> Dialect:
    """The dialect object for `platform`."""
    return WebexDialect() if platform is Platform.WEBEX else TeamsDialect()
