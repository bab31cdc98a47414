"""Text checks every reader needs: JSON may escape a UTF-16 surrogate (\\ud800) that pairs with nothing,
and Python reads it into a string that no encoder (and no database) can write."""

from __future__ import annotations

import re
from typing import Any

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(document: Any) -> bool:
    """Whether any key or string of a parsed JSON document holds a lone UTF-16 surrogate."""
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def json_has_lone_surrogate(raw: bytes, document: Any) -> bool:
    """has_lone_surrogate, walked only when the raw text holds a surrogate escape (rarely)."""
    return bool(SURROGATE_ESCAPE.search(raw)) and has_lone_surrogate(document)
