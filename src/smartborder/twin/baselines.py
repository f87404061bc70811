"""Calibrated baselines of the four busiest U.S.–Mexico ports, shipped with the package.

Each file in ``smartborder/twin/baselines`` is a scenario derived by :func:`write_baselines`
(``smartborder twin baselines --bts ... --bwt ...``) from BTS Border Crossing Entry Data and the
Border Wait Times archive: passenger vehicles at the port's busiest crossing, primary times and
demand shape fitted by :func:`smartborder.twin.calibrate.calibrate`. The files hold derived
parameters (booths per hour, rates, fitted primary times) and a ``calibration`` record of the
error against both sources; none of the source data is copied.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from smartborder.twin._refdata import Mode
from smartborder.twin.scenario import CalibrationRecord, Scenario

Progress = Callable[[int, int], None]

# The four busiest ports by inbound personal vehicles and trucks (BTS), by file stem.
BUSIEST_PORTS: dict[str, str] = {
    "san_ysidro": "2504",
    "otay_mesa": "2506",
    "laredo": "2304",
    "el_paso": "2402",
}
BASELINE_DIR = Path(__file__).with_name("baselines")
COMMAND = "smartborder twin baselines --bts Border_Crossing_Entry_Data.zip --bwt bwt-feed-*.tar"


def shipped_baselines() -> dict[str, Path]:
    """The calibrated baselines shipped in ``smartborder/twin/baselines``, by file stem."""
    return {p.stem: p for p in sorted(BASELINE_DIR.glob("*.yaml"))}


def _months_of(paths: Sequence[Path]) -> list[str]:
    """Archive months named in the files (``bwt-feed-YYYY-MM.tar``), else the file names."""
    out = []
    for p in paths:
        stem = p.name.split(".")[0]
        out.append(stem.removeprefix("bwt-feed-"))
    return sorted(out)


def _header(name: str, rec: CalibrationRecord) -> str:
    lines = [
        f"# Calibrated baseline: {name} (derived by `smartborder twin baselines`; do not edit by hand).",
        f"# Crossing {rec.crossing}, {rec.mode}. BTS months {rec.bts_months[0]}..{rec.bts_months[-1]}; "
        f"BWT archive {rec.bwt_months[0]}..{rec.bwt_months[-1]}.",
        f"# Error against BTS: simulated {rec.simulated_daily_volume:,.0f} vehicles/day vs "
        f"{rec.bts_daily_volume:,.0f} ({rec.bts_error_pct:+.1f} %); BTS monthly means ranged "
        f"{rec.bts_monthly_range[0]:,.0f}-{rec.bts_monthly_range[1]:,.0f}/day, which one typical day cannot show.",
        "# Error against BWT (MAE of hourly mean waits, minutes; reported vs simulated mean):",
    ]
    for lt, mae in rec.bwt_mae_min.items():
        rep, sim = rec.bwt_reported_mean_min.get(lt), rec.bwt_simulated_mean_min.get(lt)
        lines.append(f"#   {lt}: MAE {_f(mae)}; reported {_f(rep)}, simulated {_f(sim)}")
    return "\n".join(lines) + "\n"


def _f(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.1f}"


def calibrate_baseline(
    name: str,
    *,
    bts_path: Path,
    bwt_paths: Sequence[Path],
    replications: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
) -> Scenario:
    """The calibrated scenario of one of :data:`BUSIEST_PORTS`, with its calibration record."""
    from smartborder.twin.calibrate import calibrate

    port = BUSIEST_PORTS[name]
    cal = calibrate(
        port=port,
        bts_path=bts_path,
        bwt_paths=bwt_paths,
        mode=Mode.PASSENGER_VEHICLE,
        replications=replications,
        seed=seed,
        progress=progress,
    )
    monthly = list(cal.bts_monthly.values())
    rec = CalibrationRecord(
        command=COMMAND,
        crossing=cal.scenario.crossing or "",
        mode=Mode.PASSENGER_VEHICLE.value,
        bts_months=cal.bts_months,
        bts_daily_volume=round(cal.daily_volume, 1),
        bts_monthly_range=(round(min(monthly), 1), round(max(monthly), 1)),
        simulated_daily_volume=round(cal.simulated_daily_volume, 1),
        bts_error_pct=round(100.0 * (cal.simulated_daily_volume / cal.daily_volume - 1.0), 2),
        bwt_months=_months_of(bwt_paths),
        bwt_mae_min={f.lane_type: _r(f.mae_min) for f in cal.fit},
        bwt_reported_mean_min={f.lane_type: _r(f.reported_mean_min) for f in cal.fit},
        bwt_simulated_mean_min={f.lane_type: _r(f.simulated_mean_min) for f in cal.fit},
    )
    return cal.scenario.model_copy(update={"calibration": rec})


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def write_baseline(name: str, scenario: Scenario, out_dir: Path = BASELINE_DIR) -> Path:
    """Write one baseline file (header comments stating its error, then the scenario)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.yaml"
    rec = scenario.calibration
    head = _header(name, rec) if rec is not None else ""
    body = yaml.safe_dump(
        scenario.model_dump(mode="json", exclude_defaults=True),
        sort_keys=False,
        default_flow_style=None,
        width=120,
    )
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(head + body, encoding="utf-8")
    tmp.replace(path)  # nothing half-written
    return path


__all__ = [
    "BASELINE_DIR",
    "BUSIEST_PORTS",
    "calibrate_baseline",
    "shipped_baselines",
    "write_baseline",
]
