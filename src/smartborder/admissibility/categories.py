"""The vocabulary of admitted categories a plan phase names, each compiled to a Cedar condition.

A category is relative to the destination country ``C`` of the block it appears in (e.g.
``citizen-or-national`` means a national of the country being entered). Each category knows the
traveler attributes it needs and can be judged three-valued in Python (True, False, or None
when a needed attribute is missing), which is how a denial caused by missing data becomes a
``review`` naming the attribute instead of a silent deny.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from smartborder.i18n import Text

# Purposes of travel. The essential ones are the categories of "essential travel" in the DHS
# notifications for land ports with Mexico (85 FR 16547, 2020-03-24, and its monthly
# continuations through 2021); status-based items of that list (U.S. citizens and LPRs returning)
# are categories of their own here (citizen-or-national, permanent-resident), not purposes.
# The spellings are the values of smartborder.declarations.Purpose. The notices' first item,
# "U.S. citizens and lawful permanent residents returning", is checked by status (the
# citizen-or-national and permanent-resident categories), so declaring that purpose alone
# admits nobody.
ESSENTIAL_PURPOSES: tuple[str, ...] = (
    "work",  # to work in the United States
    "study",  # to attend educational institutions
    "medical",  # to receive medical treatment in the United States
    "lawful_trade",  # lawful cross-border trade (e.g. truck drivers)
    "emergency_response_public_health",  # emergency response and public health
    "official_diplomatic",  # official government or diplomatic travel
    "armed_forces_and_families",  # U.S. Armed Forces, spouses and children, returning
    "military_operations",  # military-related travel or operations
)
NON_ESSENTIAL_PURPOSES: tuple[str, ...] = (
    "citizen_or_resident_returning",  # essential by status, not by purpose (see above)
    "family_of_citizens_residents",
    "tourism",
    "visiting_friends",
    "shopping",
    "recreation",
    "entertainment",
    "other",
)
PURPOSES: tuple[str, ...] = ESSENTIAL_PURPOSES + NON_ESSENTIAL_PURPOSES

PURPOSE_LABELS: dict[str, Text] = {
    "work": Text("work", "trabajo"),
    "study": Text("study", "estudios"),
    "medical": Text("medical treatment", "tratamiento médico"),
    "lawful_trade": Text("lawful cross-border trade", "comercio transfronterizo lícito"),
    "emergency_response_public_health": Text(
        "emergency response and public health", "respuesta a emergencias y salud pública"
    ),
    "official_diplomatic": Text("official or diplomatic travel", "viaje oficial o diplomático"),
    "armed_forces_and_families": Text(
        "U.S. armed forces and their families", "fuerzas armadas de EE. UU. y sus familias"
    ),
    "military_operations": Text("military operations", "operaciones militares"),
    "citizen_or_resident_returning": Text(
        "returning home as citizen or resident", "regreso como ciudadano o residente"
    ),
    "family_of_citizens_residents": Text(
        "visiting family of citizens or residents", "visita a familiares ciudadanos o residentes"
    ),
    "tourism": Text("tourism", "turismo"),
    "visiting_friends": Text("visiting friends", "visita a amistades"),
    "shopping": Text("shopping", "compras"),
    "recreation": Text("recreation", "recreación"),
    "entertainment": Text("entertainment", "entretenimiento"),
    "other": Text("another purpose", "otro motivo"),
}

# Demonyms for the status categories' labels ("U.S. citizens and nationals").
_CITIZENS: dict[str, Text] = {
    "USA": Text("U.S. citizens and nationals", "ciudadanos y nacionales de EE. UU."),
    "MEX": Text("Mexican citizens and nationals", "ciudadanos y nacionales mexicanos"),
}
_RESIDENTS: dict[str, Text] = {
    "USA": Text("U.S. lawful permanent residents", "residentes permanentes legales de EE. UU."),
    "MEX": Text("permanent residents of Mexico", "residentes permanentes en México"),
}

ATTRIBUTE_LABELS: dict[str, Text] = {
    "nationality": Text("nationality", "nacionalidad"),
    "lawful_resident_of": Text("permanent residence", "residencia permanente"),
    "age": Text("age (date of birth)", "edad (fecha de nacimiento)"),
    "purpose": Text("purpose of the trip", "motivo del viaje"),
    "fully_vaccinated": Text("vaccination status", "estado de vacunación"),
    "vaccination_proof": Text("proof of vaccination", "comprobante de vacunación"),
    "trusted_traveler": Text("trusted-traveler membership", "membresía de viajero confiable"),
}


def normalize_purpose(value: str) -> str:
    """``Lawful-Trade`` → ``lawful_trade``: the spelling of ``declarations.Purpose`` values."""
    return value.strip().lower().replace("-", "_").replace(" ", "_")


Facts = Mapping[str, Any]  # Cedar attribute name → value; a missing key is missing data
Tri = bool | None


@dataclass(frozen=True, slots=True)
class Category:
    """One admitted category: its Cedar condition, needed attributes, label and judge."""

    name: str
    cedar: str
    needs: tuple[str, ...]
    label: Text
    judge: Callable[[Facts], Tri]


def _has(facts: Facts, key: str) -> bool:
    return facts.get(key) is not None


def _cedar_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def category(name: str, country: str) -> Category:
    """The category ``name`` for destination ``country``; ``KeyError`` if the name is unknown."""
    c = country
    if name == "everyone":
        return Category(
            name, "true", (), Text("all travelers", "todos los viajeros"), lambda f: True
        )
    if name == "citizen-or-national":

        def judge_cit(f: Facts) -> Tri:
            return None if not _has(f, "nationality") else f["nationality"] == c

        return Category(
            name,
            f"(principal has nationality && principal.nationality == {_cedar_str(c)})",
            ("nationality",),
            _CITIZENS.get(
                c, Text(f"citizens and nationals of {c}", f"ciudadanos y nacionales de {c}")
            ),
            judge_cit,
        )
    if name == "permanent-resident":
        return Category(
            name,
            f"principal.lawful_resident_of.contains({_cedar_str(c)})",
            (),
            _RESIDENTS.get(
                c,
                Text(
                    f"lawful permanent residents of {c}", f"residentes permanentes legales de {c}"
                ),
            ),
            lambda f: c in (f.get("lawful_resident_of") or ()),
        )
    if name == "essential-purpose":
        listed = ", ".join(_cedar_str(p) for p in ESSENTIAL_PURPOSES)

        def judge_ess(f: Facts) -> Tri:
            return None if not _has(f, "purpose") else f["purpose"] in ESSENTIAL_PURPOSES

        return Category(
            name,
            f"(context has purpose && [{listed}].contains(context.purpose))",
            ("purpose",),
            Text("travelers on an essential trip", "viajeros en un viaje esencial"),
            judge_ess,
        )
    if name.startswith("purpose:"):
        purpose = normalize_purpose(name.partition(":")[2])
        if purpose not in PURPOSES:
            raise KeyError(name)
        label = PURPOSE_LABELS[purpose]

        def judge_purpose(f: Facts) -> Tri:
            return None if not _has(f, "purpose") else f["purpose"] == purpose

        return Category(
            f"purpose:{purpose}",
            f"(context has purpose && context.purpose == {_cedar_str(purpose)})",
            ("purpose",),
            Text(f"travelers for {label.en}", f"viajeros por {label.es}"),
            judge_purpose,
        )
    if name == "fully-vaccinated":

        def judge_vax(f: Facts) -> Tri:
            return None if not _has(f, "fully_vaccinated") else bool(f["fully_vaccinated"])

        return Category(
            name,
            "(principal has fully_vaccinated && principal.fully_vaccinated)",
            ("fully_vaccinated",),
            Text("fully vaccinated travelers", "viajeros con esquema completo de vacunación"),
            judge_vax,
        )
    if name == "fully-vaccinated-with-proof":

        def judge_proof(f: Facts) -> Tri:
            vax, proof = f.get("fully_vaccinated"), f.get("vaccination_proof")
            if vax is False or proof is False:
                return False
            if vax is None or proof is None:
                return None
            return True

        return Category(
            name,
            "(principal has fully_vaccinated && principal.fully_vaccinated"
            " && principal has vaccination_proof && principal.vaccination_proof)",
            ("fully_vaccinated", "vaccination_proof"),
            Text(
                "fully vaccinated travelers with proof",
                "viajeros con esquema completo de vacunación y comprobante",
            ),
            judge_proof,
        )
    if name == "minor":

        def judge_minor(f: Facts) -> Tri:
            return None if not _has(f, "age") else int(f["age"]) < 18

        return Category(
            name,
            "(principal has age && principal.age < 18)",
            ("age",),
            Text("children under 18", "menores de 18 años"),
            judge_minor,
        )
    if name.startswith("trusted-traveler:"):
        program = name.partition(":")[2].strip().upper()
        if not program:
            raise KeyError(name)
        return Category(
            f"trusted-traveler:{program}",
            f"principal.trusted_traveler.contains({_cedar_str(program)})",
            (),
            Text(f"{program} members", f"miembros de {program}"),
            lambda f: program in (f.get("trusted_traveler") or ()),
        )
    raise KeyError(name)
