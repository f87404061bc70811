"""The traveler's self-check page: its labels in English and Spanish and the JSON it reads.

The page asks "may I cross at this port, at this time, for this purpose, with these
documents?" and posts the answer to ``POST /admissibility/evaluate`` (the same evaluation as
the API and ``smartborder policy eval``); the labels here are everything a person reads.
"""

from __future__ import annotations

import json
from typing import Any

from smartborder.i18n import Lang, Text

LABELS: dict[str, Text] = {
    "page_title": Text(
        "May I cross? Check before you travel", "¿Puedo cruzar? Verifique antes de viajar"
    ),
    "intro": Text(
        "Answer a few questions about your trip. The answer comes from the entry rules in force "
        "at that port and time, with the reasons, the rule version and what to bring. It is a "
        "self-check: the officer at the port decides.",
        "Responda unas preguntas sobre su viaje. La respuesta viene de las reglas de entrada "
        "vigentes en ese puerto y hora, con las razones, la versión de la regla y qué llevar. Es "
        "una autoevaluación: el oficial en el puerto decide.",
    ),
    "port": Text("Port of entry", "Puerto de entrada"),
    "direction": Text("Direction", "Sentido"),
    "northbound": Text("Into the United States (northbound)", "Hacia Estados Unidos (norte)"),
    "southbound": Text("Into Mexico (southbound)", "Hacia México (sur)"),
    "when": Text("Arrival (local time at the port)", "Llegada (hora local del puerto)"),
    "nationality": Text(
        "Nationality (ISO 3-letter code, e.g. MEX, USA, GTM)",
        "Nacionalidad (código ISO de 3 letras, p. ej. MEX, USA, GTM)",
    ),
    "residence": Text(
        "I am a permanent resident of the country I enter",
        "Soy residente permanente del país al que entro",
    ),
    "birth": Text("Date of birth", "Fecha de nacimiento"),
    "purpose": Text("Purpose of the trip", "Motivo del viaje"),
    "documents": Text("Documents I will carry", "Documentos que llevaré"),
    "distance": Text("How far from the border I will go", "Qué tan lejos de la frontera iré"),
    "miles": Text("miles", "millas"),
    "km": Text("km", "km"),
    "stay": Text("Days I will stay", "Días que me quedaré"),
    "program": Text(
        "Trusted-traveler program (self-declared)", "Programa de viajero confiable (declarado)"
    ),
    "none": Text("None", "Ninguno"),
    "vaccinated": Text(
        "COVID-19 vaccination (older rules)", "Vacunación COVID-19 (reglas anteriores)"
    ),
    "vax_unknown": Text("Not stated", "Sin indicar"),
    "vax_full_proof": Text("Fully vaccinated, with proof", "Esquema completo, con comprobante"),
    "vax_none": Text("Not vaccinated", "Sin vacunar"),
    "check": Text("Check", "Verificar"),
    "result": Text("Result", "Resultado"),
    "admit": Text("You may cross", "Puede cruzar"),
    "deny": Text("You may not cross", "No puede cruzar"),
    "review": Text(
        "An officer must review your documents", "Un oficial debe revisar sus documentos"
    ),
    "reasons": Text("Why", "Por qué"),
    "bring": Text("What to bring", "Qué llevar"),
    "missing": Text("Information missing", "Información faltante"),
    "version": Text("Rule in force", "Regla vigente"),
    "problem": Text("Please correct your answers", "Corrija sus respuestas"),
    "network": Text(
        "The check could not be made; try again.", "No se pudo verificar; intente de nuevo."
    ),
    "disclaimer": Text(
        "Membership you declare here is treated as declared, not verified: rules that need a "
        "verified card read it at the port.",
        "La membresía que declare aquí se trata como declarada, no verificada: las reglas que "
        "exigen una tarjeta verificada la leen en el puerto.",
    ),
}


def labels_for(lang: Lang) -> dict[str, str]:
    return {k: v.get(lang) for k, v in LABELS.items()}


def page_config(
    lang: Lang,
    ports: list[dict[str, Any]],
    *,
    purposes: dict[str, Text] | None = None,
    documents: dict[str, Text] | None = None,
    programs: tuple[str, ...] = (),
) -> str:
    """The JSON the page reads from ``<script id="sb-config">``, safe inside a script element.
    The vocabulary (purposes, documents, programs) is the admissibility domain's, passed in."""
    config = {
        "lang": lang.value,
        "labels": {lg.value: labels_for(lg) for lg in Lang},
        "ports": ports,
        "purposes": [{"value": k, "en": v.en, "es": v.es} for k, v in (purposes or {}).items()],
        "documents": [{"value": k, "en": v.en, "es": v.es} for k, v in (documents or {}).items()],
        "programs": list(programs),
        "endpoint": "/admissibility/evaluate",
        "default_port": "2504",
    }
    # "<" escaped so no string can close the script element.
    return json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
