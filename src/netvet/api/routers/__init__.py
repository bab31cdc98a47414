"""One router per area; each only translates HTTP to calls of storage and the core."""
