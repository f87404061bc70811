"""Charts of twin results (matplotlib, Agg backend: files only, no display needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from smartborder.twin.results import RunResult


def _hourly(res: RunResult, lane: str, field: str) -> tuple[list[int], list[float]]:
    rows = [r for r in res.hourly if r.lane == lane]
    return [r.hour for r in rows], [float(getattr(r, field) or 0.0) for r in rows]


def plot_run(res: RunResult, path: str | Path) -> Path:
    """p95 wait and booths open per hour for every lane of one run (PNG or SVG by suffix)."""
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for s in res.summary:
        x, y = _hourly(res, s.lane, "wait_p95_min")
        ax1.plot(x, y, label=s.lane)
        x, b = _hourly(res, s.lane, "booths_open")
        ax2.step(x, b, where="post", label=s.lane)
    ax1.set_ylabel("p95 wait (min)")
    ax1.set_title(f"{res.scenario} ({res.replications} replications)")
    ax1.legend(fontsize=8)
    ax2.set_ylabel("booths open")
    ax2.set_xlabel("hour of profile")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out


def plot_compare(results: Sequence[RunResult], path: str | Path) -> Path:
    """Mean wait per lane (bars, one colour per scenario) and booth-hours per day."""
    fig = _compare_figure(results)
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out


def compare_svg(results: Sequence[RunResult]) -> str:
    """The comparison chart as an SVG document (for inline use in a page)."""
    fig = _compare_figure(results)
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _compare_figure(results: Sequence[RunResult]) -> Any:
    lanes = sorted({s.lane for r in results for s in r.summary})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / max(len(results), 1)
    for k, res in enumerate(results):
        by = {s.lane: s for s in res.summary}
        xs = [i + k * width for i in range(len(lanes))]
        ys = [(by[x].wait_mean_min or 0.0) if x in by else 0.0 for x in lanes]
        ax1.bar(xs, ys, width=width, label=res.scenario)
        ax2.bar([k], [res.booth_hours_per_day])
    ax1.set_xticks([i + 0.4 - width / 2 for i in range(len(lanes))], lanes, rotation=30, ha="right")
    ax1.set_ylabel("mean wait (min)")
    ax1.legend(fontsize=8)
    ax2.set_xticks(range(len(results)), [f"#{k + 1}" for k in range(len(results))])
    ax2.set_ylabel("booth-hours per day")
    fig.tight_layout()
    return fig


__all__ = ["compare_svg", "plot_compare", "plot_run"]
