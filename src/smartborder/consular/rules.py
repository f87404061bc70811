"""Which credentials a consular office renews, and how: the claims a renewal needs disclosed,
the claims the new credential keeps selectively disclosable, and whether it gets a new number.

- ``PassportCredential``: a Mexican passport is renewed by the SRE (Secretaría de Relaciones
  Exteriores) with a new booklet, hence a new passport number (here shaped as one letter and
  eight digits, e.g. ``G12345678``).
- ``BorderCrossingCardCredential``: a U.S. consulate in Mexico issues a new DSP-150 card (a
  new card number) to the same person; the card is a B1/B2 visa.
- ``TrustedTravelerCredential``: a SENTRI, NEXUS or FAST membership is renewed for another
  term keeping its PASSID.

The new credential runs for as long as the old one did (its ``validUntil − validFrom``): a
ten-year passport is renewed for ten years.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass

PERSON = ("givenName", "familyName", "birthDate", "nationality")


def _passport_number() -> str:
    return secrets.choice(string.ascii_uppercase) + "".join(
        secrets.choice(string.digits) for _ in range(8)
    )


def _card_number() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(9))


@dataclass(frozen=True, slots=True)
class RenewalRule:
    """How one credential type is renewed."""

    credential_type: str
    subject_type: str
    #: claims the holder must disclose (pre-filling the new credential with them)
    required: tuple[str, ...]
    #: claims of the new credential its holder may withhold (SD-JWT disclosures)
    disclosable: tuple[str, ...]
    #: the claim carrying the document number, and how a new one is made (None: kept)
    number_claim: str | None = None
    new_number: Callable[[], str] | None = None


RULES: dict[str, RenewalRule] = {
    rule.credential_type: rule
    for rule in (
        RenewalRule(
            "PassportCredential",
            "Passport",
            required=(*PERSON, "documentNumber"),
            disclosable=(*PERSON, "documentNumber", "sex", "placeOfBirth"),
            number_claim="documentNumber",
            new_number=_passport_number,
        ),
        RenewalRule(
            "BorderCrossingCardCredential",
            "BorderCrossingCard",
            required=(*PERSON, "documentNumber"),
            disclosable=(*PERSON, "documentNumber"),
            number_claim="documentNumber",
            new_number=_card_number,
        ),
        RenewalRule(
            "TrustedTravelerCredential",
            "TrustedTraveler",
            required=("givenName", "familyName", "birthDate", "passId"),
            disclosable=(*PERSON, "passId", "enrolledVehicle"),
        ),
    )
}


def renewable_types() -> list[str]:
    return sorted(RULES)


__all__ = ["RULES", "RenewalRule", "renewable_types"]
