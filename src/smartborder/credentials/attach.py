"""Credential subjects for a declaration, so that its parties can attach real credentials.

Each function builds the ``credentialSubject`` of one corridor credential type from a
declaration's JSON payload (the same dict a client submits): a USMCA certification of origin
from a shipment, a C-TPAT certificate of the carrier, a Carta Porte 3.1 complement of the
movement, an OEA (Mexico's Authorized Economic Operator) certificate of the carrier, a shipper
or a consignee, a trusted-traveler membership and a vaccination status of a traveler or driver.
The demo (``smartborder serve --demo``) and the tests issue them with
:class:`~smartborder.credentials.CredentialService` and attach them to declarations;
:mod:`.binding` is the check that a credential fits its declaration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from smartborder.credentials.datamodel import VC_V2_CONTEXT
from smartborder.credentials.types import OWN_TYPES, SMARTBORDER_CONTEXT

TRACEABILITY_CONTEXT = "https://w3id.org/traceability/v1"


def credential(type_name: str, subject: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An unsigned credential of ``type_name`` around ``subject`` (issuer filled when issued)."""
    own = type_name in OWN_TYPES
    return {
        "@context": [VC_V2_CONTEXT, SMARTBORDER_CONTEXT if own else TRACEABILITY_CONTEXT],
        "type": ["VerifiableCredential", type_name],
        "credentialSubject": subject,
        **extra,
    }


def _org(party: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["Organization"], "name": party["name"]}
    tax = party.get("rfc") or party.get("tax_id")
    if tax:
        out["taxId"] = tax
    return out


_ALPHA2 = {"MEX": "MX", "USA": "US", "CAN": "CA"}


def usmca_subject(shipment: dict[str, Any]) -> dict[str, Any]:
    """``USMCACertificationOfOrigin`` subject of a shipment payload: its shipper as exporter,
    its consignee as importer and each line's HS subheading as a certified good."""
    cert = shipment.get("usmca") or {}
    producer = cert.get("producer") or cert.get("exporter") or shipment["shipper"]
    goods = cert.get("goods") or [
        {"description": line["description"], "hs_code": line["hs_code"], "origin_criterion": "B"}
        for line in shipment["lines"]
    ]
    return {
        "type": ["USMCAClaims"],
        "exporterDetails": _org(shipment["shipper"]),
        "producerDetails": _org(producer),
        "importerDetails": [_org(shipment["consignee"])],
        "goods": [
            {
                "type": ["USMCAProduct"],
                "description": g["description"],
                "commodityCode": g["hs_code"],
                "commodityCodeType": "HS",
                "originCriterion": g["origin_criterion"],
                "countryOfOrigin": _ALPHA2.get(shipment["shipper"]["address"]["country"], "MX"),
            }
            for g in goods
        ],
    }


def ctpat_subject(truck: dict[str, Any], *, account: str = "10001") -> dict[str, Any]:
    """``CTPATCertificate`` subject of the truck's carrier (a highway carrier member)."""
    plate = truck["conveyance"]["plate"]
    mexican = plate.get("country") == "MEX"
    where = {
        "type": ["Place"],
        "address": {
            "type": ["PostalAddress"],
            "addressRegion": plate.get("region") or "",
            "addressCountry": "MX" if mexican else "US",
        },
    }
    return {
        "type": ["CTPAT"],
        "member": {
            "type": ["CTPATMember"],
            "name": truck["carrier"]["name"],
            "scac": truck["scac"],
            "location": [where],
        },
        "ctpatAccountNumber": account,
        "tradeSector": "Mexican Long Haul Highway Carriers" if mexican else "Highway Carriers",
        "tier": "Certified",
        "issuingCountry": "US",
    }


#: The OEA sector (rubro) of each kind of holder ``oea_subject`` certifies.
OEA_SECTORS = {
    "carrier": "Autotransportista Terrestre",
    "shipper": "Importador y/o Exportador",
    "consignee": "Importador y/o Exportador",
}


def oea_subject(
    truck: dict[str, Any],
    *,
    holder: str = "carrier",
    authorization: str = "OEA-0001",
    authorized_on: str = "2024-01-15",
) -> dict[str, Any]:
    """``OEACertificate`` subject of the truck's carrier, or of its first shipment's shipper
    or consignee (``holder``), as SAT – AGACE would certify it (name, and RFC when the party
    has one)."""
    if holder == "carrier":
        party: dict[str, Any] = {"name": truck["carrier"]["name"]}
    elif holder in ("shipper", "consignee"):
        party = truck["shipments"][0][holder]
    else:
        raise ValueError(f"holder is carrier, shipper or consignee, not {holder!r}")
    certified: dict[str, Any] = {"type": ["Organization"], "name": party["name"]}
    if party.get("rfc"):
        certified["rfc"] = party["rfc"]
    return {
        "type": ["OEA"],
        "holder": certified,
        "sector": OEA_SECTORS[holder],
        "authorizationNumber": authorization,
        "authorizedOn": authorized_on,
        "issuingAuthority": "SAT – Administración General de Auditoría de Comercio Exterior",
        "issuingCountry": "MX",
    }


def _stamp(value: str) -> str:
    when = datetime.fromisoformat(value).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def carta_porte_subject(truck: dict[str, Any]) -> dict[str, Any]:
    """``CartaPorteCredential`` subject (Carta Porte 3.1) of a truck payload with ``mexico``."""
    mx = truck["mexico"]
    north = truck["direction"] == "northbound"
    lines = [line for s in truck["shipments"] for line in s["lines"]]
    plate = truck["conveyance"]["plate"]["number"].replace(" ", "").replace("-", "")
    return {
        "type": ["CartaPorte"],
        "version": "3.1",
        "idCCP": mx["id_ccp"],
        "transpInternac": "Sí",
        "entradaSalidaMerc": "Salida" if north else "Entrada",
        "paisOrigenDestino": "USA",
        "viaEntradaSalida": "01",
        "ubicaciones": [
            {
                "tipoUbicacion": "Origen",
                "rfcRemitenteDestinatario": mx["rfc_sender"],
                "fechaHoraSalidaLlegada": _stamp(truck["expected_arrival"]),
            },
            {
                "tipoUbicacion": "Destino",
                "rfcRemitenteDestinatario": mx["rfc_recipient"],
                "fechaHoraSalidaLlegada": _stamp(truck["expected_arrival"]),
            },
        ],
        "mercancias": {
            "pesoBrutoTotal": round(sum(s["weight_kg"] for s in truck["shipments"]), 3),
            "unidadPeso": "KGM",
            "numTotalMercancias": len(lines),
            "mercancia": [
                {
                    "bienesTransp": "01010101",  # c_ClaveProdServCP "no existe en el catálogo"
                    "descripcion": line["description"],
                    "cantidad": line["piece_count"],
                    "claveUnidad": "H87",
                    "pesoEnKg": line["weight_kg"],
                    "fraccionArancelaria": line["hs_code"] + "00",
                }
                for line in lines
            ],
            "autotransporte": {
                "permSCT": "TPIF",
                "numPermisoSCT": "0000000",
                "identificacionVehicular": {
                    "configVehicular": "T3S2",
                    "pesoBrutoVehicular": 36.5,
                    "placaVM": plate[:7].ljust(5, "0"),
                    "anioModeloVM": 2020,
                },
                "seguros": {"aseguraRespCivil": "SEGUROS DEMO", "polizaRespCivil": "RC-0001"},
            },
        },
    }


def _person(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["driver"] if payload.get("kind") == "truck" else payload


def trusted_traveler_subject(
    payload: dict[str, Any], *, status: str = "active"
) -> dict[str, Any] | None:
    """``TrustedTravelerCredential`` subject of a traveler with a declared program (SENTRI,
    NEXUS, FAST) or a truck driver with a FAST card; None when there is no membership."""
    person = _person(payload)
    if payload.get("kind") == "truck":
        program, pass_id = "FAST", person.get("fast_card")
    else:
        tt = payload.get("trusted_traveler") or {}
        program, pass_id = str(tt.get("program", "")).upper(), tt.get("number")
    if program not in ("SENTRI", "NEXUS", "FAST") or not pass_id:
        return None
    subject: dict[str, Any] = {
        "type": "TrustedTraveler",
        "program": program,
        "membershipStatus": status,
        "passId": pass_id,
        "givenName": person["given_names"],
        "familyName": person["family_name"],
        "birthDate": person["date_of_birth"],
        "nationality": person["nationality"],
    }
    plate = payload.get("vehicle_plate")
    if program == "SENTRI" and plate:
        subject["enrolledVehicle"] = {"plate": plate["number"], "plateRegion": plate.get("region")}
    return subject


def vaccination_subject(
    payload: dict[str, Any], *, fully: bool = True, completed_on: str = "2021-08-15"
) -> dict[str, Any]:
    """``VaccinationCredential`` subject (COVID-19) of a traveler or a truck's driver."""
    person = _person(payload)
    return {
        "type": "VaccinationStatus",
        "disease": "COVID-19",
        "fullyVaccinated": fully,
        "completedOn": completed_on,
        "givenName": person["given_names"],
        "familyName": person["family_name"],
        "birthDate": person["date_of_birth"],
    }


#: Claims of a personal credential issued selectively disclosable (program, membership status,
#: disease and vaccination status are always disclosed).
PERSONAL_DISCLOSABLE = (
    "givenName",
    "familyName",
    "birthDate",
    "completedOn",
    "nationality",
    "enrolledVehicle",
    "passId",
)


def disclosable(subject: dict[str, Any]) -> list[str]:
    """The :data:`PERSONAL_DISCLOSABLE` claims present in ``subject`` (SD-JWT issuing option)."""
    return [name for name in PERSONAL_DISCLOSABLE if name in subject]


__all__ = [
    "PERSONAL_DISCLOSABLE",
    "TRACEABILITY_CONTEXT",
    "carta_porte_subject",
    "credential",
    "ctpat_subject",
    "OEA_SECTORS",
    "disclosable",
    "oea_subject",
    "trusted_traveler_subject",
    "usmca_subject",
    "vaccination_subject",
]
