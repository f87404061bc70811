"""Idling emission factors: what a vehicle emits per minute while it waits to cross.

Reference figures like the ports' own facts, below both users: the open-data KPIs and the twin
read these factors, so they give the same emissions for the same waits. Every number is a parameter with
its source beside it; replace them with local MOVES figures for a formal study.
"""

from __future__ import annotations

from dataclasses import dataclass

# Grams of CO2 per gallon burned: EPA, "Greenhouse Gas Emissions from a Typical Passenger
# Vehicle", EPA-420-F-18-008 (2018): 8,887 g/gal gasoline, 10,180 g/gal diesel.
CO2_G_PER_GAL_GASOLINE = 8887.0
CO2_G_PER_GAL_DIESEL = 10180.0

# Fuel burned idling. Heavy-duty diesel truck about 0.8 gal/h: Gaines, Vyas and Anderson,
# "Estimation of fuel use by idle commercial trucks", Argonne National Laboratory / TRB 2006
# (0.6-1.0 gal/h; DOE AFDC idle-reduction pages quote 0.8). Passenger car about 0.3 gal/h:
# Gaines, Rask and Keller, "Which is greener: idle, or stop and restart?", Argonne National
# Laboratory, TRB 2013 (0.16 gal/h for a 2-litre sedan to about 0.4 for larger engines).
FUEL_GAL_PER_H_HEAVY_DIESEL = 0.8
FUEL_GAL_PER_H_LIGHT_GASOLINE = 0.3

# Heavy-duty diesel truck idling NOx 1.416 g/min and PM 0.030 g/min: McCormick et al., idle
# measurements of heavy-duty diesel trucks, J. Air & Waste Management Association (2000).
NOX_G_PER_MIN_HEAVY_DIESEL = 1.416
PM25_G_PER_MIN_HEAVY_DIESEL = 0.030

# Light-duty gasoline vehicle idling, approximate: EPA, "Idling Vehicle Emissions for Passenger
# Cars, Light-Duty Trucks, and Heavy-Duty Trucks", EPA420-F-08-025 (Oct 2008), MOBILE6.2 fleet
# of July 2008 (NOx a few g/h; exhaust PM2.5 well under 0.1 g/h). Defaults, not measurements.
NOX_G_PER_MIN_LIGHT_GASOLINE = 0.06
PM25_G_PER_MIN_LIGHT_GASOLINE = 0.0006


@dataclass(frozen=True, slots=True)
class IdlingFactors:
    """Grams emitted per minute of idling by one vehicle of a fleet class."""

    fleet: str
    co2_g_per_min: float
    nox_g_per_min: float
    pm25_g_per_min: float


LIGHT_DUTY_GASOLINE = IdlingFactors(
    fleet="light_duty_gasoline",
    co2_g_per_min=FUEL_GAL_PER_H_LIGHT_GASOLINE * CO2_G_PER_GAL_GASOLINE / 60.0,
    nox_g_per_min=NOX_G_PER_MIN_LIGHT_GASOLINE,
    pm25_g_per_min=PM25_G_PER_MIN_LIGHT_GASOLINE,
)
HEAVY_DUTY_DIESEL = IdlingFactors(
    fleet="heavy_duty_diesel",
    co2_g_per_min=FUEL_GAL_PER_H_HEAVY_DIESEL * CO2_G_PER_GAL_DIESEL / 60.0,
    nox_g_per_min=NOX_G_PER_MIN_HEAVY_DIESEL,
    pm25_g_per_min=PM25_G_PER_MIN_HEAVY_DIESEL,
)
# People on foot emit nothing while they wait.
NO_ENGINE = IdlingFactors(fleet="none", co2_g_per_min=0.0, nox_g_per_min=0.0, pm25_g_per_min=0.0)

# Which fleet idles in each mode's queue, keyed by the mode's value (see smartborder.ports.Mode).
FLEET_BY_MODE: dict[str, IdlingFactors] = {
    "passenger_vehicle": LIGHT_DUTY_GASOLINE,
    "commercial": HEAVY_DUTY_DIESEL,
    "pedestrian": NO_ENGINE,
}


@dataclass(frozen=True, slots=True)
class Emissions:
    """Grams emitted while idling."""

    co2_kg: float
    nox_g: float
    pm25_g: float


def factors_for(mode: str) -> IdlingFactors:
    """The idling factors of the fleet that queues in ``mode`` (a ``Mode`` or its value)."""
    key = str(getattr(mode, "value", mode))
    return FLEET_BY_MODE.get(key, LIGHT_DUTY_GASOLINE)


def idling_emissions(vehicle_minutes: float, mode: str) -> Emissions:
    """Emissions of ``vehicle_minutes`` of idling in the queue of ``mode``."""
    f = factors_for(mode)
    return Emissions(
        co2_kg=vehicle_minutes * f.co2_g_per_min / 1000.0,
        nox_g=vehicle_minutes * f.nox_g_per_min,
        pm25_g=vehicle_minutes * f.pm25_g_per_min,
    )


__all__ = [
    "CO2_G_PER_GAL_DIESEL",
    "CO2_G_PER_GAL_GASOLINE",
    "FLEET_BY_MODE",
    "HEAVY_DUTY_DIESEL",
    "LIGHT_DUTY_GASOLINE",
    "NO_ENGINE",
    "Emissions",
    "IdlingFactors",
    "factors_for",
    "idling_emissions",
]
