"""Structural checks for JSON documents, each failure a ValidationIssue with its JSON path, so that a
reader only ever meets the types it expects and a bad document is rejected, never half read."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from netvet.advisories.model import ValidationIssue


class Checks:
    def __init__(self, test: str) -> None:
        self.test = test
        self.issues: list[ValidationIssue] = []

    def bad(self, path: str, message: str) -> None:
        self.issues.append(ValidationIssue(test=self.test, path=path, message=message))

    def object(self, value: Any, path: str, required: bool = False) -> dict[str, Any]:
        """The object at `path`, or {} (reported when present but not an object, or required)."""
        if isinstance(value, dict):
            return value
        if value is not None or required:
            self.bad(path, "must be an object")
        return {}

    def array(self, value: Any, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        if value is not None:
            self.bad(path, "must be an array")
        return []

    def objects(self, value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of an array with their paths; other items are reported."""
        found = []
        for i, item in enumerate(self.array(value, path)):
            if isinstance(item, dict):
                found.append((f"{path}/{i}", item))
            else:
                self.bad(f"{path}/{i}", "must be an object")
        return found

    def text(self, parent: dict[str, Any], key: str, path: str, required: bool = False) -> None:
        value = parent.get(key)
        if value is None and not required:
            return
        if not isinstance(value, str):
            self.bad(f"{path}/{key}", "must be a string" if value is not None else "is required")

    def texts(self, parent: dict[str, Any], key: str, path: str) -> None:
        value = parent.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            self.bad(f"{path}/{key}", "must be an array of strings")

    def choice(
        self, parent: dict[str, Any], key: str, path: str, allowed: Collection[str], default: str | None
    ) -> None:
        value = parent.get(key, default)
        if not isinstance(value, str) or value not in allowed:
            self.bad(f"{path}/{key}", f"must be one of {', '.join(sorted(allowed))}, not {value!r}")
