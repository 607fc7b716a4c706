"""One module per API surface; each registers its routes around an :class:`EmulatorState`.

Route modules do not use ``from __future__ import annotations``: their endpoints are
closures whose ``Annotated[..., Depends(local_dependency)]`` parameters FastAPI must
see as real objects, not strings it cannot resolve from module globals.
"""
