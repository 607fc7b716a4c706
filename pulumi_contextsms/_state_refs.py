"""The provider classes that Pulumi state names: an interface with every existing stack.

Each resource's ``__provider`` output is a pickle of its provider object, written by the
Pulumi SDK (dill) when the resource is registered, and a pickle names the object's class
by module path: ``pulumi_contextsms._state_refs.EnterpriseProvider``. The engine hands
that blob back to the provider process on every ``refresh``, ``up`` and ``destroy``, and
unpickling imports the name. A name that stops importing breaks every stack that holds
it, for as long as the stack lives.

So this module is the one place new state points to, and it stays small and fixed:

* The classes here are never renamed, moved or removed, take no constructor arguments
  and hold no attributes (their pickle is the class name and nothing else).
* They hold no behaviour either: each subclasses its implementation, which may move or
  change freely; to move one, point the base class here at the new place.
* Names that earlier releases wrote keep importing too (`STORED_NAMES`). Releases before
  this module named the implementations, ``pulumi_contextsms.providers.*``: moving one
  of those needs an alias left at the old path.

tests/providers/test_providers_state_refs.py checks every name in every golden state
(tests/golden/) and in `STORED_NAMES`; docs/upgrading.md has the rule for releases.
"""

from __future__ import annotations

from typing import Final

from .providers import csp, enterprise, mapping


class EnterpriseProvider(enterprise.EnterpriseProvider):
    """The provider of `Enterprise` resources, as state names it."""


class NumberMappingProvider(mapping.NumberMappingProvider):
    """The provider of `NumberMapping` resources, as state names it."""


class CspProvider(csp.CspProvider):
    """The provider of `Csp` resources, as state names it."""


STORED_NAMES: Final = {
    # written since this module exists (resources instantiate these classes)
    "pulumi_contextsms._state_refs": ("CspProvider", "EnterpriseProvider", "NumberMappingProvider"),
    # written before it existed (0.1.0, tests/golden/0.1.0): the implementations' paths
    "pulumi_contextsms.providers.csp": ("CspProvider",),
    "pulumi_contextsms.providers.enterprise": ("EnterpriseProvider",),
    "pulumi_contextsms.providers.mapping": ("NumberMappingProvider",),
}
"""Every provider class name that stored state may hold, by module: never shrink it."""
