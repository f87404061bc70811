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

# Documents a traveler may carry (the values of Traveler.documents). The first nine are the
# declaration's travel-document types (smartborder.declarations.TravelDocumentType); the rest
# are entry documents carried beside them.
DOCUMENT_TYPES: tuple[str, ...] = (
    "passport",
    "passport_card",
    "enhanced_drivers_license",
    "trusted_traveler_card",
    "permanent_resident_card",
    "border_crossing_card",
    "military_id",
    "merchant_mariner_document",
    "mx_voter_id",
    "us_visa",  # a valid U.S. nonimmigrant visa (foil in the passport)
    "i94",  # CBP Form I-94 arrival/departure record (paper or provisional electronic)
    "mx_visa",  # a valid Mexican visa
    "fmm",  # Mexico's Forma Migratoria Múltiple
)
DOCUMENT_LABELS: dict[str, Text] = {
    "passport": Text("passport", "pasaporte"),
    "passport_card": Text("U.S. passport card", "tarjeta pasaporte de EE. UU."),
    "enhanced_drivers_license": Text(
        "enhanced driver's license", "licencia de conducir mejorada (EDL)"
    ),
    "trusted_traveler_card": Text(
        "trusted-traveler card (SENTRI, NEXUS, FAST, Global Entry)",
        "tarjeta de viajero confiable (SENTRI, NEXUS, FAST, Global Entry)",
    ),
    "permanent_resident_card": Text("permanent resident card", "tarjeta de residente permanente"),
    "border_crossing_card": Text(
        "Border Crossing Card (B1/B2 visa and BCC)",
        "Tarjeta de Cruce Fronterizo (visa láser B1/B2)",
    ),
    "military_id": Text("military ID with orders", "identificación militar con órdenes"),
    "merchant_mariner_document": Text("merchant mariner document", "documento de marino mercante"),
    "mx_voter_id": Text("Mexican voter ID (INE)", "credencial para votar (INE)"),
    "us_visa": Text("U.S. visa", "visa de EE. UU."),
    "i94": Text("Form I-94", "Forma I-94"),
    "mx_visa": Text("Mexican visa", "visa mexicana"),
    "fmm": Text("Forma Migratoria Múltiple (FMM)", "Forma Migratoria Múltiple (FMM)"),
}
# Trusted-traveler programs (CBP): the values of Traveler.trusted_traveler(_declared), upper case.
PROGRAMS: tuple[str, ...] = ("FAST", "GLOBAL_ENTRY", "NEXUS", "SENTRI")
METERS_PER_MILE = 1609.344  # international mile (exact by definition, 1959)

ATTRIBUTE_LABELS: dict[str, Text] = {
    "nationality": Text("nationality", "nacionalidad"),
    "lawful_resident_of": Text("permanent residence", "residencia permanente"),
    "age": Text("age (date of birth)", "edad (fecha de nacimiento)"),
    "purpose": Text("purpose of the trip", "motivo del viaje"),
    "fully_vaccinated": Text("vaccination status", "estado de vacunación"),
    "vaccination_proof": Text("proof of vaccination", "comprobante de vacunación"),
    "trusted_traveler": Text(
        "verified trusted-traveler membership", "membresía verificada de viajero confiable"
    ),
    "trusted_traveler_declared": Text(
        "declared trusted-traveler membership", "membresía declarada de viajero confiable"
    ),
    "documents_complete": Text(
        "the list of every document you carry", "la lista de todos los documentos que porta"
    ),
    "destination_distance_m": Text(
        "how far from the border you will travel", "qué tan lejos de la frontera viajará"
    ),
    "stay_days": Text("length of stay in days", "duración de la estancia en días"),
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


def _limit(name: str) -> float:
    value = float(name.partition(":")[2])
    if not (value >= 0) or value > 100_000:
        raise ValueError(name)
    return value


def meters(distance: float, unit: str) -> int:
    """A distance in ``mi`` or ``km`` as whole meters (rounded to nearest), as rules compare it."""
    return round(distance * (METERS_PER_MILE if unit == "mi" else 1000.0))


def judge_all(name: str, country: str, facts: Facts) -> Tri:
    """Three-valued judgement of a category or a conjunction ``a+b+c`` (all must hold)."""
    out: Tri = True
    for part in name.split("+"):
        value = category(part, country).judge(facts)
        if value is False:
            return False
        if value is None:
            out = None
    return out


def unknown_needs_of(name: str, country: str, facts: Facts) -> set[str]:
    """Missing attributes that could change the judgement of ``name`` (a conjunction counts
    only while none of its parts is already false)."""
    if judge_all(name, country, facts) is not None:
        return set()
    out: set[str] = set()
    for part in name.split("+"):
        cat = category(part, country)
        if cat.judge(facts) is None:
            out |= {n for n in cat.needs if n not in facts}
    return out


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
    if name.startswith(("trusted-traveler:", "trusted-traveler-declared:")):
        kind, _, rest = name.partition(":")
        program = rest.strip().upper()
        if program not in PROGRAMS:
            raise KeyError(name)
        if kind == "trusted-traveler":
            # Verified membership: a credential the credentials stage verified, never a claim.
            return Category(
                f"trusted-traveler:{program}",
                f"principal.trusted_traveler.contains({_cedar_str(program)})",
                (),
                Text(f"verified {program} members", f"miembros verificados de {program}"),
                lambda f: program in (f.get("trusted_traveler") or ()),
            )
        return Category(
            f"trusted-traveler-declared:{program}",
            f"(principal.trusted_traveler.contains({_cedar_str(program)})"
            f" || principal.trusted_traveler_declared.contains({_cedar_str(program)}))",
            (),
            Text(
                f"{program} members (declared or verified)",
                f"miembros de {program} (declarados o verificados)",
            ),
            lambda f: (
                program in (f.get("trusted_traveler") or ())
                or program in (f.get("trusted_traveler_declared") or ())
            ),
        )
    if name.startswith("nationality:"):
        nat = name.partition(":")[2].strip().upper()
        if len(nat) != 3 or not nat.isalpha():
            raise KeyError(name)

        def judge_nat(f: Facts) -> Tri:
            return None if not _has(f, "nationality") else f["nationality"] == nat

        return Category(
            f"nationality:{nat}",
            f"(principal has nationality && principal.nationality == {_cedar_str(nat)})",
            ("nationality",),
            Text(f"nationals of {nat}", f"nacionales de {nat}"),
            judge_nat,
        )
    if name.startswith("document:"):
        doc = name.partition(":")[2].strip().lower()
        if doc not in DOCUMENT_TYPES:
            raise KeyError(name)

        def judge_doc(f: Facts) -> Tri:
            if doc in (f.get("documents") or ()):
                return True
            return False if f.get("documents_complete") else None

        label = DOCUMENT_LABELS[doc]
        return Category(
            f"document:{doc}",
            f"principal.documents.contains({_cedar_str(doc)})",
            ("documents_complete",),
            Text(f"holders of a {label.en}", f"portadores de {label.es}"),
            judge_doc,
        )
    if name.startswith(("within-miles:", "within-km:")):
        try:
            value = _limit(name)
        except ValueError:
            raise KeyError(name) from None
        unit = "mi" if name.startswith("within-miles:") else "km"
        limit_m = meters(value, unit)
        shown = f"{value:g} {'miles' if unit == 'mi' else 'km'}"
        shown_es = f"{value:g} {'millas' if unit == 'mi' else 'km'}"

        def judge_zone(f: Facts) -> Tri:
            d = f.get("destination_distance_m")
            return None if d is None else int(d) <= limit_m

        return Category(
            f"{name.partition(':')[0]}:{value:g}",
            f"(principal has destination_distance_m && principal.destination_distance_m <= {limit_m})",
            ("destination_distance_m",),
            Text(
                f"travelers staying within {shown} of the border",
                f"viajeros que no se alejan más de {shown_es} de la frontera",
            ),
            judge_zone,
        )
    if name.startswith("stay-up-to-days:"):
        try:
            days = int(name.partition(":")[2])
        except ValueError:
            raise KeyError(name) from None
        if days < 0:
            raise KeyError(name)

        def judge_stay(f: Facts) -> Tri:
            s = f.get("stay_days")
            return None if s is None else int(s) <= days

        return Category(
            f"stay-up-to-days:{days}",
            f"(principal has stay_days && principal.stay_days <= {days})",
            ("stay_days",),
            Text(f"stays of up to {days} days", f"estancias de hasta {days} días"),
            judge_stay,
        )
    raise KeyError(name)
