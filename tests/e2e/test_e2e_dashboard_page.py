"""The dashboard page and its assets without a browser: languages, local assets only, safety."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from smartborder.i18n import Lang
from smartborder.web import STATIC_DIR
from smartborder.web.dashboard import LABELS, page_config


def _config(html: str) -> dict[str, object]:
    m = re.search(r'<script id="sb-config" type="application/json">(.*?)</script>', html, re.S)
    assert m
    data: dict[str, object] = json.loads(m.group(1))
    return data


def test_page_is_rendered_in_the_asked_or_negotiated_language(api: TestClient) -> None:
    es = api.get("/dashboard?lang=es")
    assert es.status_code == 200 and es.headers["content-language"] == "es"
    assert '<html lang="es">' in es.text
    visible = re.sub(r"<script.*?</script>", "", es.text, flags=re.S)  # the config holds both
    assert LABELS["map_title"].es in visible and LABELS["map_title"].en not in visible
    en = api.get("/dashboard", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in en.text and LABELS["heatmap_title"].en in en.text
    neg = api.get("/dashboard", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in neg.text
    # A language SmartBorder does not speak is no error: the browser's language, else English.
    for path in ("/dashboard", "/"):
        fr = api.get(f"{path}?lang=fr", headers={"Accept-Language": "es-MX"})
        assert fr.status_code == 200 and fr.headers["content-language"] == "es", path
        assert api.get(f"{path}?lang=fr").headers["content-language"] == "en"
    assert api.get("/dashboard?lang=es-MX").headers["content-language"] == "es"
    config = _config(es.text)
    assert config["lang"] == "es"
    ports = config["ports"]
    assert isinstance(ports, list) and len(ports) == 27  # every U.S.-Mexico port, from the registry
    assert {"San Ysidro", "Laredo", "El Paso"} <= {p["name"] for p in ports}


def test_every_label_exists_in_both_languages() -> None:
    for key, text in LABELS.items():
        assert text.en.strip() and text.es.strip(), key
    # Words a reader sees switch language (the weekday axis, lane names, titles).
    assert LABELS["day_0"].es == "lun" and LABELS["lane_passenger_sentri"].es.startswith(
        "Pasajeros"
    )


def test_config_cannot_close_its_script_element() -> None:
    hostile = [{"code": "9999", "name": "</script><script>alert(1)</script>"}]
    out = page_config(Lang.EN, hostile)
    assert "</script>" not in out and "<" not in out
    assert json.loads(out)["ports"][0]["name"] == hostile[0]["name"]


def test_assets_are_local_and_nothing_loads_from_elsewhere(api: TestClient) -> None:
    html = api.get("/dashboard").text
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(r.startswith("/") or r.startswith("?") or r == "data:," for r in refs)
    for name in ("dashboard.js", "dashboard-data.js", "dashboard-risk.js", "dashboard.css"):
        r = api.get(f"/static/{name}")
        assert r.status_code == 200
        # No absolute URL to another host anywhere in the assets (the SVG namespace is an
        # identifier, never fetched).
        urls = set(re.findall(r"https?://[^\s\"')]+", r.text)) - {"http://www.w3.org/2000/svg"}
        assert urls == set(), (name, urls)
    assert api.get("/static/dashboard.js").headers["content-type"].startswith("text/javascript")
    assert api.get("/static/dashboard.css").headers["content-type"].startswith("text/css")


def test_static_files_outside_the_folder_are_not_served(api: TestClient) -> None:
    assert (STATIC_DIR / "dashboard.js").is_file()
    for path in ("/static/../dashboard.py", "/static/%2e%2e/dashboard.py", "/static/nope.js"):
        r = api.get(path)
        assert r.status_code == 404, path
