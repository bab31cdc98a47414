"""What every list reader shares: the error type, text decoding, dates and countries."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache

from normality import squash_spaces, stringify
from rigour.territories import lookup_territory

FORMATS = ("csl-csv", "csl-json", "ftm", "ofac-csv")


class ListFileError(ValueError):
    """A list file that cannot be loaded, with the line or record and the field at fault."""

    def __init__(self, source: str, message: str, line: int | None = None, field: str = "") -> None:
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        where = source + (f", line {line}" if line else "") + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")


def decode(data: bytes, source: str, legacy: str | None = None) -> str:
    """UTF-8 text; `legacy` names the encoding to fall back to for formats that predate UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if legacy is not None:
            return data.decode(legacy, errors="replace").rstrip("\x1a")
        # Count the line the bad byte sits on, so the user can find it.
        line = data[: exc.start].count(b"\n") + 1
        raise ListFileError(source, f"not UTF-8 text ({exc.reason})", line=line) from exc
    # OFAC's legacy files end with a DOS end-of-file character.
    return text.rstrip("\x1a")


def parse_date(value: str, source: str, line: int | None, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ListFileError(source, f"{value!r} is not a date (YYYY-MM-DD)", line, field) from exc


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166 alpha-2 (upper case) for a country name or code, or None when unknown."""
    value = value.strip()
    if not value:
        return None
    territory = lookup_territory(value)
    code = territory.ftm_country if territory is not None else None
    return code.upper() if code and len(code) == 2 else None


def stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def text(value: object) -> str:
    """A field as clean text: normality's stringify (None, numbers) and squash_spaces (runs of
    whitespace, zero-width characters), so names compare and hash the same however a file spaced them."""
    return squash_spaces(stringify(value) or "")


def split_multi(value: str | None) -> list[str]:
    """CSL's multi-valued fields are separated by '; '."""
    if not value:
        return []
    return [part for part in (text(p) for p in value.split(";")) if part]
