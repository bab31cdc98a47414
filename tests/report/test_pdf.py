from __future__ import annotations

import sys
from pathlib import Path

import pytest

from netvet.report.pdf import PdfError, find_chromium, html_to_pdf


def test_missing_renderer_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETVET_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    html = tmp_path / "r.html"
    html.write_text("<!DOCTYPE html><p>x</p>", encoding="utf-8")
    assert find_chromium() is None
    with pytest.raises(PdfError, match=r"PDF needs Chromium .* or WeasyPrint"):
        html_to_pdf(html, tmp_path / "r.pdf")


def test_a_failing_browser_is_reported_with_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("NETVET_CHROMIUM", str(fake))
    html = tmp_path / "r.html"
    html.write_text("<!DOCTYPE html><p>x</p>", encoding="utf-8")
    with pytest.raises(PdfError, match=r"could not print .*r\.html \(exit 3\): cannot open display"):
        html_to_pdf(html, tmp_path / "r.pdf")
