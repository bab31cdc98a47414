"""PDF for filing: the same HTML printed by a headless Chromium (or WeasyPrint where it is installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No network, no first-run chatter: the report is self-contained and must stay that way when printed.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)
PRINT_TIMEOUT_SECONDS = 180


class PdfError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """NETVET_CHROMIUM, else the first Chromium on PATH."""
    configured = os.environ.get("NETVET_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((path for name in CHROMIUM_CANDIDATES if (path := shutil.which(name))), None)


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` to `pdf_path`; raises PdfError naming what is missing or what failed."""
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium()
    if chromium is not None:
        with tempfile.TemporaryDirectory(prefix="netvet-chromium-") as profile:
            command = [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf_path.resolve()}",
                html_path.resolve().as_uri(),
            ]
            try:
                result = subprocess.run(
                    command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS
                )
            except subprocess.TimeoutExpired:
                raise PdfError(
                    f"{chromium} did not finish printing {html_path} in {PRINT_TIMEOUT_SECONDS} s"
                ) from None
        if result.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise PdfError(
                f"{chromium} could not print {html_path} (exit {result.returncode}): {' | '.join(detail)}"
            )
        return pdf_path
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError:
        raise PdfError(
            "PDF needs Chromium (apt-get install chromium, or set NETVET_CHROMIUM) or WeasyPrint "
            "(pip install weasyprint); neither was found"
        ) from None
    weasyprint.HTML(filename=str(html_path)).write_pdf(str(pdf_path))
    return pdf_path
