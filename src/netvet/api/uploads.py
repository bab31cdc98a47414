"""Uploaded files, held in anonymous temporary files until their import ends.

An anonymous temporary file has no name on disk (O_TMPFILE on Linux, unlinked at once elsewhere):
whatever happens to the import (refused, failed, finished) or to the server (stopped, killed), no
upload is left behind in the temporary folder.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from fastapi import UploadFile

from netvet.api.problems import disk_full_problem
from netvet.ingest.readers import InventoryStream
from netvet.storage.db import is_disk_full

COPY_CHUNK = 1 << 20
# An XLSX row of an inventory's dozen cells is some hundreds of bytes of sheet XML; counting 100 errs
# towards a job.
XLSX_BYTES_PER_ROW = 100
NAME_LIMIT = 255  # characters kept of the client's file name (most file systems allow 255 bytes)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UploadTooLarge(ValueError):
    pass


@dataclass
class Upload:
    name: str
    file: IO[bytes]
    size: int

    @property
    def stream(self) -> InventoryStream:
        return InventoryStream(self.name, self.file)

    def close(self) -> None:
        self.file.close()

    def estimated_rows(self) -> int:
        """About how many rows the file holds, read cheaply (line ends; an XLSX by its inflated size),
        so a request never imports more than a few seconds' worth: larger files become jobs."""
        self.file.seek(0)
        try:
            if self.file.read(4) == b"PK\x03\x04":
                self.file.seek(0)
                try:
                    with zipfile.ZipFile(self.file) as workbook:
                        inflated = sum(part.file_size for part in workbook.infolist())
                except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                    return 0  # the importer says what is wrong with it
                return inflated // XLSX_BYTES_PER_ROW
            self.file.seek(0)
            newlines = returns = 0
            while block := self.file.read(COPY_CHUNK):
                newlines += block.count(b"\n")
                returns += block.count(b"\r")
            return max(newlines, returns)
        finally:
            self.file.seek(0)


def upload_name(given: str | None, default: str = "upload.csv") -> str:
    """The client's file name without any folder, control characters or excess length (the suffix,
    which names the format, is kept)."""
    name = PureWindowsPath(PurePosixPath(given or "").name).name  # "C:\\x\\inv.csv" and "../inv.csv"
    name = _UNPRINTABLE.sub("", name).strip()
    if name in ("", ".", ".."):
        return default
    if len(name) > NAME_LIMIT:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: NAME_LIMIT - len(suffix)] + suffix
    return name


async def spool_upload(upload: UploadFile, max_bytes: int) -> Upload:
    """Copy the upload into an anonymous temporary file; refuse one larger than `max_bytes` and answer
    a full disk plainly (nothing is kept in either case)."""
    name = upload_name(upload.filename)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the Upload owns it and closes it
    size = 0
    try:
        while chunk := await upload.read(COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(f"{name}: larger than the {max_bytes:,} bytes an upload may have")
            file.write(chunk)
        file.flush()
        file.seek(0)
    except OSError as exc:
        file.close()
        if is_disk_full(exc):
            raise disk_full_problem() from None
        raise
    except BaseException:
        file.close()
        raise
    return Upload(name, file, size)
