"""Rule files: versioned YAML weight sets, validated and compiled into a :class:`RuleSet`.

A rules file (see ``rules/v1.yaml`` and docs/preclearance.md) has a ``version``, score
``thresholds`` per declaration kind, an optional ``violation_window_days`` (how long a violation
an inspection found counts against a party; 365 by default), and ``rules``: each with an ``id``, the ``kind`` it applies
to, a ``weight`` (points added when it matches), a bilingual ``message`` and a ``when``
condition. Conditions are data, never code::

    {fact: hs_chapters, op: intersects, value: ["93"]}     # a leaf: fact, operator, value
    {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}  # combinations

Operators: ``eq ne lt le gt ge in not_in intersects subset_of contains is_true is_false``. Files are
validated completely at load (every problem at once, with a JSON pointer into the file) and
compiled into plain closures; :func:`load_rules` caches by path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.risk.errors import RulesInvalid
from smartborder.risk.facts import FACTS, FactType
from smartborder.risk.scoring import Predicate, Rule, RuleSet, Thresholds
from smartborder.risk.violations import DEFAULT_WINDOW_DAYS

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
OPERATORS = (
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not_in",
    "intersects",
    "subset_of",
    "contains",
    "is_true",
    "is_false",
)


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    def check(f: Mapping[str, Any]) -> bool:
        for p in parts:  # noqa: SIM110 - a plain loop: no generator object per evaluation
            if not p(f):
                return False
        return True

    return check


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    def check(f: Mapping[str, Any]) -> bool:
        for p in parts:  # noqa: SIM110 - as above
            if p(f):
                return True
        return False

    return check


class _Compiler:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, ptr: str, code: str, en: str, es: str) -> None:
        self.problems.append(Problem(ptr, code, Text(en, es)))

    def condition(
        self, node: Any, ptr: str, facts: Mapping[str, tuple[FactType, str]]
    ) -> Predicate:
        never: Predicate = lambda f: False  # noqa: E731 - placeholder after an error
        if not isinstance(node, Mapping) or len(node) == 0:
            self.problem(
                ptr,
                "risk.rules.condition",
                "A condition must be a mapping: {fact, op, value}, {all: [...]}, {any: [...]} or {not: ...}.",
                "Una condición debe ser un mapeo: {fact, op, value}, {all: [...]}, {any: [...]} o {not: ...}.",
            )
            return never
        if "all" in node or "any" in node:
            key = "all" if "all" in node else "any"
            items = node[key]
            if len(node) != 1 or not isinstance(items, list) or not items:
                self.problem(
                    ptr,
                    "risk.rules.condition",
                    f"'{key}' takes a non-empty list of conditions and nothing else.",
                    f"'{key}' recibe una lista no vacía de condiciones y nada más.",
                )
                return never
            parts = tuple(self.condition(c, f"{ptr}/{key}/{i}", facts) for i, c in enumerate(items))
            return _all_of(parts) if key == "all" else _any_of(parts)
        if "not" in node:
            if len(node) != 1:
                self.problem(
                    ptr,
                    "risk.rules.condition",
                    "'not' takes one condition and nothing else.",
                    "'not' recibe una condición y nada más.",
                )
                return never
            inner = self.condition(node["not"], f"{ptr}/not", facts)
            return lambda f: not inner(f)
        return self.leaf(node, ptr, facts)

    def leaf(
        self, node: Mapping[str, Any], ptr: str, facts: Mapping[str, tuple[FactType, str]]
    ) -> Predicate:
        never: Predicate = lambda f: False  # noqa: E731
        extra = set(node) - {"fact", "op", "value"}
        if extra:
            self.problem(
                f"{ptr}/{sorted(extra)[0]}",
                "risk.rules.unknown_key",
                f"Unknown key(s) {sorted(extra)} in a condition; use fact, op and value.",
                f"Clave(s) desconocida(s) {sorted(extra)} en una condición; use fact, op y value.",
            )
        name, op = node.get("fact"), node.get("op")
        if name not in facts:
            self.problem(
                f"{ptr}/fact",
                "risk.rules.unknown_fact",
                f"Unknown fact {name!r}; known facts: {', '.join(sorted(facts))}.",
                f"Hecho desconocido {name!r}; hechos conocidos: {', '.join(sorted(facts))}.",
            )
            return never
        if op not in OPERATORS:
            self.problem(
                f"{ptr}/op",
                "risk.rules.unknown_operator",
                f"Unknown operator {op!r}; use one of {', '.join(OPERATORS)}.",
                f"Operador desconocido {op!r}; use uno de {', '.join(OPERATORS)}.",
            )
            return never
        ftype = facts[str(name)][0]
        value: Any = node.get("value")
        bad = self._check_value(ftype, op, value, "value" in node)
        if bad:
            self.problem(
                f"{ptr}/value",
                "risk.rules.bad_value",
                f"Fact {name!r} ({ftype}) with operator {op!r}: {bad[0]}.",
                f"Hecho {name!r} ({ftype}) con operador {op!r}: {bad[1]}.",
            )
            return never
        key = str(name)
        if op == "is_true":
            return lambda f: f[key] is True
        if op == "is_false":
            return lambda f: f[key] is False
        if op == "eq":
            return lambda f: bool(f[key] == value)
        if op == "ne":
            return lambda f: bool(f[key] != value)
        if op in _COMPARE:
            cmp = _COMPARE[op]
            return lambda f: cmp(f[key], value)
        if op in ("in", "not_in"):
            options = frozenset(value)
            if op == "in":
                return lambda f: f[key] in options
            return lambda f: f[key] not in options
        if op == "intersects":
            options = frozenset(value)
            return lambda f: not options.isdisjoint(f[key])
        if op == "subset_of":
            allowed = frozenset(value)
            return lambda f: allowed.issuperset(f[key])
        return lambda f: value in f[key]  # contains

    @staticmethod
    def _check_value(ftype: FactType, op: str, value: Any, present: bool) -> tuple[str, str] | None:
        if op in ("is_true", "is_false"):
            if ftype != "bool" or present:
                return (
                    "only bool facts take it, without a value",
                    "solo lo aceptan hechos bool, sin valor",
                )
            return None
        if not present:
            return ("a value is required", "se requiere un valor")
        if op in _COMPARE:
            if ftype != "number" or isinstance(value, bool) or not isinstance(value, int | float):
                return ("compare numbers with numbers", "compare números con números")
            return None
        if op in ("in", "not_in"):
            if ftype not in ("string", "number") or not isinstance(value, list) or not value:
                return (
                    "needs a non-empty list and a string or number fact",
                    "requiere una lista no vacía y un hecho de texto o número",
                )
            if not all(_scalar_of(ftype, v) for v in value):
                return (
                    f"every listed value must be a {ftype}",
                    f"cada valor de la lista debe ser {_ES[ftype]}",
                )
            return None
        if op in ("intersects", "subset_of", "contains"):
            if ftype != "set":
                return ("only set facts take it", "solo lo aceptan hechos de conjunto")
            if op != "contains" and (not isinstance(value, list) or not value):
                return ("needs a non-empty list", "requiere una lista no vacía")
            items = [value] if op == "contains" else value
            if not all(isinstance(v, str) for v in items):
                return (
                    "set facts hold text: give text values",
                    "los hechos de conjunto contienen texto: use valores de texto",
                )
            return None
        # eq / ne
        if ftype == "set" or not _scalar_of(ftype, value):
            return (
                f"eq/ne compare a {ftype} fact with one {ftype} value",
                f"eq/ne comparan un hecho {_ES[ftype]} con un valor {_ES[ftype]}",
            )
        return None


_ES = {"bool": "bool", "number": "numérico", "string": "de texto", "set": "de conjunto"}


def _scalar_of(ftype: FactType, value: Any) -> bool:
    """Whether ``value`` is a single value of the fact's type (for eq, ne, in, not_in)."""
    if ftype == "bool":
        return isinstance(value, bool)
    if ftype == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if ftype == "string":
        return isinstance(value, str)
    return isinstance(value, str)  # a set fact's elements are strings (for contains)


def parse_rules(document: Any, *, source: str) -> RuleSet:
    """Validate and compile a parsed rules document; raises :class:`RulesInvalid` with every problem."""
    c = _Compiler()
    if not isinstance(document, Mapping):
        raise RulesInvalid(
            source,
            [
                Problem(
                    "",
                    "risk.rules.format",
                    Text(
                        "The file must be a YAML mapping with version, thresholds and rules.",
                        "El archivo debe ser un mapeo YAML con version, thresholds y rules.",
                    ),
                )
            ],
        )
    top = {"version", "name", "description", "thresholds", "rules", "violation_window_days"}
    for key in sorted(set(document) - top):
        c.problem(
            f"/{key}",
            "risk.rules.unknown_key",
            f"Unknown top-level key {key!r}.",
            f"Clave de nivel superior desconocida {key!r}.",
        )
    version = document.get("version")
    if (
        not isinstance(version, str | int | float)
        or isinstance(version, bool)
        or not str(version).strip()
    ):
        c.problem(
            "/version",
            "risk.rules.version",
            "A rules file needs a 'version' (e.g. \"1.0.0\").",
            "Un archivo de reglas necesita una 'version' (p. ej. \"1.0.0\").",
        )
    window = document.get("violation_window_days", DEFAULT_WINDOW_DAYS)
    if isinstance(window, bool) or not isinstance(window, int | float) or not window > 0:
        c.problem(
            "/violation_window_days",
            "risk.rules.violation_window",
            "'violation_window_days' must be a positive number of days.",
            "'violation_window_days' debe ser un número positivo de días.",
        )
        window = DEFAULT_WINDOW_DAYS
    thresholds: dict[str, Thresholds] = {}
    raw_th = document.get("thresholds")
    if not isinstance(raw_th, Mapping):
        c.problem(
            "/thresholds",
            "risk.rules.thresholds",
            "'thresholds' must map each kind (truck, traveler) to {documentary_review, inspect}.",
            "'thresholds' debe asignar a cada tipo (truck, traveler) {documentary_review, inspect}.",
        )
        raw_th = {}
    for kind in FACTS:
        t = raw_th.get(kind)
        dr = t.get("documentary_review") if isinstance(t, Mapping) else None
        ins = t.get("inspect") if isinstance(t, Mapping) else None
        if not all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in (dr, ins)
        ) or not (0 < dr < ins):  # type: ignore[operator]
            c.problem(
                f"/thresholds/{kind}",
                "risk.rules.thresholds",
                "Give numbers 0 < documentary_review < inspect.",
                "Indique números 0 < documentary_review < inspect.",
            )
        else:
            thresholds[kind] = Thresholds(float(dr), float(ins))  # type: ignore[arg-type]
    rules: dict[str, list[Rule]] = {k: [] for k in FACTS}
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list):
        c.problem(
            "/rules",
            "risk.rules.rules",
            "'rules' must be a list of rules.",
            "'rules' debe ser una lista de reglas.",
        )
        raw_rules = []
    seen: set[str] = set()
    for i, r in enumerate(raw_rules):
        ptr = f"/rules/{i}"
        if not isinstance(r, Mapping):
            c.problem(
                ptr,
                "risk.rules.rule",
                "Each rule is a mapping with id, kind, weight, message and when.",
                "Cada regla es un mapeo con id, kind, weight, message y when.",
            )
            continue
        for key in sorted(
            str(k) for k in set(r) - {"id", "kind", "weight", "message", "when", "description"}
        ):
            c.problem(
                f"{ptr}/{key}",
                "risk.rules.unknown_key",
                f"Unknown key {key!r} in a rule.",
                f"Clave desconocida {key!r} en una regla.",
            )
        rid, rkind, weight, msg = r.get("id"), r.get("kind"), r.get("weight"), r.get("message")
        if not isinstance(rid, str) or not rid:
            c.problem(
                f"{ptr}/id",
                "risk.rules.id",
                "A rule needs an 'id' (text).",
                "Una regla necesita un 'id' (texto).",
            )
        elif rid in seen:
            c.problem(
                f"{ptr}/id",
                "risk.rules.duplicate_id",
                f"Rule id {rid!r} is used twice.",
                f"El id de regla {rid!r} se usa dos veces.",
            )
        else:
            seen.add(rid)
        if rkind not in FACTS:
            c.problem(
                f"{ptr}/kind",
                "risk.rules.kind",
                "'kind' must be 'truck' or 'traveler'.",
                "'kind' debe ser 'truck' o 'traveler'.",
            )
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            c.problem(
                f"{ptr}/weight",
                "risk.rules.weight",
                "'weight' must be a number (points; negative lowers the score).",
                "'weight' debe ser un número (puntos; negativo reduce la puntuación).",
            )
        if not (
            isinstance(msg, Mapping)
            and isinstance(msg.get("en"), str)
            and isinstance(msg.get("es"), str)
        ):
            c.problem(
                f"{ptr}/message",
                "risk.rules.message",
                "'message' needs 'en' and 'es' text.",
                "'message' necesita texto 'en' y 'es'.",
            )
        if "when" not in r:
            c.problem(
                f"{ptr}/when",
                "risk.rules.condition",
                "A rule needs a 'when' condition.",
                "Una regla necesita una condición 'when'.",
            )
            continue
        if rkind in FACTS:
            pred = c.condition(r["when"], f"{ptr}/when", FACTS[rkind])
            if (
                isinstance(rid, str)
                and isinstance(weight, int | float)
                and isinstance(msg, Mapping)
            ):
                rules[rkind].append(
                    Rule(
                        rid,
                        rkind,
                        float(weight),
                        Text(str(msg.get("en")), str(msg.get("es"))),
                        pred,
                        r,
                    )
                )
    if c.problems:
        raise RulesInvalid(source, c.problems)
    return RuleSet(
        version=str(version),
        name=str(document.get("name") or "rules"),
        source=source,
        thresholds=thresholds,
        rules={k: tuple(v) for k, v in rules.items()},
        violation_window_days=float(window),
    )


def load_rules(path: Path | str | None = None) -> RuleSet:
    """Load and compile a rules file (default: the packaged ``rules/v1.yaml``), once per path."""
    if path is None:
        return _load_packaged()
    return _load_path(str(Path(path).resolve()))


@lru_cache(maxsize=1)
def _load_packaged() -> RuleSet:
    text = resources.files("smartborder.risk").joinpath("rules/v1.yaml").read_text("utf-8")
    return _from_text(text, "smartborder/risk/rules/v1.yaml")


@lru_cache(maxsize=16)
def _load_path(path: str) -> RuleSet:
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise RulesInvalid(
            path,
            [
                Problem(
                    "",
                    "risk.rules.unreadable",
                    Text(
                        f"Cannot read {path}: {exc.strerror}.",
                        f"No se puede leer {path}: {exc.strerror}.",
                    ),
                )
            ],
        ) from exc
    return _from_text(text, path)


def _from_text(text: str, source: str) -> RuleSet:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise RulesInvalid(
            source,
            [
                Problem(
                    "",
                    "risk.rules.yaml",
                    Text(
                        f"Not valid YAML{where}: {getattr(exc, 'problem', exc)}.",
                        f"YAML no válido{where}: {getattr(exc, 'problem', exc)}.",
                    ),
                )
            ],
        ) from None
    return parse_rules(document, source=source)
