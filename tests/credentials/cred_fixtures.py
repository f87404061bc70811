"""Helpers shared by the credential tests (imported by module name; not a conftest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from smartborder.credentials.issuers import org_slug
from smartborder.credentials.primitives.did import DidResolver, did_key_for, did_web_for
from smartborder.credentials.primitives.keys import KeyType, PrivateKey
from smartborder.credentials.types import SMARTBORDER_CONTEXT, CredentialTypes

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass
class Issuer:
    key: PrivateKey
    did: str
    vm: str


def make_issuer(key_type: KeyType | str = KeyType.P384) -> Issuer:
    key = PrivateKey.generate(key_type)
    did = did_key_for(key.public)
    return Issuer(key, did, f"{did}#{did.removeprefix('did:key:')}")


def resolver() -> DidResolver:
    return DidResolver(allow_web=False)


def own_types() -> CredentialTypes:
    return CredentialTypes()


#: The base URL of the test settings' node.
NODE_URL = "http://127.0.0.1:8000"


def org_did(org: str, base_url: str = NODE_URL) -> str:
    """The did:web of the organization ``org`` of the node at ``base_url``."""
    return did_web_for(base_url, "orgs", org_slug(org))


def issued_by(org: str, credential: dict[str, Any], base_url: str = NODE_URL) -> dict[str, Any]:
    """``credential`` naming ``org``'s did:web as its issuer (the VC-API requires one)."""
    return {**credential, "issuer": org_did(org, base_url)}


def carta_porte(**overrides: Any) -> dict[str, Any]:
    """A Carta Porte 3.1 credential for a truck from Monterrey to Laredo (unsigned, no issuer)."""
    subject: dict[str, Any] = {
        "type": "CartaPorte",
        "version": "3.1",
        "idCCP": "CCC12345-1234-4abc-8def-1234567890ab",
        "transpInternac": "Sí",
        "entradaSalidaMerc": "Salida",
        "paisOrigenDestino": "USA",
        "viaEntradaSalida": "01",
        "totalDistRec": 232.5,
        "ubicaciones": [
            {
                "tipoUbicacion": "Origen",
                "idUbicacion": "OR000001",
                "rfcRemitenteDestinatario": "AAA010101AAA",
                "fechaHoraSalidaLlegada": "2026-06-01T06:00:00",
            },
            {
                "tipoUbicacion": "Destino",
                "idUbicacion": "DE000001",
                "rfcRemitenteDestinatario": "XEXX010101000",
                "fechaHoraSalidaLlegada": "2026-06-01T11:30:00",
                "distanciaRecorrida": 232.5,
            },
        ],
        "mercancias": {
            "pesoBrutoTotal": 18000.0,
            "unidadPeso": "KGM",
            "numTotalMercancias": 1,
            "mercancia": [
                {
                    "bienesTransp": "31161500",
                    "descripcion": "Tornillos de acero",
                    "cantidad": 1200,
                    "claveUnidad": "H87",
                    "pesoEnKg": 18000.0,
                    "fraccionArancelaria": "7318159999",
                }
            ],
        },
        "figuraTransporte": [
            {"tipoFigura": "01", "nombreFigura": "Juan Pérez", "numLicencia": "NL1234567"}
        ],
    }
    subject.update(overrides)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", SMARTBORDER_CONTEXT],
        "type": ["VerifiableCredential", "CartaPorteCredential"],
        "validFrom": "2026-05-01T00:00:00Z",
        "validUntil": "2026-12-31T00:00:00Z",
        "credentialSubject": subject,
    }


def sentri(**overrides: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "id": "did:example:traveler-1",
        "type": "TrustedTraveler",
        "program": "SENTRI",
        "membershipStatus": "active",
        "passId": "123456789",
        "givenName": "Ana",
        "familyName": "García",
        "birthDate": "1985-03-14",
        "nationality": "MEX",
    }
    subject.update(overrides)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", SMARTBORDER_CONTEXT],
        "type": ["VerifiableCredential", "TrustedTravelerCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": subject,
    }
