"""How the application serves: limits, sessions, cookies (`netvet serve` and tests set them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class AppConfig:
    # Uploads larger than this, or of more rows than import_job_rows (about 3 s of importing), are
    # imported by a job instead of inside the request.
    import_job_bytes: int = 2 * 1024 * 1024
    import_job_rows: int = 10_000
    # Uploads larger than this are refused (413) before they fill the disk.
    max_upload_bytes: int = 1024 * 1024 * 1024
    # The longest a screening batch may compute: its characters bound it to about 1.5 s on an idle
    # machine; this stops it on a loaded one (503, try later or send fewer names).
    screening_batch_seconds: float = 10.0
    session_lifetime: timedelta = timedelta(hours=12)
    # Mark cookies Secure: True always, False never, None (default) when the request came over HTTPS.
    secure_cookies: bool | None = None
    # Rendered findings pages kept in memory (stored results never change); 0 renders every request.
    findings_page_cache: int = 1024
