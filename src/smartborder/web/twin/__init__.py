"""The twin comparison page: server-rendered HTML with an inline SVG chart (no CDN, no script)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from smartborder.i18n import Lang

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"])
)

LABELS: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "title": "Port twin: scenario comparison",
        "intro": "Simulated with SmartBorder's port digital twin; each figure is the mean over independent replications.",
        "scenario": "Scenario",
        "vehicles": "Vehicles per day",
        "wait": "Mean wait (min)",
        "ci": "95% CI of the mean (min)",
        "p95": "Worst hourly p95 (min)",
        "booth_hours": "Booth-hours per day",
        "co2": "Idling CO2 (t/day)",
        "nox": "Idling NOx (kg/day)",
        "lanes": "By lane",
        "lane": "Lane",
        "replications": "replications",
        "chart": "Mean wait per lane and booth-hours per day",
        "choose": "Compare shipped scenarios",
        "submit": "Compare",
    },
    Lang.ES: {
        "title": "Gemelo del puerto: comparación de escenarios",
        "intro": "Simulado con el gemelo digital de SmartBorder; cada cifra es la media de réplicas independientes.",
        "scenario": "Escenario",
        "vehicles": "Vehículos por día",
        "wait": "Espera media (min)",
        "ci": "IC 95% de la media (min)",
        "p95": "Peor p95 horario (min)",
        "booth_hours": "Horas-caseta por día",
        "co2": "CO2 en ralentí (t/día)",
        "nox": "NOx en ralentí (kg/día)",
        "lanes": "Por carril",
        "lane": "Carril",
        "replications": "réplicas",
        "chart": "Espera media por carril y horas-caseta por día",
        "choose": "Comparar escenarios incluidos",
        "submit": "Comparar",
    },
}

__all__ = ["LABELS", "templates"]
