"""One router module per domain; each declares its prefix and tag."""
