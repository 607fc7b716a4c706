from .accounts import DEMO_CSP_ID as DEMO_CSP_ID
from .accounts import DEMO_PASSWORD as DEMO_PASSWORD
from .accounts import DEMO_USER as DEMO_USER
from .accounts import AccountSpec as AccountSpec
from .app import create_app as create_app
from .faults import FaultConfig as FaultConfig
from .process import EmulatorProcess as EmulatorProcess
from .settings import Settings as Settings
