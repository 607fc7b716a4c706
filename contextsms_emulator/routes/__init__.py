"""One router per API surface; each is built around an :class:`EmulatorState`."""
