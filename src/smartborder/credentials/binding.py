"""Binding: is a verified credential about *this* declaration?

A genuine, trusted credential about another shipment or another person proves nothing here.
Each credential type has a rule that compares the credential's subject with the declaration:

- ``USMCACertificationOfOrigin``: the exporter is a shipment's shipper, the importer (when
  named) that shipment's consignee, and every certified good's HS subheading (first 6 digits)
  is on that shipment's lines;
- ``CommercialInvoiceCredential``: seller and buyer are a shipment's shipper and consignee;
- ``CartaPorteCredential``: the same ``IdCCP``, the origin's RFC is the Carta Porte sender and
  the destination's the recipient, and each declared ``fraccionArancelaria`` is on the manifest;
- ``PedimentoCredential``: its number is a shipment's pedimento;
- ``CTPATCertificate``: the member is the carrier (same SCAC or name), a shipper or a consignee;
- ``OEACertificate`` (Mexico's Authorized Economic Operator): the holder is the carrier (same
  name), a shipper or a consignee (same RFC or name);
- ``TrustedTravelerCredential`` and ``VaccinationCredential``: the same person (family and
  given names, and the date of birth and PASSID when disclosed) — the traveler, or a truck's
  driver. A credential that discloses no name and no PASSID cannot be bound.
- ``PassportCredential`` and ``BorderCrossingCardCredential``: the same person, and — when the
  traveler declared a document of that kind and the credential discloses its number — the
  same document number.

Names are compared without case, accents or repeated spaces. :func:`bind` returns ``None``
when the credential is about the declaration, else the reason (English, Spanish).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from smartborder.declarations import Declaration, Shipment, TravelerDeclaration, TruckShipment
from smartborder.i18n import Text

Subject = dict[str, Any]
Rule = Callable[[Subject, Declaration], Text | None]


def norm(name: Any) -> str:
    """A name for comparison: no accents, upper case, single spaces, no punctuation."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.upper())
    return " ".join(text.split())


def _org_name(value: Any) -> str:
    return norm(value.get("name")) if isinstance(value, dict) else ""


def _org_tax(value: Any) -> str:
    return norm(value.get("taxId")) if isinstance(value, dict) else ""


def _party_is(party: Any, org: Any) -> bool:
    """A declaration party and a credential organization are the same (name or tax id)."""
    tax = _org_tax(org)
    if tax and tax in (norm(party.rfc), norm(party.tax_id)):
        return True
    name = _org_name(org)
    return bool(name) and name == norm(party.name)


def _hs6(code: Any) -> str:
    return "".join(c for c in str(code) if c.isdigit())[:6]


def _truck(declaration: Declaration) -> TruckShipment | None:
    return declaration if isinstance(declaration, TruckShipment) else None


def _mismatch(en: str, es: str) -> Text:
    return Text(en, es)


_NOT_TRUCK = _mismatch(
    "it is a trade credential, but this declaration is not a truck shipment",
    "es una credencial comercial, pero esta declaración no es un embarque de camión",
)


def _usmca(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    exporter = subject.get("exporterDetails")
    named = subject.get("importerDetails")
    importers: list[Any] = named if isinstance(named, list) else ([named] if named else [])
    listed = subject.get("goods")
    goods: list[Any] = listed if isinstance(listed, list) else []
    codes = {_hs6(g.get("commodityCode")) for g in goods if isinstance(g, dict)}

    def matches(s: Shipment) -> bool:
        if exporter is not None and not _party_is(s.shipper, exporter):
            return False
        if importers and not any(_party_is(s.consignee, i) for i in importers):
            return False
        return codes <= {line.hs_code for line in s.lines}

    if any(matches(s) for s in truck.shipments):
        return None
    return _mismatch(
        f"no shipment has exporter {_org_name(exporter) or '?'}, the certified importer and "
        f"the certified HS codes {', '.join(sorted(codes))}",
        f"ningún embarque tiene al exportador {_org_name(exporter) or '?'}, al importador "
        f"certificado y las fracciones SA certificadas {', '.join(sorted(codes))}",
    )


def _invoice(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    seller, buyer = subject.get("seller"), subject.get("buyer")
    if seller is None and buyer is None:
        return _mismatch(
            "the invoice names neither seller nor buyer",
            "la factura no nombra vendedor ni comprador",
        )
    for s in truck.shipments:
        if (seller is None or _party_is(s.shipper, seller)) and (
            buyer is None or _party_is(s.consignee, buyer)
        ):
            return None
    return _mismatch(
        f"no shipment has seller {_org_name(seller) or '?'} and buyer {_org_name(buyer) or '?'}",
        f"ningún embarque tiene al vendedor {_org_name(seller) or '?'} y al comprador {_org_name(buyer) or '?'}",
    )


def _carta_porte(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    mx = truck.mexico
    if mx is None:
        return _mismatch(
            "the declaration has no Carta Porte elements (mexico.id_ccp)",
            "la declaración no tiene elementos de Carta Porte (mexico.id_ccp)",
        )
    if str(subject.get("idCCP", "")).upper() != mx.id_ccp.upper():
        return _mismatch(
            f"IdCCP {subject.get('idCCP')} is not the declared {mx.id_ccp}",
            f"el IdCCP {subject.get('idCCP')} no es el declarado {mx.id_ccp}",
        )
    places = [u for u in subject.get("ubicaciones", []) if isinstance(u, dict)]
    rfcs = {
        u.get("tipoUbicacion"): str(u.get("rfcRemitenteDestinatario", "")).upper() for u in places
    }
    if rfcs.get("Origen") != mx.rfc_sender or rfcs.get("Destino") != mx.rfc_recipient:
        return _mismatch(
            f"sender/recipient RFC {rfcs.get('Origen')}/{rfcs.get('Destino')} differ from the declared {mx.rfc_sender}/{mx.rfc_recipient}",
            f"el RFC de remitente/destinatario {rfcs.get('Origen')}/{rfcs.get('Destino')} difiere del declarado {mx.rfc_sender}/{mx.rfc_recipient}",
        )
    goods = subject.get("mercancias", {})
    items = goods.get("mercancia", []) if isinstance(goods, dict) else []
    declared = set(truck.hs_codes)
    for item in items if isinstance(items, list) else []:
        fraction = item.get("fraccionArancelaria") if isinstance(item, dict) else None
        if fraction is not None and _hs6(fraction) not in declared:
            return _mismatch(
                f"tariff item {fraction} is not on the manifest's lines",
                f"la fracción arancelaria {fraction} no está en las líneas del manifiesto",
            )
    return None


def _pedimento(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    number = "".join(c for c in str(subject.get("numPedimento", subject.get("pedimento", ""))))
    digits = "".join(c for c in number if c.isdigit())
    declared = {"".join(c for c in (s.pedimento or "") if c.isdigit()) for s in truck.shipments}
    if digits and digits in declared:
        return None
    return _mismatch(
        f"pedimento {number or '?'} is not one of the declared shipments'",
        f"el pedimento {number or '?'} no es de ninguno de los embarques declarados",
    )


def _ctpat(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    member = subject.get("member")
    if not isinstance(member, dict):
        return _mismatch("the certificate names no member", "el certificado no nombra miembro")
    if str(member.get("scac", "")).upper() == truck.scac or _org_name(member) == norm(
        truck.carrier.name
    ):
        return None
    parties = [p for s in truck.shipments for p in (s.shipper, s.consignee)]
    if any(_party_is(p, member) for p in parties):
        return None
    return _mismatch(
        f"member {_org_name(member) or '?'} is neither the carrier ({truck.scac}) nor a shipper or consignee",
        f"el miembro {_org_name(member) or '?'} no es el transportista ({truck.scac}) ni un remitente o consignatario",
    )


def _oea_holder(subject: Subject) -> dict[str, Any] | None:
    holder = subject.get("holder")
    return holder if isinstance(holder, dict) else None


def about_carrier(credential_type: str | None, subject: Subject, truck: TruckShipment) -> bool:
    """The credential certifies the truck's carrier itself: a C-TPAT member with the truck's
    SCAC, or an OEA holder with the carrier's name (carriers declare no RFC)."""
    if credential_type == "CTPATCertificate":
        member = subject.get("member")
        return isinstance(member, dict) and str(member.get("scac", "")).upper() == truck.scac
    if credential_type == "OEACertificate":
        holder = _oea_holder(subject)
        name = _org_name(holder)
        return bool(name) and name == norm(truck.carrier.name)
    return False


def _oea(subject: Subject, declaration: Declaration) -> Text | None:
    truck = _truck(declaration)
    if truck is None:
        return _NOT_TRUCK
    holder = _oea_holder(subject)
    if holder is None:
        return _mismatch("the certificate names no holder", "el certificado no nombra a su titular")
    if about_carrier("OEACertificate", subject, truck):
        return None
    rfc = norm(holder.get("rfc"))
    for party in (p for s in truck.shipments for p in (s.shipper, s.consignee)):
        if rfc and rfc in (norm(party.rfc), norm(party.tax_id)):
            return None
        if _org_name(holder) and _org_name(holder) == norm(party.name):
            return None
    who = _org_name(holder) or "?"
    return _mismatch(
        f"holder {who} (RFC {holder.get('rfc') or '?'}) is neither the carrier nor a shipper or consignee",
        f"el titular {who} (RFC {holder.get('rfc') or '?'}) no es el transportista ni un remitente o consignatario",
    )


def _person(declaration: Declaration) -> tuple[str, str, str, set[str]]:
    """(family, given, birth date, PASSIDs) of the traveler or the truck's driver."""
    if isinstance(declaration, TravelerDeclaration):
        tt = declaration.trusted_traveler
        return (
            norm(declaration.family_name),
            norm(declaration.given_names),
            declaration.date_of_birth.isoformat(),
            {tt.number} if tt is not None else set(),
        )
    d = declaration.driver
    return (
        norm(d.family_name),
        norm(d.given_names),
        d.date_of_birth.isoformat(),
        {d.fast_card} if d.fast_card else set(),
    )


def _same_person(subject: Subject, declaration: Declaration) -> Text | None:
    family, given, born, passids = _person(declaration)
    names = "familyName" in subject or "givenName" in subject
    pass_id = subject.get("passId")
    if not names and pass_id is None:
        return _mismatch(
            "it discloses neither a name nor a PASSID, so it cannot be tied to this person",
            "no divulga nombre ni PASSID, así que no puede ligarse a esta persona",
        )
    if names and (
        norm(subject.get("familyName")) != family or norm(subject.get("givenName")) != given
    ):
        return _mismatch(
            f"it is about {subject.get('givenName')} {subject.get('familyName')}, not the declared person",
            f"es de {subject.get('givenName')} {subject.get('familyName')}, no de la persona declarada",
        )
    if "birthDate" in subject and subject["birthDate"] != born:
        return _mismatch(
            "its date of birth differs from the declared one",
            "su fecha de nacimiento difiere de la declarada",
        )
    if pass_id is not None and pass_id not in passids:
        return _mismatch(
            f"PASSID {pass_id} is not the declared trusted-traveler or FAST card number",
            f"el PASSID {pass_id} no es el número declarado de viajero confiable o tarjeta FAST",
        )
    return None


#: The declared travel document each document credential stands for.
_DOCUMENT_OF = {
    "PassportCredential": "passport",
    "BorderCrossingCardCredential": "border_crossing_card",
}


def _travel_document(kind: str) -> Rule:
    def rule(subject: Subject, declaration: Declaration) -> Text | None:
        problem = _same_person(subject, declaration)
        if problem is not None:
            return problem
        number = subject.get("documentNumber")
        if not isinstance(declaration, TravelerDeclaration) or number is None:
            return None
        declared = declaration.document
        if declared.type == kind and norm(number) != norm(declared.number):
            return _mismatch(
                f"its document number {number} is not the declared {declared.number}",
                f"su número de documento {number} no es el declarado {declared.number}",
            )
        return None

    return rule


RULES: dict[str, Rule] = {
    "USMCACertificationOfOrigin": _usmca,
    "CommercialInvoiceCredential": _invoice,
    "CartaPorteCredential": _carta_porte,
    "PedimentoCredential": _pedimento,
    "CTPATCertificate": _ctpat,
    "OEACertificate": _oea,
    "TrustedTravelerCredential": _same_person,
    "VaccinationCredential": _same_person,
    **{ctype: _travel_document(kind) for ctype, kind in _DOCUMENT_OF.items()},
}
#: Types about a person: presenting someone else's is an identity matter, not a paperwork slip.
PERSONAL_TYPES = frozenset({"TrustedTravelerCredential", "VaccinationCredential", *_DOCUMENT_OF})


def subjects_of(credential: dict[str, Any]) -> Iterable[Subject]:
    subject = credential.get("credentialSubject")
    for one in subject if isinstance(subject, list) else [subject]:
        if isinstance(one, dict):
            yield one


def bind(
    credential_type: str | None, credential: dict[str, Any], declaration: Declaration
) -> Text | None:
    """``None`` when ``credential`` is about ``declaration``; else why not."""
    rule = RULES.get(credential_type or "")
    if rule is None:
        return _mismatch(
            f"no rule ties a {credential_type or 'credential of unknown type'} to a declaration",
            f"ninguna regla liga un {credential_type or 'credencial de tipo desconocido'} a una declaración",
        )
    problem: Text | None = None
    for subject in subjects_of(credential):
        problem = rule(subject, declaration)
        if problem is None:
            return None
    return problem or _mismatch("it has no subject", "no tiene sujeto")


__all__ = ["PERSONAL_TYPES", "RULES", "about_carrier", "bind", "norm", "subjects_of"]
