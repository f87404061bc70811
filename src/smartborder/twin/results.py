"""Results of a twin run as typed records, and their JSON and CSV forms."""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from smartborder.ports import factors_for

if TYPE_CHECKING:
    from smartborder.twin.compiled import CompiledScenario
    from smartborder.twin.replication import Replication


class HourLaneStats(BaseModel):
    """One lane group in one hour of the profile, averaged over measured days and replications."""

    lane: str
    lane_type: str
    mode: str
    hour: int = Field(description="Hour of the profile (0-23, or 0-167 from Monday 00:00).")
    booths_open: float
    arrivals_per_h: float
    served_per_h: float
    wait_mean_min: float | None
    wait_p50_min: float | None
    wait_p90_min: float | None
    wait_p95_min: float | None
    wait_max_min: float | None
    queue_mean: float
    queue_max: float
    utilization: float | None
    secondary_per_h: float
    buffer_index: float | None = Field(
        description="FHWA: (p95 - mean) / mean time through primary."
    )
    co2_kg: float
    nox_g: float
    pm25_g: float


class LaneSummary(BaseModel):
    """One lane group over the whole measured period."""

    lane: str
    lane_type: str
    mode: str
    arrivals_per_day: float
    served_per_day: float
    wait_mean_min: float | None
    wait_mean_ci_min: tuple[float, float] | None = Field(
        description="95% confidence interval of the mean wait over replications (None for one)."
    )
    wait_p95_min: float | None = Field(description="Largest hourly p95 wait of the profile.")
    booth_hours_per_day: float
    utilization: float | None
    co2_kg_per_day: float
    nox_g_per_day: float
    pm25_g_per_day: float


class SecondarySummary(BaseModel):
    mode: str
    referred_per_day: float
    wait_mean_min: float | None
    utilization: float
    unserved: float


class ChainSummary(BaseModel):
    """A chained crossing end to end (both sides of the line), per measured day."""

    modules: list[str]
    joint_inspection: bool
    vehicles_per_day: float
    released_per_day: float
    time_in_system_mean_min: float | None = Field(
        description="Arrival at the exit booths to release, mean over released vehicles."
    )
    time_in_system_ci_min: tuple[float, float] | None
    time_in_system_p95_min: float | None
    exit_wait_mean_min: float | None = Field(description="Queued at the exit booths (módulos).")
    exit_selected_share: float = Field(description="Share selected on the exit side (semáforo).")
    exit_inspection_wait_mean_min: float | None = Field(
        description="Queued for the exit-side inspection (serial only)."
    )
    entry_wait_mean_min: float | None = Field(description="Queued for entry primary.")
    inspection_wait_mean_min: float | None = Field(
        description="Queued for entry secondary, or for the joint inspection (UCP)."
    )
    wait_min_per_vehicle: float | None = Field(
        description="Minutes queued per vehicle, every queue on both sides."
    )
    exams_per_day: float = Field(description="Inspections held, both sides (joint: once each).")
    idle_min_per_vehicle: float | None
    co2_kg_per_day: float
    nox_g_per_day: float
    pm25_g_per_day: float


class RunResult(BaseModel):
    """Everything a run measured. ``vehicles`` counts warm-up too (the work the engine did)."""

    scenario: str
    replications: int
    seed: int | None
    days: int
    warmup_days: int
    vehicles: int
    unserved: int
    elapsed_s: float
    vehicles_per_s: float
    hourly: list[HourLaneStats]
    summary: list[LaneSummary]
    secondary: list[SecondarySummary]
    chain: ChainSummary | None = None

    @property
    def booth_hours_per_day(self) -> float:
        return sum(s.booth_hours_per_day for s in self.summary)

    def lane(self, lane_id: str) -> LaneSummary:
        return next(s for s in self.summary if s.lane == lane_id)

    def to_csv(self) -> str:
        """The hourly rows as CSV (one row per lane and profile hour)."""
        buf = io.StringIO()
        fields = list(HourLaneStats.model_fields)
        w = csv.DictWriter(buf, fieldnames=fields)
        w.writeheader()
        for row in self.hourly:
            w.writerow(row.model_dump())
        return buf.getvalue()


def _none(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _min(x: float) -> float | None:
    return _none(x / 60.0)


def mean_ci(
    values: Sequence[float], *, level: float = 0.95, floor: float | None = None
) -> tuple[float, float] | None:
    """Student-t confidence interval of the mean of independent replications, cut at
    ``floor`` where the quantity cannot go below it (a wait: 0). The cut keeps the coverage:
    the true mean is never below the floor."""
    from scipy import stats as sps  # type: ignore[import-untyped]  # heavy: not at start-up

    a = np.asarray([v for v in values if math.isfinite(v)], dtype=np.float64)
    if a.size < 2:
        return None
    half = float(sps.t.ppf(0.5 + level / 2.0, a.size - 1) * a.std(ddof=1) / math.sqrt(a.size))
    m = float(a.mean())
    low = m - half if floor is None else max(floor, m - half)
    return (low, m + half)


def summarize(
    comp: CompiledScenario,
    reps: Sequence[Replication],
    *,
    seed: int | None,
    elapsed_s: float,
) -> RunResult:
    """Fold replications into hourly rows and per-lane summaries."""
    from smartborder.twin import _stats as st  # numba: the records above import without it

    s = comp.scenario
    period = comp.period
    measured_h = 24 * s.days
    hours = np.arange(comp.warm_h, comp.run_h) % period
    days_in = np.bincount(hours, minlength=period).astype(
        np.float64
    )  # measured hours per profile hour
    sums = np.stack([r.sums for r in reps])  # [R, G, H, M]
    n_r = len(reps)
    booths = comp.booths[:, comp.warm_h : comp.run_h].astype(np.float64)

    def by_profile(a: np.ndarray, how: str = "sum") -> np.ndarray:
        out = (
            np.zeros(a.shape[:-1] + (period,))
            if how == "sum"
            else np.full(a.shape[:-1] + (period,), 0.0)
        )
        for p in range(period):
            sel = a[..., hours == p]
            out[..., p] = sel.sum(axis=-1) if how == "sum" else sel.max(axis=-1, initial=0.0)
        return out

    def col(c: int) -> np.ndarray:
        return sums[..., c]  # [R, G, H]

    arrivals = by_profile(col(st.ARRIVALS)).sum(0)
    served = by_profile(col(st.SERVED)).sum(0)
    wait_sum = by_profile(col(st.WAIT_SUM)).sum(0)
    soj_sum = by_profile(col(st.SOJOURN_SUM)).sum(0)
    wait_max = by_profile(col(st.WAIT_MAX), "max").max(0)
    q_area = by_profile(col(st.Q_AREA)).sum(0)
    q_max = by_profile(col(st.Q_MAX), "max").max(0)
    busy = by_profile(col(st.BUSY_S)).sum(0)
    referred = by_profile(col(st.REFERRED)).sum(0)
    open_h = by_profile(booths)  # booth-hours per lane and profile hour, one replication
    with warnings.catch_warnings():  # an hour nobody crossed in any replication stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        quant = np.nanmean(np.stack([r.quantiles for r in reps]), axis=0)
    denom = days_in * n_r
    rows: list[HourLaneStats] = []
    summary: list[LaneSummary] = []
    for g, lane in enumerate(s.lanes):
        f = factors_for(lane.mode.value)
        for p in range(period):
            if not denom[p]:  # a profile hour the measured days never reached: no row, no NaN
                continue
            n_served = served[g, p]
            mean_w = wait_sum[g, p] / n_served if n_served else math.nan
            mean_soj = soj_sum[g, p] / n_served if n_served else math.nan
            p95_soj = quant[g, p, st.SOJOURN_P95]
            idle_min = soj_sum[g, p] / 60.0 / denom[p]
            rows.append(
                HourLaneStats(
                    lane=lane.id,
                    lane_type=lane.lane_type.value,
                    mode=lane.mode.value,
                    hour=p,
                    booths_open=open_h[g, p] / days_in[p],
                    arrivals_per_h=arrivals[g, p] / denom[p],
                    served_per_h=n_served / denom[p],
                    wait_mean_min=_min(mean_w),
                    wait_p50_min=_min(quant[g, p, st.P50]),
                    wait_p90_min=_min(quant[g, p, st.P90]),
                    wait_p95_min=_min(quant[g, p, st.P95]),
                    wait_max_min=_min(wait_max[g, p]) if n_served else None,
                    queue_mean=q_area[g, p] / 3600.0 / denom[p],
                    queue_max=float(q_max[g, p]),
                    utilization=_none(busy[g, p] / (open_h[g, p] * 3600.0 * n_r))
                    if open_h[g, p]
                    else None,
                    secondary_per_h=referred[g, p] / denom[p],
                    buffer_index=_none((p95_soj - mean_soj) / mean_soj) if n_served else None,
                    co2_kg=idle_min * f.co2_g_per_min / 1000.0,
                    nox_g=idle_min * f.nox_g_per_min,
                    pm25_g=idle_min * f.pm25_g_per_min,
                )
            )
        per_rep_wait = [
            float(r.sums[g, :, st.WAIT_SUM].sum() / r.sums[g, :, st.SERVED].sum())
            if r.sums[g, :, st.SERVED].sum()
            else math.nan
            for r in reps
        ]
        tot_served = served[g].sum()
        idle_day = soj_sum[g].sum() / 60.0 / (s.days * n_r)
        ci = mean_ci(per_rep_wait, floor=0.0)
        p95s = quant[g, :, st.P95]
        summary.append(
            LaneSummary(
                lane=lane.id,
                lane_type=lane.lane_type.value,
                mode=lane.mode.value,
                arrivals_per_day=arrivals[g].sum() / (s.days * n_r),
                served_per_day=tot_served / (s.days * n_r),
                wait_mean_min=_min(wait_sum[g].sum() / tot_served) if tot_served else None,
                wait_mean_ci_min=(ci[0] / 60.0, ci[1] / 60.0) if ci else None,
                wait_p95_min=_min(float(np.nanmax(p95s))) if np.isfinite(p95s).any() else None,
                booth_hours_per_day=float(booths[g].sum()) / s.days,
                utilization=_none(busy[g].sum() / (booths[g].sum() * 3600.0 * n_r))
                if booths[g].sum()
                else None,
                co2_kg_per_day=idle_day * f.co2_g_per_min / 1000.0,
                nox_g_per_day=idle_day * f.nox_g_per_min,
                pm25_g_per_day=idle_day * f.pm25_g_per_min,
            )
        )
    secondary = []
    for m, plan in enumerate(comp.secondary):
        ref = sum(r.secondary_referred[m] for r in reps)
        wait = sum(r.secondary_wait_s[m] for r in reps)
        busy_s = sum(r.secondary_busy_s[m] for r in reps)
        secondary.append(
            SecondarySummary(
                mode=plan.mode,
                referred_per_day=ref / (s.days * n_r),
                wait_mean_min=_min(wait / ref) if ref else None,
                utilization=busy_s / (plan.spaces * 3600.0 * (measured_h + 24) * n_r),
                unserved=sum(r.secondary_unserved[m] for r in reps) / n_r,
            )
        )
    vehicles = sum(r.vehicles for r in reps)
    chain = _chain_summary(comp, reps) if comp.chain is not None else None
    return RunResult(
        scenario=s.name,
        replications=n_r,
        seed=seed,
        days=s.days,
        warmup_days=s.warmup_days,
        vehicles=vehicles,
        unserved=sum(r.unserved for r in reps),
        elapsed_s=elapsed_s,
        vehicles_per_s=vehicles / elapsed_s if elapsed_s > 0 else math.inf,
        hourly=rows,
        summary=summary,
        secondary=secondary,
        chain=chain,
    )


def _chain_summary(comp: CompiledScenario, reps: Sequence[Replication]) -> ChainSummary:
    from smartborder.twin import chain as ch

    assert comp.chain is not None
    rows = np.stack([r.chain for r in reps if r.chain is not None])
    tot = rows.sum(axis=0)
    per_day = comp.scenario.days * len(reps)

    def mean_min(col: int, count: float) -> float | None:
        return _min(tot[col] / count) if count else None

    per_rep = [r[ch.TIS_SUM] / r[ch.RELEASED] if r[ch.RELEASED] else math.nan for r in rows]
    ci = mean_ci(per_rep, floor=0.0)
    f = factors_for(comp.scenario.lanes[0].mode.value)
    idle_day = tot[ch.IDLE_S] / 60.0 / per_day
    return ChainSummary(
        modules=list(comp.chain.modules),
        joint_inspection=comp.chain.joint,
        vehicles_per_day=tot[ch.N] / per_day,
        released_per_day=tot[ch.RELEASED] / per_day,
        time_in_system_mean_min=mean_min(ch.TIS_SUM, tot[ch.RELEASED]),
        time_in_system_ci_min=(ci[0] / 60.0, ci[1] / 60.0) if ci else None,
        time_in_system_p95_min=_min(float(np.nanmean(rows[:, ch.TIS_P95])))
        if np.isfinite(rows[:, ch.TIS_P95]).any()
        else None,
        exit_wait_mean_min=mean_min(ch.EXIT_WAIT, tot[ch.N]),
        exit_selected_share=tot[ch.SELECTED_EXIT] / tot[ch.N] if tot[ch.N] else 0.0,
        exit_inspection_wait_mean_min=mean_min(ch.EXIT_INSP_WAIT, tot[ch.EXIT_INSPECTED]),
        entry_wait_mean_min=mean_min(ch.ENTRY_WAIT, tot[ch.N]),
        inspection_wait_mean_min=mean_min(ch.INSP_WAIT, tot[ch.INSPECTED]),
        wait_min_per_vehicle=(
            tot[ch.EXIT_WAIT] + tot[ch.EXIT_INSP_WAIT] + tot[ch.ENTRY_WAIT] + tot[ch.INSP_WAIT]
        )
        / 60.0
        / tot[ch.N]
        if tot[ch.N]
        else None,
        exams_per_day=tot[ch.EXAMS] / per_day,
        idle_min_per_vehicle=tot[ch.IDLE_S] / 60.0 / tot[ch.N] if tot[ch.N] else None,
        co2_kg_per_day=idle_day * f.co2_g_per_min / 1000.0,
        nox_g_per_day=idle_day * f.nox_g_per_min,
        pm25_g_per_day=idle_day * f.pm25_g_per_min,
    )
