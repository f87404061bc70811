"""Scenarios: a port's lanes, booth schedules, demand and secondary inspection, declared as data.

A scenario is validated completely before a run (every problem is reported with a JSON pointer),
then :func:`compile_scenario` turns it into the plain arrays the engine loops over. Hourly inputs
are profiles of 24 hours (a day) or 168 hours (a week, Monday 00:00 first) repeated over the run;
a single number means the same value every hour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.ports import PRIMARY_INSPECTION_S, UnknownCrossing, get_crossing
from smartborder.twin._refdata import LaneType, Mode
from smartborder.twin.distributions import Distribution, parse_distribution
from smartborder.twin.errors import ScenarioInvalid

Profile = float | list[float]
# A site as (latitude, longitude), degrees.
LatLon = tuple[Annotated[float, Field(ge=-90, le=90)], Annotated[float, Field(ge=-180, le=180)]]

# Published primary times used as defaults (seconds): per mode, ports.PRIMARY_INSPECTION_S; a
# FAST truck about 27 s: figures quoted by the working group's issue (CBP and GAO port studies).
FAST_TRUCK_PRIMARY_S = 27.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LaneGroup(_Model):
    """The booths of one lane type for one mode at the port, served as one FIFO queue."""

    id: str = Field(min_length=1, description="Unique name, referred to by traveler classes.")
    mode: Mode
    lane_type: LaneType
    max_booths: int = Field(ge=1, le=200, description="Booths that physically exist.")
    booths: Profile = Field(description="Booths open per hour (a number or a 24/168-hour list).")
    service: dict[str, Any] | float = Field(
        default_factory=dict, description="Primary time: {dist, mean_s, cv} or seconds."
    )
    service_by_class: dict[str, dict[str, Any] | float] = Field(default_factory=dict)
    referral: float = Field(default=0.0, ge=0.0, le=1.0, description="Share sent to secondary.")
    discipline: Literal["fifo", "priority"] = "fifo"


class TravelerClass(_Model):
    """Travelers of one kind (SENTRI, Ready, FAST, pre-cleared, other) arriving in one mode."""

    name: str = Field(min_length=1)
    mode: Mode
    rate_per_h: Profile = Field(description="Arrivals per hour (a number or a 24/168-hour list).")
    lanes: list[str] = Field(min_length=1, description="Lane groups it may use, preferred first.")
    prefer_first: bool = Field(
        default=False, description="Use the first lane whenever a booth is open there."
    )
    priority: int = Field(default=0, ge=0, description="0 is served first in priority lanes.")


class SecondaryKind(_Model):
    name: str
    share: float = Field(gt=0.0)
    duration: dict[str, Any] | float


class Secondary(_Model):
    """Secondary inspection of one mode: spaces (officers and bays) and kinds of exam."""

    mode: Mode
    spaces: int = Field(ge=1)
    kinds: list[SecondaryKind] = Field(min_length=1)


# Modules a crossing can chain (issue 15): the exit side of the country of departure, then the
# port of entry this scenario's lanes model. Northbound: ANAM export, then CBP import;
# southbound: CBP export (outbound), then ANAM import.
EXIT_MODULES = {"anam_export": "northbound", "cbp_export": "southbound"}
ENTRY_MODULES = {"cbp_import": "northbound", "anam_import": "southbound"}
MODULES = (*EXIT_MODULES, *ENTRY_MODULES)

# The semáforo fiscal (Ley Aduanera art. 43: the automated random selection a pedimento meets at
# the módulo) turns red for a share SAT does not publish per port; 0.10 is this project's
# assumed default, a parameter (``selection``) to set from a port's own figures.
SEMAFORO_RED_SHARE = 0.10


class Inspection(_Model):
    """An inspection area: spaces (officers and bays) and the exam time."""

    spaces: int = Field(ge=1, le=10_000)
    duration: dict[str, Any] | float


class ChainModule(_Model):
    """One module a vehicle passes in series. An exit module (``anam_export``, ``cbp_export``)
    has its own booths (módulos), a random selection (the semáforo fiscal) and an inspection;
    the entry module (``cbp_import``, ``anam_import``) is this scenario's lanes and secondary."""

    module: str
    booths: int = Field(default=1, ge=1, le=200, description="Exit booths (módulos), open all day.")
    service: dict[str, Any] | float = Field(
        default_factory=lambda: {"dist": "lognormal", "mean_s": 60.0, "cv": 0.5},
        description="Time at an exit booth (documents, the semáforo button).",
    )
    selection: float = Field(
        default=SEMAFORO_RED_SHARE,
        ge=0.0,
        le=1.0,
        description="Share selected for inspection (semáforo fiscal red; default 0.10, assumed).",
    )
    inspection: Inspection | None = None
    transit_s: float = Field(default=0.0, ge=0.0, description="Drive to the next module.")


class CalibrationRecord(_Model):
    """How a calibrated baseline was derived, and its error against the data it came from."""

    command: str
    crossing: str
    mode: str
    bts_months: list[str]
    bts_daily_volume: float = Field(description="BTS mean daily volume given to this crossing.")
    bts_monthly_range: tuple[float, float] = Field(
        description="Lowest and highest monthly daily mean over the same months (BTS)."
    )
    simulated_daily_volume: float
    bts_error_pct: float = Field(description="Simulated vs BTS daily volume, percent.")
    bwt_months: list[str]
    bwt_mae_min: dict[str, float | None] = Field(
        description="MAE of hourly mean waits against BWT delay_minutes, per lane type."
    )
    bwt_reported_mean_min: dict[str, float | None]
    bwt_simulated_mean_min: dict[str, float | None]


class Scenario(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    port: str | None = Field(default=None, description="CBP 4-digit port code.")
    crossing: str | None = Field(default=None, description="BWT 6-digit crossing number.")
    days: int = Field(default=1, ge=1, le=3660)
    warmup_days: int = Field(default=0, ge=0, le=60)
    demand_scale: float = Field(default=1.0, gt=0.0, description="Multiplies every arrival rate.")
    lanes: list[LaneGroup] = Field(min_length=1)
    classes: list[TravelerClass] = Field(min_length=1)
    secondary: list[Secondary] = Field(default_factory=list)
    chain: list[ChainModule] = Field(
        default_factory=list,
        description="Modules in series: an exit module, then the entry module (these lanes).",
    )
    joint_inspection: bool = Field(
        default=False,
        description="UCP: one joint inspection (both agencies) instead of two in series.",
    )
    location: LatLon | None = Field(
        default=None, description="Latitude and longitude (a new port's site)."
    )
    calibration: CalibrationRecord | None = None

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        problems: list[Problem] = []
        ids = [g.id for g in self.lanes]
        by_id = {g.id: g for g in self.lanes}
        for i, gid in enumerate(ids):
            if ids.index(gid) != i:
                problems.append(_p(f"/lanes/{i}/id", "twin.duplicate_lane", _DUP.format(id=gid)))
        for i, g in enumerate(self.lanes):
            problems += _check_profile(g.booths, f"/lanes/{i}/booths", integer=True)
            for v in _as_list(g.booths):
                if v > g.max_booths:
                    problems.append(
                        _p(
                            f"/lanes/{i}/booths",
                            "twin.booths_over_max",
                            _OVER.format(n=v, m=g.max_booths),
                        )
                    )
                    break
        for j, c in enumerate(self.classes):
            problems += _check_profile(c.rate_per_h, f"/classes/{j}/rate_per_h", integer=False)
            for k, lid in enumerate(c.lanes):
                lane = by_id.get(lid)
                if lane is None:
                    problems.append(
                        _p(f"/classes/{j}/lanes/{k}", "twin.unknown_lane", _UNKNOWN.format(id=lid))
                    )
                elif lane.mode != c.mode:
                    problems.append(
                        _p(f"/classes/{j}/lanes/{k}", "twin.mode_mismatch", _MODE.format(id=lid))
                    )
        problems += _check_crossing(self)
        problems += _check_distributions(self)
        problems += _check_chain(self)
        lengths = {len(v) for v in _profiles(self) if isinstance(v, list) and len(v) in (24, 168)}
        if len(lengths) > 1:
            problems.append(_p("", "twin.profile_lengths", _MIXED))
        if problems:
            raise ScenarioInvalid(problems=problems)
        return self

    @property
    def profile_hours(self) -> int:
        """24 or 168: the period of the hourly profiles (24 when all are constant)."""
        for v in _profiles(self):
            if isinstance(v, list) and len(v) > 1:
                return len(v)
        return 24

    def service_for(self, lane: LaneGroup, cls: str) -> Distribution:
        """Primary-time distribution of class ``cls`` at ``lane``."""
        i = self.lanes.index(lane)
        spec = lane.service_by_class.get(cls, lane.service)
        if spec in ({}, None):
            spec = {
                "dist": "lognormal",
                "mean_s": PRIMARY_INSPECTION_S.get(lane.mode.value, 34.0),
                "cv": 0.6,
            }
        return parse_distribution(spec, pointer=f"/lanes/{i}/service")

    def with_changes(self, **changes: Any) -> Scenario:
        """A validated copy with top-level fields replaced."""
        return Scenario.model_validate({**self.model_dump(mode="json"), **changes})


def _check_distributions(s: Scenario) -> list[Problem]:
    specs: list[tuple[str, Any]] = []
    for i, g in enumerate(s.lanes):
        if g.service not in ({}, None):
            specs.append((f"/lanes/{i}/service", g.service))
        specs += [(f"/lanes/{i}/service_by_class/{k}", v) for k, v in g.service_by_class.items()]
    for m, sec in enumerate(s.secondary):
        specs += [
            (f"/secondary/{m}/kinds/{k}/duration", x.duration) for k, x in enumerate(sec.kinds)
        ]
    for m, mod in enumerate(s.chain):
        specs.append((f"/chain/{m}/service", mod.service))
        if mod.inspection is not None:
            specs.append((f"/chain/{m}/inspection/duration", mod.inspection.duration))
    out: list[Problem] = []
    for pointer, spec in specs:
        try:
            parse_distribution(spec, pointer=pointer)
        except ScenarioInvalid as exc:
            out += exc.problems
    return out


def _check_chain(s: Scenario) -> list[Problem]:
    """A chain is one exit module, then the entry module of the other country (the lanes)."""
    out: list[Problem] = []
    for m, mod in enumerate(s.chain):
        if mod.module not in MODULES:
            text = _MODULE.format(n=mod.module, known=", ".join(MODULES))
            out.append(_p(f"/chain/{m}/module", "twin.unknown_module", text))
    if out:
        return out
    names = [mod.module for mod in s.chain]
    if names and (
        len(names) != 2
        or names[0] not in EXIT_MODULES
        or names[1] not in ENTRY_MODULES
        or EXIT_MODULES[names[0]] != ENTRY_MODULES[names[1]]
    ):
        out.append(_p("/chain", "twin.chain_order", _ORDER))
    for m, mod in enumerate(s.chain):
        if mod.module not in ENTRY_MODULES:
            continue
        bare = ChainModule(module=mod.module)  # with_changes dumps every field: compare values
        extra = [f for f in ChainModule.model_fields if getattr(mod, f) != getattr(bare, f)]
        if extra:
            text = _ENTRY_FIELDS.format(f=", ".join(extra))
            out.append(_p(f"/chain/{m}/{extra[0]}", "twin.entry_module_fields", text))
    if names and len({g.mode for g in s.lanes}) > 1:
        out.append(_p("/chain", "twin.chain_one_mode", _ONE_MODE))
    if s.joint_inspection:
        exit_mod = s.chain[0] if s.chain else None
        if exit_mod is None or exit_mod.inspection is None or not s.secondary:
            out.append(_p("/joint_inspection", "twin.joint_needs_two", _JOINT))
    return out


def _check_crossing(s: Scenario) -> list[Problem]:
    """Lane types of a mode share the crossing's booths: open booths per hour <= its max lanes."""
    if not s.crossing:
        return []
    try:
        crossing = get_crossing(s.crossing)
    except UnknownCrossing:
        return [_p("/crossing", "twin.unknown_crossing", _CROSSING.format(n=s.crossing))]
    out = []
    for mode in {g.mode for g in s.lanes}:
        limit = crossing.max_lanes(mode)
        lanes = [g for g in s.lanes if g.mode == mode]
        period = max(len(_as_list(g.booths)) for g in lanes)
        for h in range(period):
            used = sum(_as_list(g.booths)[h % len(_as_list(g.booths))] for g in lanes)
            if used > limit:
                text = _SHARED.format(mode=mode.value, h=h, n=int(used), m=limit, c=s.crossing)
                out.append(_p("/lanes", "twin.over_crossing_lanes", text))
                break
    return out


def _profiles(s: Scenario) -> list[Profile]:
    return [g.booths for g in s.lanes] + [c.rate_per_h for c in s.classes]


def _as_list(v: Profile) -> list[float]:
    return [float(x) for x in v] if isinstance(v, list) else [float(v)]


def _check_profile(v: Profile, pointer: str, *, integer: bool) -> list[Problem]:
    values = _as_list(v)
    if len(values) not in (1, 24, 168):
        return [_p(pointer, "twin.profile_length", _LEN.format(n=len(values)))]
    if any(x < 0 for x in values) or (integer and any(x != int(x) for x in values)):
        kind = _INT if integer else _NONNEG
        return [_p(pointer, "twin.profile_values", kind)]
    return []


def _p(pointer: str, code: str, text: Text) -> Problem:
    return Problem(pointer, code, text)


_CROSSING = Text(
    "Unknown crossing {n!r}; use a 6-digit BWT number (smartborder ports).",
    "Cruce desconocido {n!r}; use un número BWT de 6 dígitos (smartborder ports).",
)
_MODULE = Text(
    "Unknown module {n!r}; a chain names modules among: {known}.",
    "Módulo desconocido {n!r}; una cadena nombra módulos entre: {known}.",
)
_ORDER = Text(
    "A chain is an exit module then the entry module of the other country: "
    "[anam_export, cbp_import] northbound or [cbp_export, anam_import] southbound.",
    "Una cadena es un módulo de salida y luego el de entrada del otro país: "
    "[anam_export, cbp_import] hacia el norte o [cbp_export, anam_import] hacia el sur.",
)
_ENTRY_FIELDS = Text(
    "The entry module is this scenario's lanes and secondary; {f} belong(s) to an exit module "
    "(set the lanes' booths, referral and /secondary instead).",
    "El módulo de entrada son los carriles y la revisión secundaria de este escenario; {f} "
    "corresponde(n) a un módulo de salida (ajuste casetas, referral y /secondary).",
)
_ONE_MODE = Text(
    "A chained crossing models one mode (its lanes all of one mode); split the scenario by mode.",
    "Un cruce encadenado modela un solo modo (todos sus carriles de un modo); divida el escenario por modo.",
)
_JOINT = Text(
    "Joint inspection (UCP) merges two inspections: give the exit module an inspection and "
    "the scenario a secondary.",
    "La inspección conjunta (UCP) une dos inspecciones: dé al módulo de salida una inspección "
    "y al escenario una revisión secundaria.",
)
_SHARED = Text(
    "{mode}: {n} booths open in hour {h} but crossing {c} has {m} lanes for this mode (shared by its lane types).",
    "{mode}: {n} casetas abiertas en la hora {h} pero el cruce {c} tiene {m} carriles para este modo (compartidos por sus tipos de carril).",
)
_DUP = Text(
    "Lane id {id!r} is used twice; give each lane group its own id.",
    "El id de carril {id!r} se usa dos veces; dé a cada grupo su propio id.",
)
_OVER = Text(
    "{n} booths open but only {m} exist (max_booths); lower the schedule or raise max_booths.",
    "{n} casetas abiertas pero solo existen {m} (max_booths); reduzca el horario o aumente max_booths.",
)
_UNKNOWN = Text(
    "No lane group with id {id!r}; use an id from /lanes.",
    "No hay grupo de carriles con id {id!r}; use un id de /lanes.",
)
_MODE = Text(
    "Lane {id!r} is of another mode than this class; list lanes of the class's mode.",
    "El carril {id!r} es de otro modo que esta clase; liste carriles del mismo modo.",
)
_MIXED = Text(
    "Hourly profiles mix 24 and 168 hours; use one length throughout.",
    "Los perfiles horarios mezclan 24 y 168 horas; use una sola longitud.",
)
_LEN = Text(
    "An hourly profile has {n} values; give 1, 24 or 168.",
    "Un perfil horario tiene {n} valores; dé 1, 24 o 168.",
)
_INT = Text(
    "Booths open must be whole numbers >= 0.", "Las casetas abiertas deben ser enteros >= 0."
)
_NONNEG = Text(
    "Arrival rates must be numbers >= 0.", "Las tasas de llegada deben ser números >= 0."
)


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, YAML text or a mapping.

    Raises :class:`ScenarioInvalid` listing every problem (pydantic's included, as pointers).
    """
    data: Any
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        text = (
            path.read_text(encoding="utf-8")
            if path.suffix in (".yaml", ".yml") or path.exists()
            else str(source)
        )
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ScenarioInvalid(
                problems=[
                    _p("", "twin.yaml", Text(f"Not valid YAML: {exc}", f"YAML no válido: {exc}"))
                ]
            ) from None
    if not isinstance(data, dict):
        raise ScenarioInvalid(problems=[_p("", "twin.not_mapping", _NOT_MAP)])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            ctx_err = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_err, ScenarioInvalid):
                problems += ctx_err.problems
                continue
            pointer = "/" + "/".join(str(x) for x in err["loc"])
            msg = err["msg"]
            problems.append(_p(pointer, "twin.field", Text(msg, f"Campo no válido: {msg}")))
        raise ScenarioInvalid(problems=problems) from None


_NOT_MAP = Text(
    "A scenario is a YAML mapping with name, lanes and classes.",
    "Un escenario es un mapeo YAML con name, lanes y classes.",
)


def shipped_scenarios() -> dict[str, Path]:
    """The scenarios shipped with the package, by name: the examples in ``twin/scenarios`` by
    file stem, and the calibrated baselines in ``twin/baselines`` as ``calibrated_<stem>``."""
    here = Path(__file__).parent
    out = {p.stem: p for p in sorted((here / "scenarios").glob("*.yaml"))}
    out |= {f"calibrated_{p.stem}": p for p in sorted((here / "baselines").glob("*.yaml"))}
    return out


__all__ = [
    "SEMAFORO_RED_SHARE",
    "CalibrationRecord",
    "ChainModule",
    "Inspection",
    "LaneGroup",
    "Scenario",
    "Secondary",
    "SecondaryKind",
    "TravelerClass",
    "load_scenario",
    "shipped_scenarios",
]
