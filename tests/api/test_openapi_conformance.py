"""schemathesis against the app in-process: every operation of ``/openapi.json`` answers only
what the document says (status codes, media types, bodies), and never a 5xx.

One test per pass (an admin's token, no token), each going through every operation with a
few positive and negative cases and the examples of the document; the ``slow`` variants try
many more. Failures are gathered over all operations and reported together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from smartborder.api import create_app
from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.store import transaction


def problem_status_matches(ctx: Any, response: Any, case: Case) -> bool | None:
    """A problem's ``status`` member is the response's status (RFC 9457 §3.1.3)."""
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return None
    body = response.json()
    assert body.get("status") == response.status_code, body
    return True


CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_status_matches,
]


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    failures: dict[str, set[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, label: str, exc: BaseException) -> None:
        for failure in getattr(exc, "exceptions", None) or [exc]:
            text = " ".join(str(failure).split())[:400]
            self.failures.setdefault(label, set()).add(f"{type(failure).__name__}: {text}")

    def summary(self) -> str:
        lines = [f"{len(self.failures)} of {self.operations} operations failed:"]
        for label, found in sorted(self.failures.items()):
            lines += [f"  {label}: {f}" for f in sorted(found)]
        return "\n".join(lines)


#: Operations whose every case runs a discrete-event simulation (seconds each): the bounded
#: runs give them one case per mode, the slow one the full count.
SIMULATIONS = {
    "GET /twin/compare",
    "POST /twin/runs",
    "POST /twin/systems/compare",
    "POST /twin/joint/compare",
}


def fuzz(
    app: FastAPI,
    headers: dict[str, str],
    *,
    max_examples: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    bounded: bool = True,
    only: set[str] | None = None,
) -> Report:
    """Every operation: its examples, then positive and negative cases; checks on each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation the loader cannot read raises here
        label = operation.label
        if only is not None and label not in only:
            continue
        report.operations += 1
        started = time.perf_counter()
        strategies = [
            (st.one_of(examples), max(1, len(examples)))
            for examples in [schema.get_strategies_from_examples(operation)]
            if examples
        ]
        count = 1 if bounded and label in SIMULATIONS else max_examples
        strategies += [(operation.as_strategy(mode), count) for mode in modes]
        for strategy, examples in strategies:

            @given(case=strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=bounded,  # the bounded run tries the same cases each time
                phases=[Phase.explicit, Phase.generate],  # no shrinking: a bounded run
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Case) -> None:
                report.cases += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                pass  # no negative case exists for this operation (nothing to get wrong)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
                report.add(label, exc)
        report.seconds[label] = time.perf_counter() - started
    return report


@pytest.fixture
def conformance_app(tmp_path: Path) -> Iterator[FastAPI]:
    """The app on a fresh SQLite store, its rate limits out of the way (429 is documented,
    but a fuzzer that only sees 429s checks nothing else)."""
    settings = Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'conformance.db'}",
        public_rate_limit_per_min=1_000_000,
        token_rate_limit_per_min=1_000_000,
    )
    app = create_app(settings)
    yield app
    app.state.ctx.close()


def admin_headers(app: FastAPI) -> dict[str, str]:
    with transaction(app.state.ctx.sessions) as session:
        admin = create_client(session, org="border-admin", role=Role.ADMIN)
    resp = TestClient(app).post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(admin.client_id, admin.client_secret),
    )
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _run(app: FastAPI, headers: dict[str, str], max_examples: int, **kw: Any) -> None:
    started = time.perf_counter()
    report = fuzz(app, headers, max_examples=max_examples, **kw)
    took = time.perf_counter() - started
    print(f"{report.operations} operations, {report.cases} cases, {took:.1f} s")
    slowest = sorted(report.seconds.items(), key=lambda kv: -kv[1])[:5]
    print("slowest:", ", ".join(f"{label} {s:.1f} s" for label, s in slowest))
    assert report.operations >= 50  # the whole document, not a part of it
    assert not report.failures, report.summary()


def test_the_run_catches_a_status_the_document_leaves_out(conformance_app: FastAPI) -> None:
    del conformance_app.openapi()["paths"]["/clients"]["get"]["responses"]["401"]
    report = fuzz(
        conformance_app, {}, max_examples=1, modes=(GenerationMode.POSITIVE,), only={"GET /clients"}
    )
    assert report.operations == 1
    assert any("401" in f for f in report.failures["GET /clients"]), report.summary()


def test_every_operation_answers_as_documented_to_an_admin(conformance_app: FastAPI) -> None:
    _run(conformance_app, admin_headers(conformance_app), max_examples=2)


def test_every_operation_answers_as_documented_without_a_token(conformance_app: FastAPI) -> None:
    # Without a token a protected operation answers 401 before it reads its input: positive
    # cases suffice (the public ones get their negative cases in the admin's pass).
    _run(conformance_app, {}, max_examples=2, modes=(GenerationMode.POSITIVE,))


@pytest.mark.slow
def test_every_operation_answers_as_documented_exhaustively(
    conformance_app: FastAPI, request: pytest.FixtureRequest
) -> None:
    if "slow" not in str(request.config.getoption("markexpr", "")):
        pytest.skip("ten minutes of fuzzing: run with -m slow (CI runs the bounded tests)")
    headers = admin_headers(conformance_app)
    _run(conformance_app, headers, max_examples=25, bounded=False)
    _run(conformance_app, {}, max_examples=8, bounded=False)
