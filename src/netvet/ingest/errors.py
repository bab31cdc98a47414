"""Import errors that name the file, the row and the column at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int  # line in a CSV (header is line 1), record number in JSON, sheet row in XLSX
    column: str | None
    message: str
    value: str | None = None

    def describe(self, file_name: str) -> str:
        where = f"{file_name}, row {self.row}" + (f", column {self.column}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.message}{shown}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message, "value": self.value}


class InventoryFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns, bad rows)."""

    def __init__(self, file_name: str, message: str, errors: tuple[RowError, ...] = ()) -> None:
        self.file_name = file_name
        self.message = message
        self.errors = errors
        super().__init__(f"{file_name}: {message}")
