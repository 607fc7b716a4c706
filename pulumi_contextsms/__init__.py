"""Pulumi dynamic providers for ContextSMS."""
