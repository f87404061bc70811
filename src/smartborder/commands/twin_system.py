"""``smartborder twin baselines``, ``twin system`` and ``twin joint``: calibrated baselines of the
busiest ports, systems of ports with a new port and a demand split, and what joint inspection
(UCP) saves on a chained crossing. Registered on the ``twin`` group by :mod:`.twin`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(emoji=False)
if not console.is_terminal:
    console = Console(width=150, emoji=False)


def baselines(
    bts: Annotated[
        Path, typer.Option("--bts", help="BTS Border_Crossing_Entry_Data.zip (or .csv).")
    ],
    bwt: Annotated[
        list[Path],
        typer.Option("--bwt", help="Border Wait Times archives (bwt-feed-YYYY-MM.tar), repeatable."),
    ],
    port: Annotated[
        list[str] | None,
        typer.Option("--port", help="Only these baselines (san_ysidro, otay_mesa, laredo, el_paso)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write to; default: the package's twin/baselines."),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", "-r", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Calibrate the four busiest ports' baselines from BTS and BWT and write them, each with its
    calibration error against both."""
    from smartborder.commands.twin import progress_bar
    from smartborder.twin.baselines import (
        BASELINE_DIR,
        BUSIEST_PORTS,
        calibrate_baseline,
        write_baseline,
    )

    names = port or list(BUSIEST_PORTS)
    unknown = [n for n in names if n not in BUSIEST_PORTS]
    if unknown:
        raise typer.BadParameter(f"--port {unknown[0]!r}: use one of {', '.join(BUSIEST_PORTS)}")
    for name in names:
        with progress_bar(f"calibrating {name}") as update:
            s = calibrate_baseline(
                name,
                bts_path=bts,
                bwt_paths=bwt,
                replications=replications,
                seed=seed,
                progress=update,
            )
        path = write_baseline(name, s, out or BASELINE_DIR)
        rec = s.calibration
        assert rec is not None
        maes = ", ".join(f"{k} {v:.1f}" for k, v in rec.bwt_mae_min.items() if v is not None)
        console.print(
            f"{name}: {path} — BTS {rec.bts_error_pct:+.1f} % "
            f"({rec.simulated_daily_volume:,.0f} vs {rec.bts_daily_volume:,.0f}/day); "
            f"BWT MAE min: {maes}"
        )
