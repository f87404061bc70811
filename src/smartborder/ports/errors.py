"""Errors of the port reference data (see :mod:`smartborder.errors` for the tree)::

InvalidInput
├── UnknownPort          ports.unknown_port
├── UnknownCrossing      ports.unknown_crossing
├── UnknownRegion        ports.unknown_region
└── InvalidLocalTime     ports.invalid_local_time
"""

from __future__ import annotations

from smartborder.errors import InvalidInput
from smartborder.i18n import Text


class UnknownPort(InvalidInput):
    """A 4-digit port code that is not a U.S.–Mexico land port of entry."""

    code = "ports.unknown_port"
    default_message = Text(
        "Unknown port code. Use a 4-digit CBP port code of a U.S.–Mexico land port of entry; "
        "`smartborder ports` lists them.",
        "Código de puerto desconocido. Use un código CBP de 4 dígitos de un puerto terrestre "
        "entre EE. UU. y México; `smartborder ports` los enumera.",
    )

    @classmethod
    def for_code(cls, code: object) -> UnknownPort:
        return cls(
            Text(
                "Unknown port code {code!r}: it is not a U.S.–Mexico land port of entry. Use a "
                "4-digit CBP port code such as '2504' (San Ysidro); `smartborder ports` lists "
                "them all.",
                "Código de puerto desconocido {code!r}: no es un puerto terrestre entre EE. UU. "
                "y México. Use un código CBP de 4 dígitos como '2504' (San Ysidro); "
                "`smartborder ports` los enumera todos.",
            ).format(code=code),
            extra={"port_code": str(code)},
        )


class UnknownCrossing(InvalidInput):
    """A Border Wait Times number that is not a crossing of the U.S.–Mexico border."""

    code = "ports.unknown_crossing"
    default_message = Text(
        "Unknown crossing number. Use the 6-digit CBP Border Wait Times number of a "
        "U.S.–Mexico crossing; `smartborder ports` lists them.",
        "Número de cruce desconocido. Use el número de 6 dígitos de CBP Border Wait Times de un "
        "cruce entre EE. UU. y México; `smartborder ports` los enumera.",
    )

    @classmethod
    def for_number(cls, number: object) -> UnknownCrossing:
        return cls(
            Text(
                "Unknown crossing number {number!r}: it is not a U.S.–Mexico crossing of CBP's "
                "Border Wait Times feed. Use a 6-digit number such as '250401' (San Ysidro); "
                "`smartborder ports` lists them all.",
                "Número de cruce desconocido {number!r}: no es un cruce entre EE. UU. y México "
                "del servicio Border Wait Times de CBP. Use un número de 6 dígitos como "
                "'250401' (San Ysidro); `smartborder ports` los enumera todos.",
            ).format(number=number),
            extra={"bwt_number": str(number)},
        )


class UnknownRegion(InvalidInput):
    """A region id that is not one of the binational border regions."""

    code = "ports.unknown_region"

    @classmethod
    def for_id(cls, region_id: object, known: list[str]) -> UnknownRegion:
        return cls(
            Text(
                "Unknown region {region!r}. Use one of: {known}.",
                "Región desconocida {region!r}. Use una de: {known}.",
            ).format(region=region_id, known=", ".join(known)),
            extra={"region": str(region_id)},
        )


class InvalidLocalTime(InvalidInput):
    """A local wall-clock time that a port's clock skips (the spring-forward DST gap)."""

    code = "ports.invalid_local_time"
    default_message = Text(
        "That local time does not exist at this port: clocks skip it when daylight saving time "
        "begins. Give a time outside the skipped hour, or give the time in UTC.",
        "Esa hora local no existe en este puerto: los relojes la saltan al iniciar el horario "
        "de verano. Indique una hora fuera de la hora omitida, o la hora en UTC.",
    )


__all__ = ["InvalidLocalTime", "UnknownCrossing", "UnknownPort", "UnknownRegion"]
