"""The performance benchmark (`make bench`): the real Pulumi CLI against the emulator.

Every time is a ratio to a do-nothing provider run side by side in the same run (the
engine floor), or of one size to another, so results compare across machines. Request
counts come from the emulator's request log and are exact. See docs/performance.md.
"""
