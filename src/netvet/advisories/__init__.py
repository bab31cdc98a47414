"""Advisories: CSAF 2.0, CVE JSON 5, NVD CVE API 2.0 and CISA KEV readers; version schemes of network
vendors; matching against the inventory; prioritisation; CSAF VEX out. Pure: no I/O here."""
