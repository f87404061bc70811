"""The dashboard in headless Chromium over a node loaded with real CBP and BTS data.

Checks what a person sees: the ports on the map with their waits, the heatmap, the Spanish
switch, and that the page never reaches beyond this node (no CDN) nor logs an error.
Skips with a clear message where Debian's chromium (or the playwright package) is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from conftest import shared_path
from smartborder.config import Settings

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("SMARTBORDER_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _snapshots(tar: Path, dest: Path, *, last: int) -> Path:
    """The last ``last`` hourly snapshots of a month's archive, as files in ``dest``."""
    dest.mkdir(parents=True)
    with tarfile.open(tar) as tf:
        members = sorted((m for m in tf if m.name.endswith(".xml.gz")), key=lambda m: m.name)
        for m in members[-last:]:
            fh = tf.extractfile(m)
            assert fh is not None
            (dest / Path(m.name).name).write_bytes(fh.read())
    return dest


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Debian's chromium is not installed ({CHROMIUM}); run `make browser` "
            "(apt-get install chromium) to run the dashboard's browser test"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright package (dev extra) is absent"
    )


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running node (uvicorn on a free localhost port) with two weeks of the BWT feed
    (September 2025) and San Ysidro's BTS counts imported."""
    _need_browser()
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright package (dev extra) is absent"
    )

    from smartborder.kpi.forecast import model_path
    from smartborder.kpi.forecast_bands import fit_with_bands
    from smartborder.kpi.forecast_data import load_archives
    from smartborder.kpi.importers import import_bts, import_bwt
    from smartborder.store import make_engine, session_factory, upgrade

    tar = shared_path("data", "bwt", "bwt-feed-2025-09.tar")
    bts = shared_path("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv")
    base = tmp_path_factory.mktemp("e2e")
    settings = Settings(home=base / "home")
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    report = import_bwt(sessions, [_snapshots(tar, base / "bwt", last=24 * 14)])
    assert report.rows_imported > 10_000, report
    import_bts(sessions, bts)
    engine.dispose()
    # A small forecaster with ranges (measured on the last three days), as forecast-train
    # makes on a longer archive: the dashboard shows both.
    obs = load_archives([base / "bwt"]).observations
    model = fit_with_bands(
        obs,
        rng=np.random.default_rng(2),
        max_iter=30,
        max_rows=5_000,
        holdout=timedelta(days=3),
        min_train_span=timedelta(days=7),
    )
    assert model.bands
    model.save(model_path(settings.home))

    with _serving(settings) as url:
        yield url


@contextmanager
def _serving(settings: Settings) -> Iterator[str]:
    """The node on a free localhost port, in a thread, for the duration of the block."""
    import uvicorn

    from smartborder.api import create_app

    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the node did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.ctx.close()


def test_dashboard_shows_ports_waits_heatmap_and_switches_to_spanish(
    node: str, tmp_path: Path
) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    hosts: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
            page.on(
                "request",
                lambda r: (
                    hosts.append(urlsplit(r.url).hostname or "")
                    if r.url.startswith(("http:", "https:", "ws:", "wss:"))
                    else None
                ),
            )
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(20_000)  # bounded: no step waits longer
            page.goto(f"{node}/dashboard?lang=en")
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)

            # The map: port names, and minutes beside the ports that publish a wait.
            map_text = page.locator("#map-svg").text_content() or ""
            for name in ("San Ysidro", "Otay Mesa", "Laredo", "El Paso", "Nogales", "Brownsville"):
                assert name in map_text
            waits = page.locator("#map-svg tspan.port-wait[data-wait]:not([data-wait=''])")
            assert waits.count() >= 15  # most of the 27 ports published a wait in September
            first = waits.first.text_content() or ""
            assert first.endswith("min") and first.split()[0].isdigit()

            # The current-waits table names crossings and lanes.
            table = page.locator("#current-table").inner_text()
            assert "San Ysidro" in table and "Passenger — SENTRI" in table

            # The heatmap of the default crossing (San Ysidro, passenger standard lanes).
            assert page.locator("#sel-crossing").input_value() == "250401"
            cells = page.locator("#heatmap-svg rect.heat-cell")
            assert cells.count() >= 120  # two weeks of hourly readings cover most hours of the week
            values = [float(v) for v in cells.evaluate_all("els => els.map(e => e.dataset.wait)")]
            assert max(values) > min(values) >= 0  # waits vary over the week

            # Trend, forecast and BTS volumes drew from real data.
            assert page.locator("#trend-svg path.line").count() >= 1
            assert page.locator("#forecast-table tbody tr").count() == 6
            ranges = page.locator("#forecast-table td.range").all_text_contents()
            assert len(ranges) == 6 and all(re.fullmatch(r"\d+–\d+ min", r) for r in ranges)
            assert "Likely range (80 %)" in page.locator("#forecast-table thead").inner_text()
            # Honest figures: times in the port's local time with the zone named, and how
            # much history the forecast and its model stand on.
            head = page.locator("#forecast-table thead").inner_text()
            assert "Time (America/Los_Angeles)" in head and "UTC" not in head
            history = page.locator("#forecast .forecast-history").inner_text()
            assert re.fullmatch(
                r"Stands on [\d,]+ published waits of this lane over [\d,]+ h\.", history
            )
            assert (
                "published Border Wait Times"
                in page.locator("#forecast .model-history").inner_text()
            )
            assert re.search(
                r"\d{4}-\d\d-\d\d \d\d:\d\d P[SD]T", page.locator("#current-table").inner_text()
            )
            assert page.locator("#bts-pv-svg rect.bar").count() >= 20  # 1996-2021
            assert "(BTS)" in page.locator("#sec-bts h2").inner_text()
            page.screenshot(path=str(tmp_path / "dashboard-en.png"), full_page=True)

            # Clicking Laredo on the map selects one of its crossings and redraws the heatmap.
            page.click("#map-svg g.port[data-port='2304'] circle")
            page.wait_for_function(
                "document.getElementById('sel-crossing').value.startsWith('2304')"
            )
            page.wait_for_selector("#heatmap-svg rect.heat-cell")
            assert "Laredo" in page.locator("#sel-crossing option:checked").inner_text()

            # Spanish: the switch changes every label without a reload.
            page.click("#lang-es")
            assert page.locator("html").get_attribute("lang") == "es"
            assert page.locator("h1").inner_text() == "SmartBorder — desempeño de la frontera"
            assert "esperas actuales" in page.locator("#sec-map h2").inner_text()
            axis = page.locator("#heatmap-svg text.axis").all_text_contents()
            assert "lun" in axis and "Mon" not in axis
            assert "Pasajeros — SENTRI" in page.locator("#current-table").inner_text()
            assert "Ahead" not in page.locator("#forecast").inner_text()
            assert "Rango probable (80 %)" in page.locator("#forecast-table thead").inner_text()
            # Laredo is selected now: its own zone.
            assert "Hora (America/Chicago)" in page.locator("#forecast-table thead").inner_text()
            assert "Se basa en" in page.locator("#forecast .forecast-history").inner_text()
            page.screenshot(path=str(tmp_path / "dashboard-es.png"), full_page=True)
            shots = os.environ.get("SMARTBORDER_E2E_SCREENSHOTS")
            if shots:
                for name in ("dashboard-en.png", "dashboard-es.png"):
                    shutil.copy(tmp_path / name, Path(shots) / name)
        finally:
            browser.close()

    assert hosts and set(hosts) == {"127.0.0.1"}, f"requests beyond this node: {set(hosts)}"
    assert errors == [], errors


def test_an_empty_node_says_there_is_no_data_yet(tmp_path: Path) -> None:
    """Before any import the page explains itself in both languages and logs no error."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with _serving(Settings(home=tmp_path / "home")) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/dashboard?lang=es")
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            assert page.locator("#heatmap .empty").inner_text() == "Aún no hay datos."
            assert page.locator("#forecast .empty").count() == 1
            assert page.locator("#map-svg g.port").count() == 27  # the ports, without waits
            assert "Cargando" not in page.locator("main").inner_text()
        finally:
            browser.close()
    assert errors == [], errors


@pytest.mark.slow
def test_a_fresh_demo_day_fills_the_dashboard_with_honest_figures(tmp_path: Path) -> None:
    """Without ../shared: the demo day closes the loop, and the page shows its waits,
    forecast (local time, history, range), pre-cleared shares with counts and own volumes."""
    _need_browser()
    from datetime import UTC, datetime

    from playwright.sync_api import sync_playwright

    from smartborder.demo import close_the_loop, run_demo

    settings = Settings(home=tmp_path / "home")
    now = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    run_demo(settings, scale=0.005, now=now, progress=False)
    close_the_loop(settings, now=now, scale=0.005, history_days=21, boosting_rounds=10)
    errors: list[str] = []
    with _serving(settings) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
            page.set_default_timeout(20_000)  # bounded: no step waits longer
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/dashboard?lang=en")
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            waits = page.locator("#map-svg tspan.port-wait[data-wait]:not([data-wait=''])")
            # The demo's four ports; Laredo's truck lanes close at 22:00, so its last reading
            # of the day may say "Lanes Closed" (no wait) instead.
            assert waits.count() >= 3
            assert page.locator("#sel-crossing").input_value() == "250401"
            assert page.locator("#heatmap-svg rect.heat-cell").count() >= 12
            assert page.locator("#forecast-table tbody tr").count() == 6
            assert (
                "Time (America/Los_Angeles)" in page.locator("#forecast-table thead").inner_text()
            )
            assert "Stands on" in page.locator("#forecast .forecast-history").inner_text()
            model = page.locator("#forecast .model-history").inner_text()
            assert "simulated by the digital twin" in model
            # Pre-cleared shares carry their counts; volumes say they are the node's own.
            shares = page.locator("#preclearance-svg text.bar-value").all_text_contents()
            assert shares and all(
                re.fullmatch(r"\d+ % of [\d,]+( — too few to judge)?", s) for s in shares
            )
            assert (
                "counted from this node's crossing events"
                in page.locator("#sec-bts h2").inner_text()
            )
            assert page.locator("#bts-pv-svg rect.bar").count() == 1
            emissions = page.locator("#emissions-svg text.bar-value").all_text_contents()
            assert emissions and all("readings)" in e for e in emissions)
            page.click("#lang-es")
            assert (
                "Hora (America/Los_Angeles)" in page.locator("#forecast-table thead").inner_text()
            )
            assert "gemelo digital" in page.locator("#forecast .model-history").inner_text()
            assert "eventos de cruce de este nodo" in page.locator("#sec-bts h2").inner_text()
        finally:
            browser.close()
    assert errors == [], errors
