"""The ``contextsms-emulator`` command: first check that the emulator extra is installed.

The provider alone (``pip install pulumi-contextsms``) installs the command too, but not
the web server it runs; without this check the command would end in an ImportError
traceback instead of saying what to install.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.util import find_spec
from typing import Final

# the distributions of the `emulator` extra, by the module each provides
EXTRA_MODULES: Final = {"fastapi": "fastapi", "uvicorn": "uvicorn", "jwt": "PyJWT"}
INSTALL_HINT: Final = "pip install 'pulumi-contextsms[emulator]'"


def missing_distributions() -> list[str]:
    return [dist for module, dist in EXTRA_MODULES.items() if find_spec(module) is None]


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_distributions()
    if missing:
        sys.stderr.write(
            f"contextsms-emulator: the emulator needs the package's `emulator` extra "
            f"({', '.join(missing)} not installed). Install it with:\n    {INSTALL_HINT}\n"
        )
        return 1
    from contextsms_emulator.cli import main as run

    return run(argv)
