"""``python -m contextsms_emulator``: the same as the ``contextsms-emulator`` command."""

from contextsms_emulator.command import main

raise SystemExit(main())
