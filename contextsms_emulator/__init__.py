"""A local emulator of the ContextSMS Webex (v1) and Teams (v2) APIs.

Run it with ``contextsms-emulator`` (or ``python -m contextsms_emulator``), build it
in-process with :func:`create_app`, or start it as a subprocess for a test suite with
:class:`EmulatorProcess`. It needs the package's ``emulator`` extra
(``pip install 'pulumi-contextsms[emulator]'``); its names (__init__.pyi) import on first use
(PEP 562), so the command can say so instead of failing on an import.
"""

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
