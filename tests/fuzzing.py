"""Hypothesis strategies that turn a valid file into a hostile one, shared by the readers' fuzz tests.

Each example starts from a real, valid file and applies a few mutations: bytes that break encodings
and quoting, structures deeper than parsers go, numbers too long to convert, cells too long to keep,
lone surrogates, formula-like text, truncation and duplication. A JSON file may also have any node
replaced by an arbitrary JSON value.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HOSTILE_BYTES = (
    b"\x00",
    b"\r",
    b"\r\n",
    b"\n\n",
    b'"',
    b",",
    b";",
    b"\t",
    b"\\",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xe9",  # Latin-1 é: not UTF-8
    b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8 either
    b"[" * 3000,
    b"{" * 3000,
    b'{"a":' * 1500,
    b"9" * 5000,
    b"-" + b"9" * 4000,
    b"1e400",
    b"NaN",
    b"-Infinity",
    b"\\u0000",
    b"\\ud800",  # a lone surrogate, which Python's JSON parser accepts
    b'=HYPERLINK("http://evil.example","x")',
    b"A" * 2_000_000,
    "名前\u202e\ufeff".encode(),
)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, max_mutations: int = 4) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_mutations))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(("insert", "replace", "delete", "truncate", "duplicate", "flip")))
        if kind == "insert":
            data[where:where] = draw(st.sampled_from(HOSTILE_BYTES))
        elif kind == "replace":
            token = draw(st.sampled_from(HOSTILE_BYTES))
            data[where : where + draw(st.integers(1, 40))] = token
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 200))]
        elif kind == "truncate":
            del data[where:]
        elif kind == "duplicate":
            data[where:where] = data[where : where + draw(st.integers(1, 400))]
        elif data:
            at = min(where, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50)
    | st.sampled_from(
        ["", "=cmd|' /C calc'!A0", "\x00", "\ud800", "9" * 300, "-1", "2026-13-45", "cpe:2.3:*"]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


@st.composite
def json_with_a_node_replaced(draw: st.DrawFn, seed: Any) -> bytes:
    """The seed document with one node (any depth) replaced by an arbitrary JSON value."""
    document = json.loads(json.dumps(seed))
    path = draw(st.sampled_from(_paths(document)))
    value = draw(JSON_VALUES)
    if not path:
        document = value
    else:
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


def hostile_json(seed: bytes) -> st.SearchStrategy[bytes]:
    return mutated(seed) | json_with_a_node_replaced(json.loads(seed))


def fuzz_settings(examples: int) -> settings:
    """Reproducible in CI (derandomised), bounded, and silent about slow or large examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
