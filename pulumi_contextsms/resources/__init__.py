"""Typed ContextSMS resources."""

from .csp import Csp, CspArgs
from .enterprise import Enterprise, EnterpriseArgs
from .mapping import NumberMapping, NumberMappingArgs

__all__ = [
    "Csp",
    "CspArgs",
    "Enterprise",
    "EnterpriseArgs",
    "NumberMapping",
    "NumberMappingArgs",
]
