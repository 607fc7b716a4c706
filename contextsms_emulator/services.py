"""The two services the emulator serves: the Webex Bot API (v1) and the Teams Platform API (v2).

The documents describe two products on different hosts, each with its own auth service
(Webex: ``usermanagement.sabrhub.com/v1``; Teams: its own ``/api/v2/auth``). The
emulator serves both from one process, one port and one database, but keeps them as
apart as two hosts would be: every CSP, enterprise and mapping belongs to exactly one
service, and a token is accepted only by the API of the auth service that issued it
(its ``aud`` claim). So code written against the emulator cannot come to rely on
records or tokens crossing from one product to the other.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Service = Literal["webex", "teams"]
WEBEX: Final[Service] = "webex"
TEAMS: Final[Service] = "teams"
SERVICES: Final[tuple[Service, ...]] = get_args(Service)

APP_TYPES: Final[dict[Service, str]] = {WEBEX: "Webex", TEAMS: "Teams"}
"""The one ``messagingAppType`` each API accepts, so the one its mappings carry."""
API_NAMES: Final[dict[Service, str]] = {WEBEX: "Webex Bot API", TEAMS: "Teams Platform API"}
API_PREFIXES: Final[dict[Service, str]] = {WEBEX: "/api/v1/", TEAMS: "/api/v2/"}


def of_api_path(path: str) -> Service | None:
    """The service whose API serves ``path`` (``/api/v1/...`` or ``/api/v2/...``), if any."""
    for service, prefix in API_PREFIXES.items():
        if path.startswith(prefix):
            return service
    return None


def of_app_type(messaging_app_type: str) -> Service | None:
    """The service whose mappings carry ``messaging_app_type`` (``Webex``, ``Teams``)."""
    for service, app_type in APP_TYPES.items():
        if messaging_app_type == app_type:
            return service
    return None
