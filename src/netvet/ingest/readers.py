"""Stream rows out of inventory files (CSV, JSON / JSON lines, XLSX) without reading them whole."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from netvet.ingest.errors import InventoryFileError
from netvet.model.text import json_has_lone_surrogate

FORMATS = ("csv", "json", "xlsx")
# A cell longer than this is not an inventory value (the validator refuses values far shorter); the
# csv module's own limit is set by whichever library touched it last, so the reader sets its own.
CSV_FIELD_LIMIT = 1024 * 1024
# An XLSX is a zip of XML parts. Its parts may inflate to at most this much in all, and a part above
# XLSX_RATIO_FLOOR bytes may inflate to at most XLSX_MAX_RATIO times its compressed size: a zip bomb
# (1 MB inflating to gigabytes) is refused before any part is read. Real inventory sheets inflate
# about 5 to 30 times.
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3
# Sheets are streamed, but the shared strings (every distinct text of the workbook) are held in memory
# whole, at several times their size: a million rows of unique serial numbers are about 80 MB.
XLSX_MAX_SHARED_STRINGS = 256 * 1024**2
XLSX_MAX_RATIO = 200
XLSX_RATIO_FLOOR = 8 * 1024 * 1024


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("json", "jsonl", "ndjson"):
        return "json"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    raise InventoryFileError(name, f"cannot tell the format from {suffix!r}; pass --format csv|json|xlsx")


@dataclass(frozen=True)
class InventoryStream:
    """An inventory held in an open binary file rather than at a path (an upload in an anonymous
    temporary file). The reader neither names nor closes it: its owner does."""

    name: str
    file: IO[bytes]


@dataclass
class RawRow:
    number: int
    values: dict[str, Any]


@dataclass
class InventorySource:
    """An open inventory file: its headers (when it has a header row) and its rows."""

    name: str
    format: str
    headers: list[str] | None
    rows: Iterator[RawRow]
    size: int
    rows_expected: int | None = None  # for progress bars: a count from lines or the sheet, not a promise
    _binary: IO[bytes] | None = field(default=None, repr=False)
    _owned: bool = field(default=True, repr=False)

    def position(self) -> int:
        """Bytes consumed so far, for progress bars (the whole size once a format is read at once)."""
        if self._binary is None or self._binary.closed:
            return self.size
        return self._binary.tell()

    def close(self) -> None:
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()  # a reader started (a peek at the first row) lets go of the file first
        if self._binary is not None and self._owned:
            self._binary.close()


def open_inventory(source: Path | InventoryStream, fmt: str | None = None) -> InventorySource:
    name = source.name
    fmt = fmt or detect_format(name)
    if fmt not in FORMATS:
        raise InventoryFileError(name, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(source, InventoryStream):
        binary, owned = source.file, False
        binary.seek(0)
    else:
        try:
            binary, owned = source.open("rb"), True
        except OSError as exc:
            raise InventoryFileError(name, f"cannot be read: {exc.strerror}") from exc
    size = _size(binary)
    try:
        if size == 0:
            raise InventoryFileError(name, "the file is empty")
        lines = _count_lines(binary) if fmt != "xlsx" else None
        opener = {"csv": _open_csv, "json": _open_json, "xlsx": _open_xlsx}[fmt]
        opened = opener(name, binary, size)
        if opened.rows_expected is None and lines is not None:
            opened.rows_expected = lines - (1 if opened.headers is not None else 0)
    except BaseException:
        if owned:
            binary.close()
        raise
    opened._binary, opened._owned = binary, owned
    return opened


def _count_lines(binary: IO[bytes]) -> int:
    """Lines in the file (a last line without a line end counts), read in blocks: a second of a gigabyte."""
    lines, last = 0, b""
    for block in iter(lambda: binary.read(1 << 20), b""):
        lines += block.count(b"\n")
        last = block
    binary.seek(0)
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def _size(binary: IO[bytes]) -> int:
    start = binary.tell()
    size = binary.seek(0, io.SEEK_END)
    binary.seek(start)
    return size


def _open_csv(name: str, binary: IO[bytes], size: int) -> InventorySource:
    sample = binary.read(64 * 1024).decode("utf-8-sig", errors="ignore")
    binary.seek(0)
    if not sample.strip():
        raise InventoryFileError(name, "the file is empty (blank lines only)")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module then reads \r\n, \n and old Mac \r line ends alike, and newlines
    # inside quoted cells. Decoding is strict so a byte that is not UTF-8 refuses the file rather than
    # importing mangled names.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, dialect)
    csv.field_size_limit(CSV_FIELD_LIMIT)

    def release() -> None:
        text.detach()  # the binary file is closed by its owner, never through the wrapper

    def fault(exc: Exception, line: int) -> InventoryFileError:
        if isinstance(exc, UnicodeDecodeError):
            # The wrapper decodes a block ahead of the csv reader: find the line in the bytes.
            offset = binary.tell() - len(exc.object) + exc.start
            return InventoryFileError(name, _not_utf8(exc, _line_at(binary, offset)))
        if "field larger than field limit" in str(exc):
            return InventoryFileError(
                name, f"row {line}: a cell is longer than {CSV_FIELD_LIMIT:,} characters"
            )
        return InventoryFileError(name, f"row {line}: malformed CSV: {exc}")

    try:
        headers = next(reader)
    except StopIteration:
        release()
        raise InventoryFileError(name, "the file is empty") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        release()
        raise fault(exc, 1) from exc
    if not any(h.strip() for h in headers):
        release()
        raise InventoryFileError(name, "the first row should hold the column names but is blank")

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
        except (csv.Error, UnicodeDecodeError) as exc:
            raise fault(exc, end_of_previous + 1) from exc
        finally:
            release()

    return InventorySource(name, "csv", headers, rows(), size)


def _line_at(binary: IO[bytes], offset: int) -> int:
    """The line (1 for the first) holding byte `offset`, whatever the file's line ends."""
    binary.seek(0)
    line, left, previous = 1, max(offset, 0), b""
    while left > 0 and (block := binary.read(min(left, 1 << 20))):
        left -= len(block)
        line += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
        if previous.endswith(b"\r") and block.startswith(b"\n"):
            line -= 1
        previous = block
    return line


def _not_utf8(exc: UnicodeDecodeError, row: int) -> str:
    where = f" near row {row}" if row else ""
    return (
        f"is not UTF-8 text{where} (byte {exc.object[exc.start : exc.start + 1]!r} cannot be decoded); "
        "save it as UTF-8 (CSV UTF-8 in Excel) and import again"
    )


def parse_json(name: str, data: bytes, where: str = "") -> Any:
    """Parse JSON text; anything Python's parser refuses becomes an error naming the file, and so does
    text that is not Unicode (a lone surrogate escape such as \\ud800, which no database can store)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InventoryFileError(name, _not_utf8(exc, 0)) from exc
    except json.JSONDecodeError as exc:
        raise InventoryFileError(
            name, f"{where}not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise InventoryFileError(name, f"{where}JSON nested too deeply to be an inventory") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InventoryFileError(name, f"{where}not valid JSON: {exc}") from exc
    if json_has_lone_surrogate(data, document):
        raise InventoryFileError(
            name, f"{where}holds text that is not Unicode (a lone surrogate escape such as \\ud800)"
        )
    return document


def _open_json(name: str, binary: IO[bytes], size: int) -> InventorySource:
    first_line = binary.readline()
    binary.seek(0)
    if _is_json_lines(first_line):
        return InventorySource(name, "json", None, _json_lines(name, binary), size)
    # A JSON document is parsed whole (use CSV or JSON lines for files of millions of rows).
    document = parse_json(name, binary.read())
    # An object holds its records under "assets" (netvet's own) or "results" (a NetBox API page), or is
    # one record itself: an asset, or a NetBox device as GET /api/dcim/devices/{id}/ gives it.
    records = document.get("assets", document.get("results")) if isinstance(document, dict) else document
    if records is None and isinstance(document, dict) and ("asset_id" in document or "id" in document):
        records = [document]
    if not isinstance(records, list):
        raise InventoryFileError(
            name,
            "expected a JSON array of asset objects, an object with an 'assets' (or NetBox's "
            "'results') array, or one asset or NetBox device object",
        )
    if not records:
        raise InventoryFileError(name, "the file holds no assets")

    def rows() -> Iterator[RawRow]:
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                yield RawRow(number, {"__not_object__": record})
            else:
                yield RawRow(number, record)

    return InventorySource(name, "json", None, rows(), size, rows_expected=len(records))


def _is_json_lines(first_line: bytes) -> bool:
    """JSON lines start with a whole asset object on the first line; a JSON document does not."""
    try:
        record = json.loads(first_line.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(record, dict) and "assets" not in record and "results" not in record


def _json_lines(name: str, binary: IO[bytes]) -> Iterator[RawRow]:
    for number, raw in enumerate(binary, start=1):
        if not raw.strip():
            continue
        record = parse_json(name, raw, f"line {number}: ")
        yield RawRow(number, record if isinstance(record, dict) else {"__not_object__": record})


def check_zip_bomb(name: str, binary: IO[bytes]) -> None:
    """Refuse a workbook whose parts would inflate past the limits (sizes from the zip directory,
    which Python's zip reader also enforces while inflating)."""
    try:
        with zipfile.ZipFile(binary) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InventoryFileError(
            name, f"is not a readable XLSX workbook (truncated or corrupt?): {exc}"
        ) from exc
    finally:
        binary.seek(0)
    total = sum(part.file_size for part in parts)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise InventoryFileError(
            name,
            f"its parts inflate to {total:,} bytes, more than the {XLSX_MAX_UNCOMPRESSED:,} an XLSX "
            "may; split the workbook or save it as CSV",
        )
    for part in parts:
        if part.filename.endswith("sharedStrings.xml") and part.file_size > XLSX_MAX_SHARED_STRINGS:
            raise InventoryFileError(
                name,
                f"its shared strings inflate to {part.file_size:,} bytes, more than the "
                f"{XLSX_MAX_SHARED_STRINGS:,} netvet holds in memory; save it as CSV",
            )
        if part.file_size > XLSX_RATIO_FLOOR and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise InventoryFileError(
                name,
                f"part {part.filename} inflates {part.file_size // max(part.compress_size, 1):,} times "
                f"(to {part.file_size:,} bytes): refused as a zip bomb",
            )


def _open_xlsx(name: str, binary: IO[bytes], size: int) -> InventorySource:
    from openpyxl import load_workbook

    check_zip_bomb(name, binary)
    corrupt = (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, TypeError)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except corrupt as exc:
        raise InventoryFileError(
            name, f"is not a readable XLSX workbook (truncated or corrupt?): {exc}"
        ) from exc
    if not workbook.worksheets:
        workbook.close()
        raise InventoryFileError(name, "the workbook has no worksheet")
    sheet = workbook.worksheets[0]
    declared = sheet.max_row  # for progress only: the dimension may be wrong, so it is not obeyed
    # The sheet's <dimension> element is a hint some writers get wrong; openpyxl would stop reading at
    # the row and column it declares, silently dropping the rest. Read every row instead.
    sheet.reset_dimensions()
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header_row = next(rows_iter)
    except StopIteration:
        workbook.close()
        raise InventoryFileError(name, "the first sheet is empty") from None
    except corrupt as exc:
        workbook.close()
        raise InventoryFileError(name, f"is a truncated or corrupt XLSX: {exc}") from exc
    headers = ["" if h is None else str(h) for h in header_row]

    def rows() -> Iterator[RawRow]:
        try:
            for number, values in enumerate(rows_iter, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                if len(values) > len(headers) and any(v not in (None, "") for v in values[len(headers) :]):
                    yield RawRow(number, {"__extra__": values[len(headers) :]})
                    continue
                yield RawRow(number, dict(zip(headers, values, strict=False)))
        except corrupt as exc:
            raise InventoryFileError(name, f"is a truncated or corrupt XLSX: {exc}") from exc
        finally:
            workbook.close()

    expected = declared - 1 if isinstance(declared, int) and declared > 1 else None
    return InventorySource(name, "xlsx", headers, rows(), size, rows_expected=expected)
