"""Stream rows out of inventory files (CSV, JSON / JSON lines, XLSX) without reading them whole."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from netvet.ingest.errors import InventoryFileError

FORMATS = ("csv", "json", "xlsx")


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("json", "jsonl", "ndjson"):
        return "json"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    raise InventoryFileError(
        path.name, f"cannot tell the format from {suffix!r}; pass --format csv|json|xlsx"
    )


@dataclass
class RawRow:
    number: int
    values: dict[str, Any]


@dataclass
class InventorySource:
    """An open inventory file: its headers (when it has a header row) and its rows."""

    path: Path
    format: str
    headers: list[str] | None
    rows: Iterator[RawRow]
    size: int
    _binary: IO[bytes] | None = field(default=None, repr=False)

    def position(self) -> int:
        """Bytes consumed so far, for progress bars (the whole size once a format is read at once)."""
        if self._binary is None or self._binary.closed:
            return self.size
        return self._binary.tell()

    def close(self) -> None:
        if self._binary is not None:
            self._binary.close()


def open_inventory(path: Path, fmt: str | None = None) -> InventorySource:
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InventoryFileError(path.name, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InventoryFileError(path.name, f"cannot be read: {exc.strerror}") from exc
    if size == 0:
        raise InventoryFileError(path.name, "the file is empty")
    if fmt == "csv":
        return _open_csv(path, size)
    if fmt == "json":
        return _open_json(path, size)
    return _open_xlsx(path, size)


def _open_csv(path: Path, size: int) -> InventorySource:
    binary = path.open("rb")
    sample = binary.read(64 * 1024).decode("utf-8-sig", errors="ignore")
    binary.seek(0)
    if not sample.strip():
        binary.close()
        raise InventoryFileError(
            path.name, "the file is empty (blank lines only)" if size else "the file is empty"
        )
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel

    def decoded_lines() -> Iterator[str]:
        # Decoded line by line, strictly, so a byte that is not UTF-8 is reported with its line and the
        # file is refused rather than imported with mangled names.
        for number, raw in enumerate(binary, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InventoryFileError(path.name, _not_utf8(exc, number)) from exc

    reader = csv.reader(decoded_lines(), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        binary.close()
        raise InventoryFileError(path.name, "the file is empty") from None
    except InventoryFileError:
        binary.close()
        raise
    if not any(h.strip() for h in headers):
        binary.close()
        raise InventoryFileError(path.name, "the first row should hold the column names but is blank")

    def rows() -> Iterator[RawRow]:
        # A record is numbered by the line it starts on (a quoted cell may span several lines).
        end_of_previous = reader.line_num
        try:
            for record in reader:
                line = end_of_previous + 1
                end_of_previous = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > len(headers):
                    extra = [c for c in record[len(headers) :] if c.strip()]
                    if extra:
                        yield RawRow(line, {"__extra__": extra})
                        continue
                yield RawRow(line, dict(zip(headers, record, strict=False)))
        except csv.Error as exc:
            raise InventoryFileError(path.name, f"row {end_of_previous + 1}: malformed CSV: {exc}") from exc
        finally:
            binary.close()

    return InventorySource(path, "csv", headers, rows(), size, binary)


def _not_utf8(exc: UnicodeDecodeError, row: int) -> str:
    where = f" near row {row}" if row else ""
    return (
        f"is not UTF-8 text{where} (byte {exc.object[exc.start : exc.start + 1]!r} cannot be decoded); "
        "save it as UTF-8 (CSV UTF-8 in Excel) and import again"
    )


def _open_json(path: Path, size: int) -> InventorySource:
    binary = path.open("rb")
    first_line = binary.readline()
    binary.seek(0)
    if _is_json_lines(first_line):
        return InventorySource(path, "json", None, _json_lines(path, binary), size, binary)
    # A JSON document is parsed whole (use CSV or JSON lines for files of millions of rows).
    try:
        document = json.loads(binary.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InventoryFileError(path.name, _not_utf8(exc, 0)) from exc
    except json.JSONDecodeError as exc:
        raise InventoryFileError(
            path.name, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    finally:
        binary.close()
    records = document.get("assets") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise InventoryFileError(
            path.name, "expected a JSON array of asset objects, or an object with an 'assets' array"
        )
    if not records:
        raise InventoryFileError(path.name, "the file holds no assets")

    def rows() -> Iterator[RawRow]:
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                yield RawRow(number, {"__not_object__": record})
            else:
                yield RawRow(number, record)

    return InventorySource(path, "json", None, rows(), size, None)


def _is_json_lines(first_line: bytes) -> bool:
    """JSON lines start with a whole asset object on the first line; a JSON document does not."""
    try:
        record = json.loads(first_line.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(record, dict) and "assets" not in record


def _json_lines(path: Path, binary: IO[bytes]) -> Iterator[RawRow]:
    try:
        for number, raw in enumerate(binary, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise InventoryFileError(path.name, _not_utf8(exc, number)) from exc
            except json.JSONDecodeError as exc:
                raise InventoryFileError(path.name, f"line {number}: not valid JSON: {exc.msg}") from exc
            yield RawRow(number, record if isinstance(record, dict) else {"__not_object__": record})
    finally:
        binary.close()


def _open_xlsx(path: Path, size: int) -> InventorySource:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InventoryFileError(
            path.name, f"is not a readable XLSX workbook (truncated or corrupt?): {exc}"
        ) from exc
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header_row = next(rows_iter)
    except StopIteration:
        workbook.close()
        raise InventoryFileError(path.name, "the first sheet is empty") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        workbook.close()
        raise InventoryFileError(path.name, f"is a truncated or corrupt XLSX: {exc}") from exc
    headers = ["" if h is None else str(h) for h in header_row]

    def rows() -> Iterator[RawRow]:
        try:
            for number, values in enumerate(rows_iter, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                yield RawRow(number, dict(zip(headers, values, strict=False)))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InventoryFileError(path.name, f"is a truncated or corrupt XLSX: {exc}") from exc
        finally:
            workbook.close()

    return InventorySource(path, "xlsx", headers, rows(), size, None)
