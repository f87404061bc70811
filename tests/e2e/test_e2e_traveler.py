"""The traveler's page in headless Chromium: a Guatemalan tourist without a visa is refused with
the cited rule and told what to bring; with a visa she may cross; Spanish switches the answer;
SENTRY is a problem listing the programs. Skips where Debian's chromium or playwright is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smartborder.config import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from test_e2e_dashboard import CHROMIUM, _serving  # the dashboard test's node and browser

    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Debian's chromium is not installed ({CHROMIUM}); run `make browser` "
            "(apt-get install chromium) to run the traveler page's browser test"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright package (dev extra) is absent"
    )
    settings = Settings(home=tmp_path_factory.mktemp("e2e-traveler") / "home")
    settings.ensure_home()
    with _serving(settings) as url:
        yield url


def test_traveler_checks_a_crossing_in_english_and_spanish(node: str) -> None:
    from playwright.sync_api import sync_playwright
    from test_e2e_dashboard import ARGS, CHROMIUM

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="en-US")
            page.set_default_timeout(20_000)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{node}/traveler?lang=en")
            page.wait_for_selector("body[data-ready='true']")
            page.select_option("#f-port", "2504")
            page.fill("#f-when", "2026-12-20T10:00")
            page.fill("#f-nationality", "GTM")
            page.select_option("#f-purpose", "tourism")
            page.check("#f-documents input[value='passport']")
            page.click("#f-submit")
            page.wait_for_selector("body[data-decision='deny']")
            assert page.inner_text("#r-decision") == "You may not cross"
            assert "8 CFR 212.1(c)(1)" in page.inner_text("#r-reasons")
            assert "U.S. visa" in page.inner_text("#r-bring")
            assert page.inner_text("#r-version").startswith("baseline-us-mx@")
            page.click("#lang-es")
            assert page.inner_text("#r-decision") == "No puede cruzar"
            assert "visa estadounidense" in page.inner_text("#r-reasons")
            page.check("#f-documents input[value='us_visa']")
            page.click("#f-submit")
            page.wait_for_selector("body[data-decision='admit']")
            assert page.inner_text("#r-decision") == "Puede cruzar"
            # An unknown trusted-traveler program is a problem naming the allowed ones.
            page.evaluate(
                "() => { const o = document.createElement('option'); o.value = 'SENTRY';"
                " document.getElementById('f-program').appendChild(o); }"
            )
            page.select_option("#f-program", "SENTRY")
            page.click("#f-submit")
            page.wait_for_selector("body[data-decision='problem']")
            assert "SENTRI" in page.inner_text("#p-list")
        finally:
            browser.close()
    assert not [e for e in errors if "422" not in e], errors
