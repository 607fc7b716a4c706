"""`python -m pulumi_contextsms`: the `contextsms` command, without the console script."""

import sys

from .cli import main

sys.exit(main())
