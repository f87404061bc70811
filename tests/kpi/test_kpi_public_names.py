"""The KPI domain's public surface is exactly the intended names."""

from __future__ import annotations

import smartborder.kpi as kpi

# Names the forecast helper, the twin and the dashboard rely on; changing them breaks them.
STABLE = {
    "parse_bwt", "parse_bts", "import_bwt", "import_bts", "iter_snapshot_sources",
    "BwtReading", "BwtSnapshot", "PLATFORM_MODE", "PLATFORM_LANE",
    "KpiEngine", "Filters", "engine_for",
    "CrossingEvent", "parse_events", "ingest_events",
}  # fmt: skip


def test_public_names() -> None:
    assert set(kpi.__all__) >= STABLE
    for name in kpi.__all__:
        assert getattr(kpi, name) is not None
    assert len(kpi.__all__) == len(set(kpi.__all__))
