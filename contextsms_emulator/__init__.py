"""A local emulator of the ContextSMS Webex (v1) and Teams (v2) APIs."""
