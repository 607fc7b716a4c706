"""Test your own infrastructure code that uses ContextSMS (docs/testing.md).

* :class:`ContextSmsMocks`: ``pulumi.runtime.Mocks`` that run our providers' ``check()``
  (and, against the emulator, ``create()``) in unit tests;
* :class:`WebhookReceiver`: a recording HTTP receiver for the inbound-message webhooks;
* :func:`emulator_stack_config`, :func:`emulator_env`, :func:`automation_config`,
  :func:`emulator_client`: point a stack, or a client, at an emulator;
* the pytest plugin (``pulumi_contextsms.testing.pytest_plugin``, registered through the
  ``pytest11`` entry point): fixtures that start emulators and wire all of the above.

Names are imported on first use, so importing this package costs nothing until then
(the pytest plugin imports it in every test run of a user's repository).
"""

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
