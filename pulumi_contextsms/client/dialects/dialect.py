"""What a dialect is: a translator from platform-neutral calls to one API's requests.

A dialect builds `Call`s (method, path relative to the API base, body, query) and never
sends anything: the client hands each `Call` to the request loop. Calls a platform does
not document raise `UnsupportedOperationError` here, before any HTTP; inputs a platform
does not have (a spec field, a query parameter) raise `InvalidInputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn
from urllib.parse import quote

from ..errors import InvalidInputError, UnsupportedOperationError
from ..platforms import Platform
from ..validation import validate_id

if TYPE_CHECKING:  # specs only arrive as arguments: reading needs none
    from ..specs import CspSpec, EnterpriseSpec, MappingPatch, MappingSpec

__all__ = ["Call", "Dialect", "segment"]


@dataclass(frozen=True)
class Call:
    """One API request, described. `creates` marks a create POST (it gets an
    Idempotency-Key); `replay_safe` marks a POST that creates nothing."""

    method: str
    path: str
    json: Any = None
    params: dict[str, str | int] | None = None
    creates: bool = False
    replay_safe: bool = False


def segment(value: object, name: str) -> str:
    """A validated, percent-encoded path segment."""
    return quote(validate_id(value, name), safe="")


class Dialect:
    """The calls both APIs document, and the "unsupported" default for the rest."""

    platform: ClassVar[Platform]
    label: ClassVar[str]

    def _unsupported(self, operation: str, hint: str | None = None) -> NoReturn:
        raise UnsupportedOperationError(operation, self.label, hint)

    # -- enterprises -------------------------------------------------------------------

    def create_enterprise(self, csp_id: str, spec: EnterpriseSpec) -> Call:
        raise NotImplementedError

    def get_enterprise(self, enterprise_id: str) -> Call:
        return Call(
            "GET",
            f"/enterprise/getenterprise/{segment(enterprise_id, 'enterprise_id')}",
        )

    def delete_enterprise(self, enterprise_id: str) -> Call:
        return Call(
            "DELETE",
            f"/enterprise/deleteenterprise/{segment(enterprise_id, 'enterprise_id')}",
        )

    def list_enterprises(self, csp_id: str) -> Call:
        self._unsupported("list_enterprises", "the API has no enterprise list")

    # -- mappings ----------------------------------------------------------------------

    def create_mapping(self, enterprise_id: str, spec: MappingSpec) -> Call:
        raise NotImplementedError

    def list_mappings(self, enterprise_id: str) -> Call:
        raise NotImplementedError

    def list_csp_mappings(
        self, csp_id: str, *, page: int | None, size: int | None, status: str | None
    ) -> Call:
        raise NotImplementedError

    def update_mapping(self, mapping_id: str, patch: MappingPatch) -> Call:
        self._unsupported("update_mapping", "replace the mapping instead (delete, then create)")

    def delete_mapping(self, mapping_id: str) -> Call:
        return Call("DELETE", f"/mapping/{segment(mapping_id, 'mapping_id')}")

    def find_mapping_by_app_id(self, messaging_app_id: str) -> Call:
        self._unsupported("find_mapping_by_app_id", "list the enterprise's mappings instead")

    # -- CSPs and payments -------------------------------------------------------------

    def create_csp(self, spec: CspSpec) -> Call:
        self._unsupported("create_csp")

    def get_csp_config(self, phone_number: str) -> Call:
        self._unsupported("get_csp_config")

    def check_payment(self, email: str) -> Call:
        self._unsupported("check_payment")


def non_empty(value: object, name: str) -> str:
    """A non-blank string argument, or `InvalidInputError`."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{name} must be a non-empty string, got {value!r}", fields=(name,))
    return value
