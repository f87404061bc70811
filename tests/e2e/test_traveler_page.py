"""The traveler's page without a browser: both languages, strict CSP, local assets only, and a
config that cannot close its script element."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from smartborder.admissibility import DOCUMENT_LABELS, PROGRAMS
from smartborder.i18n import Lang
from smartborder.web.traveler import LABELS, page_config


def test_page_in_both_languages_with_a_strict_csp(api: TestClient) -> None:
    es = api.get("/traveler?lang=es")
    assert es.status_code == 200 and es.headers["content-language"] == "es"
    assert LABELS["page_title"].es in es.text
    csp = es.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "default-src 'none'" in csp
        and "frame-ancestors 'none'" in csp
    )
    en = api.get("/traveler", headers={"Accept-Language": "en-US"})
    assert LABELS["check"].en in en.text
    refs = re.findall(r'(?:src|href)="([^"]+)"', en.text)
    assert refs and all(r.startswith("/") or r == "data:," for r in refs)
    for name in ("traveler.js", "traveler.css"):
        asset = api.get(f"/static/{name}")
        assert asset.status_code == 200
        assert not re.findall(r"https?://[^\s\"')]+", asset.text)


def test_every_label_in_both_languages_and_config_is_safe() -> None:
    for key, text in LABELS.items():
        assert text.en.strip() and text.es.strip(), key
    hostile = [{"code": "9999", "name": "</script><script>alert(1)</script>"}]
    out = page_config(
        Lang.EN,
        hostile,
        documents={"us_visa": DOCUMENT_LABELS["us_visa"]},
        programs=PROGRAMS,
    )
    assert "<" not in out
    config = json.loads(out)
    assert config["endpoint"] == "/admissibility/evaluate"
    assert "SENTRI" in config["programs"] and "us_visa" in {d["value"] for d in config["documents"]}
