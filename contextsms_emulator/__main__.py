"""``python -m contextsms_emulator``: the same as the ``contextsms-emulator`` command.

Why a module of its own: ``python -m`` runs a package's ``__main__``; everything the
command does is in :mod:`contextsms_emulator.command`.
"""

from contextsms_emulator.command import main

raise SystemExit(main())
