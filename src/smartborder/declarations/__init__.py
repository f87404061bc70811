"""Pre-arrival declarations (truck shipments, travelers) and their validation.

``parse_truck`` / ``parse_traveler`` / ``parse_declaration`` turn a JSON object into a typed,
immutable record or raise :class:`DeclarationInvalid` listing every problem at once (JSON
pointer, stable code, English and Spanish). ``json_schemas()`` gives their JSON Schemas.
Synthetic realistic traffic is in :mod:`smartborder.demo.synthetic`.
"""

from smartborder.declarations.checks import ALPHA3 as COUNTRY_CODES
from smartborder.declarations.checks import GENERIC_RFCS
from smartborder.declarations.errors import DeclarationInvalid
from smartborder.declarations.hs import HSFileInvalid, HSNomenclature, load_hs
from smartborder.declarations.parse import (
    Declaration,
    json_schemas,
    parse_declaration,
    parse_declaration_json,
    parse_traveler,
    parse_truck,
    problems_of,
)
from smartborder.declarations.traveler import (
    Purpose,
    TravelerDeclaration,
    TrustedTraveler,
    TrustedTravelerProgram,
    Vaccination,
)
from smartborder.declarations.truck import (
    CommodityLine,
    Driver,
    Equipment,
    MexicanElements,
    Shipment,
    TruckShipment,
    UsmcaCertification,
)

__all__ = [
    "COUNTRY_CODES",
    "GENERIC_RFCS",
    "CommodityLine",
    "Declaration",
    "DeclarationInvalid",
    "Driver",
    "Equipment",
    "HSFileInvalid",
    "HSNomenclature",
    "MexicanElements",
    "Purpose",
    "Shipment",
    "TravelerDeclaration",
    "TruckShipment",
    "TrustedTraveler",
    "TrustedTravelerProgram",
    "UsmcaCertification",
    "Vaccination",
    "json_schemas",
    "load_hs",
    "parse_declaration",
    "parse_declaration_json",
    "parse_traveler",
    "parse_truck",
    "problems_of",
]
