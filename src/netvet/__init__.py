"""netvet: telecom network equipment, restricted vendors, rules, advisories and replacement plans."""

__version__ = "0.1.0"
