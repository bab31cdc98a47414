"""CPE 2.3 names (NISTIR 7695 formatted strings) and attribute matching with NVD semantics.

ANY (`*`) matches every value, NA (`-`) matches only NA, other values compare case-insensitively
with `*` and `?` wildcards inside a value; a backslash escapes punctuation (12.2\\(55\\)se3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

ATTRIBUTES = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
ANY = "*"
NA = "-"


class CpeSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Cpe:
    part: str
    vendor: str
    product: str
    version: str = ANY
    update: str = ANY
    edition: str = ANY
    language: str = ANY
    sw_edition: str = ANY
    target_sw: str = ANY
    target_hw: str = ANY
    other: str = ANY

    def __str__(self) -> str:
        return "cpe:2.3:" + ":".join(_escape(getattr(self, a)) for a in ATTRIBUTES)


def _split(text: str) -> list[str]:
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _escape(value: str) -> str:
    if value in (ANY, NA):
        return value
    return re.sub(r"([^A-Za-z0-9_.*?-])", r"\\\1", value)


@lru_cache(maxsize=100_000)
def parse_cpe(text: str) -> Cpe:
    """Parse a CPE 2.3 formatted string, or a CPE 2.2 URI (cpe:/o:cisco:ios:12.2)."""
    text = text.strip()
    if text.lower().startswith("cpe:2.3:"):
        values = _split(text[len("cpe:2.3:") :])
        if len(values) != len(ATTRIBUTES):
            raise CpeSyntaxError(f"{text!r} has {len(values)} attributes, CPE 2.3 has {len(ATTRIBUTES)}")
    elif text.lower().startswith("cpe:/"):
        values = [v.replace("%28", "(").replace("%29", ")") for v in text[len("cpe:/") :].split(":")]
        values = [v or ANY for v in values] + [ANY] * (len(ATTRIBUTES) - len(values))
    else:
        raise CpeSyntaxError(f"{text!r} is not a CPE name (cpe:2.3:... or cpe:/...)")
    values = [v.lower() if i < 3 else v for i, v in enumerate(values)]
    if values[0] not in ("a", "o", "h", ANY):
        raise CpeSyntaxError(f"{text!r}: part must be a, o or h")
    return Cpe(*values[: len(ATTRIBUTES)])


def value_matches(pattern: str, value: str | None) -> bool:
    """NVD attribute comparison of a match criterion value against a known value."""
    if pattern == ANY:
        return True
    if value is None or value == "":
        return pattern == ANY
    if pattern == NA or value == NA:
        return pattern == value
    pattern, value = pattern.lower(), value.lower()
    if "*" in pattern or "?" in pattern:
        return fnmatchcase(value, pattern)
    return pattern == value
