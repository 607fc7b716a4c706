"""Typed ContextSMS resources."""

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
