"""Published primary inspection times per mode: the twin's default service times and the KPI's
free-flow travel time through a crossing share this one definition."""

from __future__ import annotations

# Published primary times (seconds), keyed by the mode's value (see Mode). Passenger vehicle
# at primary about 34 s (about 70 s when a compartment is opened); figures quoted by the
# working group's issue (CBP and GAO port studies).
PRIMARY_INSPECTION_S: dict[str, float] = {
    "passenger_vehicle": 34.0,
    "pedestrian": 20.0,
    "commercial": 90.0,
}
