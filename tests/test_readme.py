"""The README says what a newcomer needs before `make test` and a PDF: PostgreSQL tests skip without
NETVET_TEST_POSTGRES_URL, .ci/start-postgres provides one, and the PDF's CJK fonts come from
fonts-noto-cjk, which .ci/run installs."""

from __future__ import annotations

import os

from conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_says_how_the_postgresql_tests_run() -> None:
    flat = " ".join(README.split())
    assert "skips the PostgreSQL tests unless `NETVET_TEST_POSTGRES_URL` is set" in flat
    assert "NETVET_TEST_POSTGRES_URL=$(.ci/start-postgres) make test" in flat
    start = REPO_ROOT / ".ci" / "start-postgres"
    assert start.is_file() and os.access(start, os.X_OK)
    assert "NETVET_TEST_POSTGRES_URL=$(.ci/start-postgres)" in CI_RUN


def test_ci_installs_the_cjk_fonts_and_the_readme_says_so() -> None:
    assert "apt-get install -y -qq chromium fonts-noto-cjk" in CI_RUN
    assert "fonts-noto-cjk" in README and "PDF report embeds" in " ".join(README.split())
