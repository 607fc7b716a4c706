from .csp import Csp as Csp
from .csp import CspArgs as CspArgs
from .enterprise import Enterprise as Enterprise
from .enterprise import EnterpriseArgs as EnterpriseArgs
from .mapping import NumberMapping as NumberMapping
from .mapping import NumberMappingArgs as NumberMappingArgs
