"""The catalog of declaration problems: stable code → English and Spanish message.

Messages say what is wrong and how to fix it; ``{field}``-style placeholders are filled from the
problem's context. Codes of pydantic's built-in errors map to the generic ``declaration.field.*``
codes at the end.
"""

from __future__ import annotations

from typing import Any

from smartborder.i18n import Text

CATALOG: dict[str, Text] = {
    # identifiers
    "declaration.vin.format": Text(
        "VIN '{value}' is not 17 characters of digits and letters (I, O and Q are never used); copy it from the vehicle's VIN plate.",
        "El VIN '{value}' no tiene 17 caracteres de dígitos y letras (nunca se usan I, O ni Q); cópielo de la placa VIN del vehículo.",
    ),
    "declaration.vin.check_digit": Text(
        "VIN '{value}' fails its check digit (position 9 should be '{expected}' for the other 16 characters); a character was likely mistyped.",
        "El VIN '{value}' no pasa su dígito verificador (la posición 9 debería ser '{expected}' para los otros 16 caracteres); probablemente hay un carácter mal escrito.",
    ),
    "declaration.container.format": Text(
        "Container number '{value}' is not ISO 6346 (3-letter owner code, U/J/Z, 6 digits, check digit), e.g. CSQU3054383.",
        "El número de contenedor '{value}' no cumple ISO 6346 (código de propietario de 3 letras, U/J/Z, 6 dígitos, dígito verificador), p. ej. CSQU3054383.",
    ),
    "declaration.container.check_digit": Text(
        "Container number '{value}' fails its ISO 6346 check digit (the last digit should be {expected}); check the number painted on the container.",
        "El número de contenedor '{value}' no pasa su dígito verificador ISO 6346 (el último dígito debería ser {expected}); revise el número pintado en el contenedor.",
    ),
    "declaration.scac.format": Text(
        "Carrier code '{value}' is not a SCAC: 2 to 4 capital letters assigned by NMFTA.",
        "El código de transportista '{value}' no es un SCAC: de 2 a 4 letras mayúsculas asignadas por la NMFTA.",
    ),
    "declaration.scn.format": Text(
        "Shipment control number '{value}' must be a SCAC followed by 1 to 12 letters or digits (16 characters at most).",
        "El número de control del embarque '{value}' debe ser un SCAC seguido de 1 a 12 letras o dígitos (16 caracteres como máximo).",
    ),
    "declaration.scn.duplicate": Text(
        "Shipment control number '{value}' appears more than once in this trip; each shipment needs its own.",
        "El número de control del embarque '{value}' aparece más de una vez en este viaje; cada embarque necesita el suyo.",
    ),
    "declaration.trip_number.format": Text(
        "Trip number '{value}' must start with the carrier's SCAC and have at most 25 letters or digits.",
        "El número de viaje '{value}' debe comenzar con el SCAC del transportista y tener como máximo 25 letras o dígitos.",
    ),
    "declaration.trip_number.scac_prefix": Text(
        "Trip number '{value}' must start with the carrier's SCAC '{expected}'.",
        "El número de viaje '{value}' debe comenzar con el SCAC del transportista '{expected}'.",
    ),
    "declaration.rfc.format": Text(
        "RFC '{value}' does not follow SAT's pattern: 3 letters (persona moral) or 4 (persona física), date YYMMDD, 3-character homoclave.",
        "El RFC '{value}' no sigue el patrón del SAT: 3 letras (persona moral) o 4 (persona física), fecha AAMMDD y homoclave de 3 caracteres.",
    ),
    "declaration.rfc.date": Text(
        "RFC '{value}' contains a date that does not exist; check the 6 digits after the letters.",
        "El RFC '{value}' contiene una fecha que no existe; revise los 6 dígitos después de las letras.",
    ),
    "declaration.rfc.check_digit": Text(
        "RFC '{value}' fails SAT's check digit (the last character should be '{expected}'); copy it from the Constancia de Situación Fiscal.",
        "El RFC '{value}' no pasa el dígito verificador del SAT (el último carácter debería ser '{expected}'); cópielo de la Constancia de Situación Fiscal.",
    ),
    "declaration.pedimento.format": Text(
        "Pedimento '{value}' must be 15 digits 'YY  AA  PPPP  NNNNNNN': year, customs house, broker patent, then 7 digits.",
        "El pedimento '{value}' debe tener 15 dígitos 'AA  AD  PPPP  NNNNNNN': año, aduana, patente del agente y 7 dígitos.",
    ),
    "declaration.pedimento.year_digit": Text(
        "Pedimento '{value}': the 7-digit number must start with the last digit of the year ({expected}), or of the year before for a consolidated pedimento.",
        "Pedimento '{value}': el número de 7 dígitos debe comenzar con el último dígito del año ({expected}), o del año anterior si es un pedimento consolidado.",
    ),
    "declaration.id_ccp.format": Text(
        "Carta Porte IdCCP '{value}' must be 36 characters: 'CCC' then a UUID without its first 3 characters (CartaPorte 3.1).",
        "El IdCCP de la Carta Porte '{value}' debe tener 36 caracteres: 'CCC' y un UUID sin sus 3 primeros caracteres (Carta Porte 3.1).",
    ),
    "declaration.hs_code.format": Text(
        "HS code '{value}' must be exactly 6 digits (the international subheading, without dots).",
        "El código SA '{value}' debe tener exactamente 6 dígitos (la subpartida internacional, sin puntos).",
    ),
    "declaration.hs_code.unknown_chapter": Text(
        "HS code '{value}' is in chapter {chapter}, which does not exist (chapters 01–97; 77 is reserved).",
        "El código SA '{value}' está en el capítulo {chapter}, que no existe (capítulos 01–97; el 77 está reservado).",
    ),
    "declaration.hs_code.unknown_subheading": Text(
        "HS code '{value}' is not a subheading of the HS 2022 nomenclature; look it up in the tariff schedule.",
        "El código SA '{value}' no es una subpartida de la nomenclatura SA 2022; búsquelo en la tarifa.",
    ),
    "declaration.country.unknown": Text(
        "'{value}' is not an ISO 3166-1 alpha-3 country code (e.g. USA, MEX, CAN).",
        "'{value}' no es un código de país ISO 3166-1 alfa-3 (p. ej. USA, MEX, CAN).",
    ),
    "declaration.trusted_traveler.number": Text(
        "Trusted-traveler number '{value}' must be the 9-digit PASSID printed on the card.",
        "El número de viajero confiable '{value}' debe ser el PASSID de 9 dígitos impreso en la tarjeta.",
    ),
    # ports and times
    "declaration.port.format": Text(
        "Port code '{value}' must be CBP's 4-digit port code (e.g. 2504 San Ysidro).",
        "El código de puerto '{value}' debe ser el código de 4 dígitos de CBP (p. ej. 2504 San Ysidro).",
    ),
    "declaration.arrival.naive": Text(
        "The time has no time zone; write it as ISO 8601 with an offset, e.g. 2026-03-02T08:30:00-08:00.",
        "La hora no tiene zona horaria; escríbala en ISO 8601 con desfase, p. ej. 2026-03-02T08:30:00-08:00.",
    ),
    "declaration.arrival.past": Text(
        "Expected arrival {value} is in the past (now {now}); a pre-arrival declaration must be filed before the crossing.",
        "La llegada prevista {value} ya pasó (ahora {now}); una declaración previa debe presentarse antes del cruce.",
    ),
    "declaration.arrival.too_far": Text(
        "Expected arrival {value} is more than {days} days ahead; file closer to the crossing.",
        "La llegada prevista {value} es a más de {days} días; presente la declaración más cerca del cruce.",
    ),
    # consistency
    "declaration.weight.lines_exceed": Text(
        "The lines weigh {lines} kg in all, more than the shipment's declared weight of {total} kg.",
        "Las líneas pesan {lines} kg en total, más que el peso declarado del embarque de {total} kg.",
    ),
    "declaration.pieces.lines_mismatch": Text(
        "The lines add up to {lines} pieces but the shipment declares {total}; make them agree.",
        "Las líneas suman {lines} piezas pero el embarque declara {total}; hágalos coincidir.",
    ),
    "declaration.seal.equipment_unknown": Text(
        "Seal is on equipment '{value}', which is not listed in the conveyance's equipment.",
        "El sello está en el equipo '{value}', que no aparece en el equipo del vehículo.",
    ),
    "declaration.usmca.blanket_period": Text(
        "The blanket period runs {start} to {end}; it must end after it starts and cover at most 12 months.",
        "El periodo general va de {start} a {end}; debe terminar después de empezar y cubrir como máximo 12 meses.",
    ),
    "declaration.usmca.producer": Text(
        "Name the producer, or state 'various' or 'available_upon_request' (USMCA Annex 5-A, element 4), but not both.",
        "Indique el productor, o declare 'various' o 'available_upon_request' (T-MEC Anexo 5-A, elemento 4), pero no ambos.",
    ),
    "declaration.usmca.signature_date": Text(
        "The certification is signed on {value}, in the future; sign and date it when it is made.",
        "La certificación está firmada el {value}, en el futuro; fírmela y féchela cuando se emita.",
    ),
    "declaration.driver.document": Text(
        "The driver needs a travel document or a FAST card number.",
        "El conductor necesita un documento de viaje o un número de tarjeta FAST.",
    ),
    "declaration.mexico.required": Text(
        "A southbound shipment needs the Mexican elements: Carta Porte IdCCP and the RFC of the sender and recipient.",
        "Un embarque hacia el sur necesita los datos mexicanos: IdCCP de la Carta Porte y el RFC del remitente y del destinatario.",
    ),
    "declaration.document.expired": Text(
        "The travel document expires on {value}, before the expected arrival; renew it before travelling.",
        "El documento de viaje vence el {value}, antes de la llegada prevista; renuévelo antes de viajar.",
    ),
    "declaration.birth_date.range": Text(
        "Date of birth {value} is in the future or more than 130 years ago.",
        "La fecha de nacimiento {value} está en el futuro o hace más de 130 años.",
    ),
    "declaration.vaccination.inconsistent": Text(
        "Vaccination status '{value}' does not match the details: 'full' and 'partial' need the vaccine and the date of the last dose; 'none' takes neither.",
        "El estado de vacunación '{value}' no coincide con los datos: 'full' y 'partial' requieren la vacuna y la fecha de la última dosis; 'none' no lleva ninguno.",
    ),
    "declaration.destination_distance.both": Text(
        "Give destination_distance_km or destination_distance_miles, not both.",
        "Indique destination_distance_km o destination_distance_miles, no ambos.",
    ),
    "declaration.vaccination.future_dose": Text(
        "The last dose is dated {value}, in the future; give the date it was received.",
        "La última dosis tiene fecha {value}, en el futuro; indique la fecha en que se aplicó.",
    ),
    "declaration.presentation.type": Text(
        "An attached credential or presentation must be a JSON object or a compact JWT / SD-JWT string (10 to {max} characters).",
        "Una credencial o presentación adjunta debe ser un objeto JSON o una cadena JWT / SD-JWT compacta (de 10 a {max} caracteres).",
    ),
    "declaration.json.malformed": Text(
        "The body is not valid JSON ({detail}); send one JSON object.",
        "El cuerpo no es JSON válido ({detail}); envíe un objeto JSON.",
    ),
    "declaration.kind.unknown": Text(
        "'kind' must be 'truck' or 'traveler'.",
        "'kind' debe ser 'truck' o 'traveler'.",
    ),
    # generic (pydantic's built-in error types)
    "declaration.field.missing": Text(
        "This field is required.",
        "Este campo es obligatorio.",
    ),
    "declaration.field.unknown": Text(
        "This field is not part of the declaration; remove it or check its spelling.",
        "Este campo no forma parte de la declaración; elimínelo o revise cómo está escrito.",
    ),
    "declaration.field.wrong_type": Text(
        "Wrong type: {detail}.",
        "Tipo incorrecto: {detail}.",
    ),
    "declaration.field.invalid_choice": Text(
        "Not one of the allowed values: {expected}.",
        "No es uno de los valores permitidos: {expected}.",
    ),
    "declaration.field.too_short": Text(
        "Too short: at least {min_length} required.",
        "Demasiado corto: se requieren al menos {min_length}.",
    ),
    "declaration.field.too_long": Text(
        "Too long: at most {max_length} allowed.",
        "Demasiado largo: se permiten como máximo {max_length}.",
    ),
    "declaration.field.out_of_range": Text(
        "Out of range: {detail}.",
        "Fuera de rango: {detail}.",
    ),
    "declaration.field.format": Text(
        "Wrong format: {detail}.",
        "Formato incorrecto: {detail}.",
    ),
    "declaration.field.invalid": Text(
        "Invalid value: {detail}.",
        "Valor no válido: {detail}.",
    ),
}


def render(code: str, ctx: dict[str, Any] | None = None) -> Text:
    """The bilingual message of ``code`` with ``ctx`` filled in (missing fields left as-is)."""
    text = CATALOG.get(code, CATALOG["declaration.field.invalid"])
    fields = _Defaulting(ctx or {})
    return Text(text.en.format_map(fields), text.es.format_map(fields))


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
