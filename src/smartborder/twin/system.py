"""Systems of ports: several ports of entry, a new port among them, and a demand split.

A system lists ports (a calibrated baseline or shipped scenario by name, an inline scenario, or
a ``new_port`` given by its site, lanes per kind, booths, hours and inspection capacity) and
optionally a demand split for one mode: the traffic of that mode at the existing ports named in
the split is pooled and shared among them (new ports included) in the given shares, which sum
to 1. In an hour when a port of the split has no booth open, its share goes to the ports that
are open (drivers do not head for a closed port), so every vehicle of the pool arrives at some
port: the traffic is conserved, and diverted traffic queues where it goes.

``compare_system`` (:mod:`.system_compare`) runs the system before (the existing ports with their own demand) and after
(new ports opened, the split applied) with the same seeds, and reports every port and the
system-wide figures: vehicles, waits, booth-hours, emissions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.ports import PRIMARY_INSPECTION_S
from smartborder.twin._refdata import LaneType, Mode
from smartborder.twin.errors import ScenarioInvalid
from smartborder.twin.scenario import (
    Inspection,
    LatLon,
    Scenario,
    load_scenario,
    shipped_scenarios,
)

Profile = float | list[float]
SPLIT_TOLERANCE = 1e-6

# Relative primary times of a new port's lanes by kind (as in calibration's starting point:
# trusted travelers are vetted in advance).
_KIND_FACTOR = {"sentri": 0.7, "ready": 1.0, "general": 1.3, "fast": 1.0, "precleared": 0.7}
# Lanes a class may use at a port that lacks its own kind, preferred first.
_FALLBACK = {
    "sentri": ["sentri", "ready", "general"],
    "ready": ["ready", "general"],
    "fast": ["fast", "general"],
    "precleared": ["precleared", "general"],
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewPort(_Model):
    """A port of entry that does not exist yet."""

    name: str = Field(min_length=1)
    location: LatLon | None = Field(default=None, description="Latitude and longitude of the site.")
    mode: Mode = Mode.PASSENGER_VEHICLE
    lanes: dict[LaneType, int] = Field(description="Lanes (booths that exist) per kind.")
    booths: dict[LaneType, Profile] = Field(
        default_factory=dict,
        description="Booths open per hour and kind (default: every lane while the port is open).",
    )
    hours: tuple[int, int] = Field(default=(0, 24), description="Open from, until (local hour).")
    service: dict[LaneType, dict[str, Any] | float] = Field(default_factory=dict)
    referral: float = Field(default=0.01, ge=0.0, le=1.0)
    inspection: Inspection | None = Field(
        default=None, description="Secondary inspection capacity: spaces and exam time."
    )


class PortEntry(_Model):
    """One port of the system: exactly one of ``baseline``, ``scenario`` or ``new_port``."""

    id: str = Field(min_length=1)
    baseline: str | None = Field(
        default=None, description="A shipped scenario by name, e.g. calibrated_san_ysidro."
    )
    scenario: dict[str, Any] | None = None
    new_port: NewPort | None = None


class DemandSplit(_Model):
    mode: Mode = Mode.PASSENGER_VEHICLE
    split: dict[str, float] = Field(description="Share of the pooled demand per port id.")


class System(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    days: int = Field(default=7, ge=1, le=366)
    warmup_days: int = Field(default=1, ge=0, le=60)
    ports: list[PortEntry] = Field(min_length=1)
    demand: DemandSplit | None = None


class Resolved(BaseModel):
    """A validated system with each port's scenario before and after (new ports: after only)."""

    model_config = ConfigDict(frozen=True)
    system: System
    before: dict[str, Scenario]
    after: dict[str, Scenario]


def _p(pointer: str, code: str, en: str, es: str) -> Problem:
    return Problem(pointer, code, Text(en, es))


def load_system(source: str | Path | dict[str, Any]) -> Resolved:
    """A validated system from a YAML file, YAML text or a mapping, with its scenarios built.

    Raises :class:`ScenarioInvalid` listing every problem with a JSON pointer into the system.
    """
    data: Any = source
    if not isinstance(source, dict):
        path = Path(source)
        is_file = path.suffix in (".yaml", ".yml") or path.exists()
        text = path.read_text(encoding="utf-8") if is_file else source
        try:
            data = yaml.safe_load(str(text))
        except yaml.YAMLError as exc:
            raise ScenarioInvalid(
                problems=[_p("", "twin.yaml", f"Not valid YAML: {exc}", f"YAML no válido: {exc}")]
            ) from None
    if not isinstance(data, dict):
        raise ScenarioInvalid(
            problems=[
                _p(
                    "",
                    "twin.not_mapping",
                    "A system is a YAML mapping with name, ports and demand.",
                    "Un sistema es un mapeo YAML con name, ports y demand.",
                )
            ]
        )
    try:
        system = System.model_validate(data)
    except ValidationError as exc:
        raise ScenarioInvalid(
            problems=[
                _p(
                    "/" + "/".join(str(x) for x in e["loc"]),
                    "twin.field",
                    e["msg"],
                    f"Campo no válido: {e['msg']}",
                )
                for e in exc.errors()
            ]
        ) from None
    return _resolve(system)


def shipped_systems() -> dict[str, Path]:
    """The example systems shipped in ``smartborder/twin/systems``, by file stem."""
    folder = Path(__file__).with_name("systems")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def _named(name: str) -> Path | None:
    return shipped_scenarios().get(name)


def _resolve(system: System) -> Resolved:
    problems: list[Problem] = []
    existing: dict[str, Scenario] = {}
    new: dict[str, NewPort] = {}
    ids = [p.id for p in system.ports]
    for i, port in enumerate(system.ports):
        at = f"/ports/{i}"
        if ids.index(port.id) != i:
            problems.append(
                _p(
                    f"{at}/id",
                    "twin.duplicate_port",
                    f"Port id {port.id!r} is used twice.",
                    f"El id de puerto {port.id!r} se usa dos veces.",
                )
            )
        given = [x is not None for x in (port.baseline, port.scenario, port.new_port)]
        if sum(given) != 1:
            problems.append(
                _p(
                    at,
                    "twin.one_port_kind",
                    "Give a port exactly one of baseline, scenario or new_port.",
                    "Dé a un puerto exactamente uno de baseline, scenario o new_port.",
                )
            )
            continue
        if port.baseline is not None:
            path = _named(port.baseline)
            if path is None:
                problems.append(
                    _p(
                        f"{at}/baseline",
                        "twin.no_scenario",
                        f"No calibrated baseline or shipped scenario {port.baseline!r} "
                        "(see `smartborder twin scenarios`).",
                        f"No hay línea base calibrada ni escenario incluido {port.baseline!r} "
                        "(vea `smartborder twin scenarios`).",
                    )
                )
                continue
            existing[port.id] = load_scenario(path)
        elif port.scenario is not None:
            try:
                existing[port.id] = load_scenario(port.scenario)
            except ScenarioInvalid as exc:
                problems += [
                    Problem(f"{at}/scenario{q.pointer}", q.code, q.message) for q in exc.problems
                ]
        elif port.new_port is not None:
            found = _check_new_port(port.new_port, f"{at}/new_port")
            problems += found
            if not found:
                new[port.id] = port.new_port
    problems += _check_split(system, existing, new)
    if problems:
        raise ScenarioInvalid(problems=problems)
    span = {"days": system.days, "warmup_days": system.warmup_days}
    before = {k: s.with_changes(**span) for k, s in existing.items()}
    after = _apply_split(system, before, new)
    return Resolved(system=system, before=before, after=after)


def _check_new_port(port: NewPort, at: str) -> list[Problem]:
    out = []
    if not port.lanes or all(n <= 0 for n in port.lanes.values()):
        out.append(
            _p(
                f"{at}/lanes",
                "twin.new_port_no_lanes",
                "A new port needs lanes: give at least one kind with one lane or more, "
                "e.g. {general: 4}.",
                "Un puerto nuevo necesita carriles: dé al menos un tipo con uno o más, "
                "p. ej. {general: 4}.",
            )
        )
    for kind, n in port.lanes.items():
        if n < 0 or n > 200:
            out.append(
                _p(
                    f"{at}/lanes/{kind.value}",
                    "twin.profile_values",
                    "Lanes per kind must be whole numbers from 0 to 200.",
                    "Los carriles por tipo deben ser enteros de 0 a 200.",
                )
            )
    for kind in port.booths:
        if kind not in port.lanes:
            out.append(
                _p(
                    f"{at}/booths/{kind.value}",
                    "twin.unknown_lane",
                    f"Booths given for {kind.value!r} lanes the port does not have.",
                    f"Casetas dadas para carriles {kind.value!r} que el puerto no tiene.",
                )
            )
    lo, hi = port.hours
    if not (0 <= lo < hi <= 24):
        out.append(
            _p(
                f"{at}/hours",
                "twin.hours",
                "Hours are [from, until] with 0 <= from < until <= 24.",
                "El horario es [desde, hasta] con 0 <= desde < hasta <= 24.",
            )
        )
    return out


def _check_split(
    system: System, existing: dict[str, Scenario], new: dict[str, NewPort]
) -> list[Problem]:
    if system.demand is None:
        return [
            _p(
                "/demand",
                "twin.new_port_no_share",
                f"New port {pid!r} has no share of demand: add a demand split naming it.",
                f"El puerto nuevo {pid!r} no tiene parte de la demanda: agregue un reparto que lo nombre.",
            )
            for pid in new
        ]
    out = []
    split = system.demand.split
    mode = system.demand.mode
    if not split:
        return [
            _p(
                "/demand/split",
                "twin.split_empty",
                "A demand split names ports and their shares.",
                "Un reparto de demanda nombra puertos y sus proporciones.",
            )
        ]
    total = sum(split.values())
    if abs(total - 1.0) > SPLIT_TOLERANCE:
        out.append(
            _p(
                "/demand/split",
                "twin.split_sum",
                f"The shares of a demand split sum to {total:g}; they must sum to 1.",
                f"Las proporciones del reparto suman {total:g}; deben sumar 1.",
            )
        )
    ids = {p.id for p in system.ports}
    for pid, share in split.items():
        at = f"/demand/split/{pid}"
        if share < 0:
            out.append(
                _p(
                    at,
                    "twin.split_negative",
                    "A share is >= 0.",
                    "Una proporción es >= 0.",
                )
            )
        if pid not in ids:
            out.append(
                _p(
                    at,
                    "twin.unknown_port",
                    f"No port {pid!r} in /ports.",
                    f"No hay un puerto {pid!r} en /ports.",
                )
            )
            continue
        if pid in existing and not any(g.mode == mode for g in existing[pid].lanes):
            out.append(
                _p(
                    at,
                    "twin.mode_mismatch",
                    f"Port {pid!r} has no {mode.value} lanes to take a share of that demand.",
                    f"El puerto {pid!r} no tiene carriles de {mode.value} para esa demanda.",
                )
            )
        if pid in new and new[pid].mode != mode:
            out.append(
                _p(
                    at,
                    "twin.mode_mismatch",
                    f"New port {pid!r} serves {new[pid].mode.value}, not {mode.value}.",
                    f"El puerto nuevo {pid!r} atiende {new[pid].mode.value}, no {mode.value}.",
                )
            )
    if not out and not any(pid in existing for pid in split):
        out.append(
            _p(
                "/demand/split",
                "twin.split_no_demand",
                "Name at least one existing port in the split: its traffic is what is shared.",
                "Nombre al menos un puerto existente en el reparto: su tráfico es lo que se reparte.",
            )
        )
    for pid in new:
        if pid not in split:
            out.append(
                _p(
                    "/demand/split",
                    "twin.new_port_no_share",
                    f"New port {pid!r} has no share of demand: add it to the split.",
                    f"El puerto nuevo {pid!r} no tiene parte de la demanda: agréguelo al reparto.",
                )
            )
    return out


def _period(scenarios: list[Scenario]) -> int:
    return max((s.profile_hours for s in scenarios), default=24)


def _tile(v: Profile, period: int) -> np.ndarray:
    a = np.asarray(v if isinstance(v, list) else [v], dtype=np.float64)
    return np.resize(a, period) if a.size != period else a


def _new_port_lanes(pid: str, port: NewPort) -> list[dict[str, Any]]:
    lo, hi = port.hours
    lanes = []
    base = PRIMARY_INSPECTION_S.get(port.mode.value, 34.0)
    for kind, n in port.lanes.items():
        if n <= 0:
            continue
        if kind in port.booths:
            booths: Profile = port.booths[kind]
        else:
            booths = [float(n) if lo <= h % 24 < hi else 0.0 for h in range(24)]
        service = port.service.get(
            kind,
            {
                "dist": "lognormal",
                "mean_s": round(base * _KIND_FACTOR.get(kind.value, 1.0), 2),
                "cv": 0.6,
            },
        )
        lanes.append(
            {
                "id": f"{pid}-{kind.value}",
                "mode": port.mode.value,
                "lane_type": kind.value,
                "max_booths": n,
                "booths": booths,
                "service": service,
                "referral": port.referral if port.inspection else 0.0,
            }
        )
    return lanes


def _open_hours(lanes: list[dict[str, Any]], mode: str, period: int) -> np.ndarray:
    """1 in the hours of the profile when a booth of ``mode`` is open, else 0."""
    out = np.zeros(period)
    for g in lanes:
        if g["mode"] == mode:
            out = np.maximum(out, (_tile(g["booths"], period) > 0).astype(np.float64))
    return out


def _eligible(kind: str, lanes: list[dict[str, Any]], mode: str) -> list[str]:
    of_mode = [g for g in lanes if g["mode"] == mode]
    by_type: dict[str, list[str]] = {}
    for g in of_mode:
        by_type.setdefault(g["lane_type"], []).append(g["id"])
    chain = _FALLBACK.get(kind, ["general"])
    out = [lid for t in chain for lid in by_type.get(t, [])]
    return out or [g["id"] for g in of_mode]


def _apply_split(
    system: System, before: dict[str, Scenario], new: dict[str, NewPort]
) -> dict[str, Scenario]:
    """Each port's scenario with the split demand (ports outside the split unchanged)."""
    demand = system.demand
    if demand is None:
        return dict(before)
    mode = demand.mode.value
    split = demand.split
    period = _period([before[p] for p in split if p in before])
    if any(isinstance(b, list) and len(b) == 168 for n in new.values() for b in n.booths.values()):
        period = 168
    # Pool the mode's demand of the existing ports in the split, by class name.
    pooled: dict[str, np.ndarray] = {}
    for pid in split:
        s = before.get(pid)
        if s is None:
            continue
        for c in s.classes:
            if c.mode.value == mode:
                rate = _tile(c.rate_per_h, period) * s.demand_scale
                pooled[c.name] = pooled.get(c.name, np.zeros(period)) + rate
    data: dict[str, dict[str, Any]] = {}
    for pid, s in before.items():
        d = s.model_dump(mode="json", exclude={"calibration"})
        if pid in split and s.demand_scale != 1.0:  # fold the scale into the other modes' rates
            for c in d["classes"]:
                if c["mode"] != mode:
                    c["rate_per_h"] = (_tile(c["rate_per_h"], period) * s.demand_scale).tolist()
            d["demand_scale"] = 1.0
        data[pid] = d
    for pid, port in new.items():
        data[pid] = {
            "name": port.name,
            "description": f"New port of entry ({port.mode.value}).",
            "days": system.days,
            "warmup_days": system.warmup_days,
            "location": port.location,
            "lanes": _new_port_lanes(pid, port),
            "classes": [],
            "secondary": [
                {
                    "mode": port.mode.value,
                    "spaces": port.inspection.spaces,
                    "kinds": [
                        {"name": "inspection", "share": 1.0, "duration": port.inspection.duration}
                    ],
                }
            ]
            if port.inspection
            else [],
        }
    open_at = {pid: _open_hours(data[pid]["lanes"], mode, period) for pid in split}
    weight = {pid: split[pid] * open_at[pid] for pid in split}
    denom = sum(weight.values())
    for pid in split:
        # shares per hour among the ports open then (every port's share when none is open)
        share = np.where(denom > 0, weight[pid] / np.where(denom > 0, denom, 1.0), split[pid])
        d = data[pid]
        own = {c["name"]: c for c in d["classes"] if c["mode"] == mode}
        classes = [c for c in d["classes"] if c["mode"] != mode]
        for name, rate in pooled.items():
            spec: dict[str, Any] = own.get(name) or {
                "name": name,
                "mode": mode,
                "lanes": _eligible(_kind_of(name), d["lanes"], mode),
                "prefer_first": name != "other",
            }
            classes.append({**spec, "rate_per_h": [round(float(x), 4) for x in share * rate]})
        d["classes"] = classes
    out: dict[str, Scenario] = {}
    for pid, d in data.items():
        if not d["classes"]:  # a new port outside the split: no traffic of its own
            d["classes"] = [
                {
                    "name": "other",
                    "mode": d["lanes"][0]["mode"],
                    "rate_per_h": 0.0,
                    "lanes": [d["lanes"][0]["id"]],
                }
            ]
        out[pid] = Scenario.model_validate(d)
    return out


def _kind_of(class_name: str) -> str:
    return "general" if class_name == "other" else class_name


__all__ = [
    "DemandSplit",
    "NewPort",
    "PortEntry",
    "Resolved",
    "System",
    "load_system",
    "shipped_systems",
]
