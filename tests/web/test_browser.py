"""End to end in Debian's Chromium (Playwright): log in, a refused upload, a good one, assess, review a
screening candidate, filter findings, open the map; at 1280 px and on a phone. Screenshots go to
test-output/web/ (kept by CI as artefacts)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import live_app
from netvet.api import AppConfig, create_app
from netvet.storage import Database

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-output" / "web"
DATA = Path(__file__).resolve().parent.parent / "data"

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(web_db: Database) -> Iterator[str]:
    """The app under uvicorn in a background thread on a free port of 127.0.0.1."""
    with live_app(create_app(web_db, AppConfig())) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI, where .ci/run installs it")
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


def log_in(page: Any, base: str, username: str = "ann") -> None:
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("input[name=organization]", "acme")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def upload(page: Any, base: str, path: Path) -> None:
    page.goto(base + "/imports")
    page.set_input_files("input[type=file]", str(path))
    page.click("text=Upload and import")
    page.wait_for_load_state()


def assess_and_wait(page: Any, base: str, timeout: float = 90.0) -> None:
    page.goto(base + "/")
    page.click("text=Screen and assess now")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto(base + "/findings")
        if page.locator("details.finding").count():
            return
        time.sleep(0.5)
    raise AssertionError("the assessment job did not store findings in time")


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_analyst_journey_at_1280_px(browser: Any, live_server: str) -> None:
    base = live_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    assert page.locator("text=ann (analyst, acme)").is_visible()

    upload(page, base, DATA / "api" / "inventory-one-bad-row.csv")
    errors = page.locator("#import-errors")
    assert errors.is_visible()
    assert "inventory-one-bad-row.csv was not imported" in errors.inner_text()
    row = errors.locator("tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "3"
    assert row.locator("td").nth(1).inner_text() == "installed_on"
    page.screenshot(path=str(SHOTS / "import-error.png"), full_page=True)

    upload(page, base, DATA / "web" / "inventory-e2e.csv")
    assert "Imported inventory-e2e.csv: 10 added" in page.locator(".message").inner_text()

    assess_and_wait(page, base)
    page.goto(base + "/")
    caps = page.locator("section.card", has_text="Caps against limits")
    # Two of three OLTs are Huawei: over the direction's 35% full-fibre cap (the 2020 caps are superseded).
    assert "uk-dvd-full-fibre-cap" in caps.inner_text() and caps.locator("svg").count() == 1
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    page.goto(base + "/screening")
    candidate = page.locator("article.candidate", has_text="China Mobile Intl")
    assert candidate.is_visible()
    candidate.locator("input[name=reason]").fill("a Bristol router reseller, not China Mobile")
    candidate.locator("button[value=dismissed]").click()
    page.wait_for_load_state()
    assert "China Mobile Intl dismissed" in page.locator(".message").inner_text()
    assert page.locator("article.candidate", has_text="China Mobile Intl").count() == 0
    page.goto(base + "/screening?state=decided")
    assert "Decision: dismissed" in page.locator("article.candidate").first.inner_text()
    page.screenshot(path=str(SHOTS / "screening-decided.png"), full_page=True)

    page.goto(base + "/findings")
    total_before = page.locator("details.finding").count()
    statuses = page.locator("select[name=status] option").all_inner_texts()[1:]
    assert statuses, "the stored assessment has findings with a status"
    chosen = statuses[-1]
    page.select_option("select[name=status]", chosen)
    page.click("#finding-filters button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("details.finding .badge").all_inner_texts()
    assert shown and set(shown) == {chosen} and len(shown) <= total_before
    first = page.locator("details.finding").first
    first.locator("summary").click()
    assert first.locator(".explanation").is_visible() and first.locator(".source").inner_text().startswith(
        "Source:"
    )
    page.screenshot(path=str(SHOTS / "findings-filtered.png"), full_page=True)

    page.click("nav >> text=Map")
    page.wait_for_url(base + "/sites")
    assert page.locator("#map svg").count() >= 1
    markers = page.locator("#map svg circle.site")
    assert markers.count() >= 1
    coloured = {markers.nth(i).get_attribute("class") for i in range(markers.count())}
    assert any("s-clear" not in c for c in coloured if c)  # the Huawei sites are not clear
    page.screenshot(path=str(SHOTS / "map.png"), full_page=True)
    assert no_sideways_scroll(page)


def test_pages_fit_a_phone(browser: Any, live_server: str) -> None:
    base = live_server
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, base)
    upload(page, base, DATA / "web" / "inventory-e2e.csv")
    for path in ("/", "/imports", "/findings", "/screening", "/sites", "/timeline", "/plans", "/advisories"):
        page.goto(base + path)
        assert no_sideways_scroll(page), path
    page.goto(base + "/")
    page.screenshot(path=str(SHOTS / "phone-overview.png"), full_page=True)
