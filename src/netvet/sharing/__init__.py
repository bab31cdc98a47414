"""Sharing with other organisations in STIX 2.1, with TLP 2.0 applied by the server (pure: no I/O)."""
