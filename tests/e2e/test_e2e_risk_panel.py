"""The dashboard's targeting effectiveness panel in headless Chromium: an agency signs in
and sees its figures (here "not enough data": nothing examined yet), in both languages; a
carrier's client is told the panel is the agencies'. Bounded: one node, one page, ~10 s."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_e2e_dashboard import ARGS, CHROMIUM, _need_browser, _serving

from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.store import make_engine, session_factory, transaction, upgrade

pytestmark = pytest.mark.e2e


def _client(settings: Settings, role: Role) -> tuple[str, str]:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        made = create_client(session, org=f"org-{role.value}", role=role)
    engine.dispose()
    return made.client_id, made.client_secret


def test_an_agency_signs_in_and_a_carrier_is_refused(tmp_path: Path) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    settings = Settings(home=tmp_path / "home")
    settings.ensure_home()
    cbp = _client(settings, Role.CBP)
    carrier = _client(settings, Role.CARRIER)
    errors: list[str] = []
    with _serving(settings) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/dashboard?lang=en")
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            panel = page.locator("#sec-risk")
            assert "Targeting effectiveness" in panel.locator("h2").inner_text()
            assert "Sign in to see" in page.locator("#risk").inner_text()

            def sign_in(client: tuple[str, str]) -> None:
                page.fill("#risk-client-id", client[0])
                page.fill("#risk-client-secret", client[1])
                page.click("#risk-login button[type=submit]")

            sign_in(carrier)
            page.wait_for_selector("#risk .error", timeout=15_000)
            assert "for the customs agencies" in page.locator("#risk").inner_text()

            sign_in(cbp)
            page.wait_for_selector("#risk-figures", timeout=15_000)
            text = page.locator("#risk").inner_text()
            assert "Not enough data" in text and "Hit rate, random examinations" in text
            assert "0 / 0" in text  # the counts are shown, never a 0 %
            assert page.locator("#risk-secret, #risk-client-secret").input_value() == ""

            page.click("#lang-es")
            text = page.locator("#risk").inner_text()
            assert "Datos insuficientes" in text and "Tasa de acierto" in text
            assert "Efectividad de la selección" in panel.locator("h2").inner_text()
        finally:
            browser.close()
    assert errors == [], errors
