"""Text checks every reader needs: JSON may escape a UTF-16 surrogate (\\ud800) that pairs with nothing,
and Python reads it into a string that no encoder (and no database) can write; it may also escape a NUL
(\\u0000), which PostgreSQL cannot store in text."""

from __future__ import annotations

import re
from typing import Any

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _first_text_matching(document: Any, pattern: re.Pattern[str]) -> str | None:
    """The JSON pointer of the first key or string of a parsed JSON document that `pattern` finds."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, str):
            if pattern.search(node):
                return path or "/"
        elif isinstance(node, dict):
            for key, value in node.items():
                child = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
                if pattern.search(str(key)):
                    return child
                pending.append((child, value))
        elif isinstance(node, list):
            pending.extend((f"{path}/{i}", item) for i, item in enumerate(node))
    return None


def has_lone_surrogate(document: Any) -> bool:
    """Whether any key or string of a parsed JSON document holds a lone UTF-16 surrogate."""
    return _first_text_matching(document, _SURROGATE) is not None


def json_has_lone_surrogate(raw: bytes, document: Any) -> bool:
    """has_lone_surrogate, walked only when the raw text holds a surrogate escape (rarely)."""
    return bool(SURROGATE_ESCAPE.search(raw)) and has_lone_surrogate(document)


def json_unstorable_text_at(raw: bytes, document: Any) -> str | None:
    """The JSON pointer of the first key or string holding a NUL or a lone surrogate (text no database
    stores), walked only when the raw text escapes one (rarely); None when there is none."""
    if not UNSTORABLE_ESCAPE.search(raw):
        return None
    return _first_text_matching(document, _UNSTORABLE)
