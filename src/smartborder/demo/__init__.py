"""The demo: synthetic but realistic traffic and credentials, and the demo day behind
``smartborder serve --demo``, whose loop (:func:`close_the_loop`) runs the filed day through
the twin, the KPIs, the feed and a forecaster. Library code never imports it; the CLI, the API's what-if
endpoints, tests and benchmarks do."""

from smartborder.demo.closed_loop import LoopReport, close_the_loop
from smartborder.demo.day import (
    DAY_PLAN,
    DEMO_ORGS,
    DemoReport,
    ensure_demo_clients,
    import_demo_data,
    run_demo,
)
from smartborder.demo.synthetic import generate_travelers, generate_trips, generate_trucks

__all__ = [
    "DAY_PLAN",
    "DEMO_ORGS",
    "DemoReport",
    "LoopReport",
    "close_the_loop",
    "ensure_demo_clients",
    "generate_travelers",
    "generate_trips",
    "generate_trucks",
    "import_demo_data",
    "run_demo",
]
