"""Errors of the credentials domain (see :mod:`smartborder.errors` for the kinds).

Every class here also derives from :class:`CredentialsError`, so a caller can catch the whole
domain at once, and from one kind of the root tree, which decides the HTTP status::

    CredentialsError (mixin)
    ├── InvalidInput
    │   ├── KeyInvalid                 credentials.key.invalid
    │   ├── KeyUnsupported             credentials.key.unsupported
    │   ├── MultibaseInvalid           credentials.multibase.invalid
    │   ├── DidInvalid                 credentials.did.invalid
    │   ├── DidMethodUnsupported       credentials.did.method_unsupported
    │   ├── VerificationMethodInvalid  credentials.did.verification_method_invalid
    │   ├── JsonLdInvalid              credentials.jsonld.invalid
    │   ├── ContextUnknown             credentials.context.unknown
    │   ├── RdfcSyntax                 credentials.rdfc.syntax
    │   ├── RdfcPoisoned               credentials.rdfc.poisoned
    │   ├── CryptosuiteUnsupported     credentials.proof.unsupported_suite
    │   ├── ProofMalformed             credentials.proof.malformed
    │   ├── ProofMissing               credentials.proof.missing
    │   ├── ProofInvalid               credentials.proof.invalid
    │   ├── ProofPurposeMismatch       credentials.proof.purpose_not_authorized
    │   ├── ProofExpired               credentials.proof.expired
    │   ├── ProofNotYetValid           credentials.proof.not_yet_valid
    │   ├── CredentialNonConforming    credentials.nonconforming
    │   ├── RequestNonConforming       credentials.request.invalid
    │   ├── SchemaViolation            credentials.schema_violation
    │   ├── CredentialTypeUnknown      credentials.type.unknown
    │   ├── JoseInvalid                credentials.jose.invalid
    │   ├── SdJwtInvalid               credentials.sdjwt.invalid
    │   ├── StatusListInvalid          credentials.status.invalid
    │   └── ValidationFailed
    │       └── IssuerUnknown          credentials.issuer.unknown
    ├── NotFound
    │   ├── DidNotFound                credentials.did.not_found
    │   ├── VerificationMethodNotFound credentials.did.verification_method_not_found
    │   └── CredentialNotFound         credentials.not_found
    ├── Forbidden
    │   └── DidWebRefused              credentials.did.web_refused
    ├── Conflict
    │   └── PresentationExists         credentials.presentation.exists
    ├── TooLarge
    │   └── DocumentTooLarge           credentials.document.too_large
    └── Unavailable
        ├── DidUnreachable             credentials.did.unreachable
        ├── ContextTampered            credentials.context.tampered
        └── StatusListUnavailable      credentials.status.unavailable

Some raises refine the class's code for a more specific case (the kind stays the same):
``credentials.jsonld.undefined_term`` (JsonLdInvalid: a property no context defines),
``credentials.proof.purpose_mismatch`` (ProofMalformed: not the expected proof purpose),
``credentials.proof.challenge_mismatch`` and ``credentials.proof.domain_mismatch``
(ProofInvalid), ``credentials.proof.previous_missing`` (ProofMalformed: a chained proof
names a proof that is not there).

Raise with a specific message built from the class's template where one helps, e.g.
``ContextUnknown.for_url(url)``.
"""

from __future__ import annotations

from smartborder.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SmartBorderError,
    TooLarge,
    Unavailable,
    ValidationFailed,
)
from smartborder.i18n import Text


class CredentialsError(SmartBorderError):
    """Root of the credentials domain's errors (always combined with one kind)."""

    code = "credentials.error"


# --- keys and encodings -------------------------------------------------------------------


class KeyInvalid(CredentialsError, InvalidInput):
    code = "credentials.key.invalid"
    default_message = Text(
        "The key is malformed: check its encoding (multibase/JWK) and curve.",
        "La clave está mal formada: verifique su codificación (multibase/JWK) y su curva.",
    )


class KeyUnsupported(CredentialsError, InvalidInput):
    code = "credentials.key.unsupported"
    default_message = Text(
        "This key type is not supported; use Ed25519, P-256 or P-384.",
        "Este tipo de clave no está soportado; use Ed25519, P-256 o P-384.",
    )


class MultibaseInvalid(CredentialsError, InvalidInput):
    code = "credentials.multibase.invalid"
    default_message = Text(
        "The value is not valid multibase base58btc (it must start with 'z').",
        "El valor no es multibase base58btc válido (debe comenzar con 'z').",
    )


# --- DIDs ---------------------------------------------------------------------------------


class DidInvalid(CredentialsError, InvalidInput):
    code = "credentials.did.invalid"
    default_message = Text(
        "The DID is malformed; expected did:key, did:jwk or did:web.",
        "El DID está mal formado; se esperaba did:key, did:jwk o did:web.",
    )


class DidMethodUnsupported(CredentialsError, InvalidInput):
    code = "credentials.did.method_unsupported"
    default_message = Text(
        "This DID method is not supported; use did:key, did:jwk or did:web.",
        "Este método DID no está soportado; use did:key, did:jwk o did:web.",
    )


class VerificationMethodInvalid(CredentialsError, InvalidInput):
    code = "credentials.did.verification_method_invalid"
    default_message = Text(
        "The verification method has no usable public key (publicKeyMultibase or publicKeyJwk).",
        "El método de verificación no tiene una clave pública utilizable (publicKeyMultibase o publicKeyJwk).",
    )


class DidNotFound(CredentialsError, NotFound):
    code = "credentials.did.not_found"
    default_message = Text(
        "The DID could not be resolved: its DID document was not found.",
        "No se pudo resolver el DID: no se encontró su documento DID.",
    )


class VerificationMethodNotFound(CredentialsError, NotFound):
    code = "credentials.did.verification_method_not_found"
    default_message = Text(
        "The DID document has no verification method with this id.",
        "El documento DID no tiene un método de verificación con este id.",
    )


class DidWebRefused(CredentialsError, Forbidden):
    """This node's policy (``SMARTBORDER_VERIFY_DID_WEB``) forbids fetching the did:web: the
    verifier declines to check the credential, which says nothing of the credential itself."""

    code = "credentials.did.web_refused"
    default_message = Text(
        "This node does not fetch this did:web document (SMARTBORDER_VERIFY_DID_WEB).",
        "Este nodo no obtiene este documento did:web (SMARTBORDER_VERIFY_DID_WEB).",
    )

    @classmethod
    def by_policy(cls, did: str, *, mode: str) -> DidWebRefused:
        if mode == "peers":
            message = Text(
                f"{did} is not the DID of a peer node, and with SMARTBORDER_VERIFY_DID_WEB=peers "
                "this node fetches only the did:web documents of the nodes in SMARTBORDER_PEERS; "
                "name the issuer's node there, or set SMARTBORDER_VERIFY_DID_WEB=any.",
                f"{did} no es el DID de un nodo par, y con SMARTBORDER_VERIFY_DID_WEB=peers este "
                "nodo solo obtiene los documentos did:web de los nodos de SMARTBORDER_PEERS; "
                "agregue allí el nodo del emisor, o use SMARTBORDER_VERIFY_DID_WEB=any.",
            )
        else:
            message = Text(
                f"With SMARTBORDER_VERIFY_DID_WEB={mode} this node fetches no did:web document, "
                f"so {did} cannot be resolved; only this node's own DIDs, did:key and did:jwk "
                "are verified here.",
                f"Con SMARTBORDER_VERIFY_DID_WEB={mode} este nodo no obtiene ningún documento "
                f"did:web, así que {did} no se puede resolver; aquí solo se verifican los DID de "
                "este nodo, did:key y did:jwk.",
            )
        return cls(message, extra={"did": did, "setting": "SMARTBORDER_VERIFY_DID_WEB"})


class DidUnreachable(CredentialsError, Unavailable):
    code = "credentials.did.unreachable"
    default_message = Text(
        "The did:web host could not be reached; retry later.",
        "No se pudo contactar al servidor del did:web; reintente más tarde.",
    )


# --- JSON-LD and canonicalization ---------------------------------------------------------


class JsonLdInvalid(CredentialsError, InvalidInput):
    code = "credentials.jsonld.invalid"
    default_message = Text(
        "The document is not valid JSON-LD.", "El documento no es JSON-LD válido."
    )


class ContextUnknown(CredentialsError, InvalidInput):
    code = "credentials.context.unknown"
    default_message = Text(
        "The document uses a JSON-LD context that is not in the local context cache.",
        "El documento usa un contexto JSON-LD que no está en la caché local de contextos.",
    )

    @classmethod
    def for_url(cls, url: str) -> ContextUnknown:
        return cls(
            Text(
                f"Unknown JSON-LD context {url!r}: it is not in the local context cache and "
                "contexts are never fetched from the network. Use a known context or add the "
                "file to SMARTBORDER_CONTEXTS_DIR.",
                f"Contexto JSON-LD desconocido {url!r}: no está en la caché local y los contextos "
                "nunca se descargan de la red. Use un contexto conocido o agregue el archivo a "
                "SMARTBORDER_CONTEXTS_DIR.",
            ),
            extra={"context": url},
        )


class ContextTampered(CredentialsError, Unavailable):
    code = "credentials.context.tampered"
    default_message = Text(
        "A local JSON-LD context file does not match its published SHA-256 hash.",
        "Un archivo local de contexto JSON-LD no coincide con su hash SHA-256 publicado.",
    )


class RdfcSyntax(CredentialsError, InvalidInput):
    code = "credentials.rdfc.syntax"
    default_message = Text(
        "The N-Quads input is malformed.", "La entrada N-Quads está mal formada."
    )


class RdfcPoisoned(CredentialsError, InvalidInput):
    code = "credentials.rdfc.poisoned"
    default_message = Text(
        "Canonicalization stopped: the dataset's blank nodes need more work than allowed "
        "(a poisoned graph). Such a document cannot be verified.",
        "La canonicalización se detuvo: los nodos en blanco del conjunto de datos requieren "
        "más trabajo del permitido (un grafo envenenado). Ese documento no puede verificarse.",
    )


class DocumentTooLarge(CredentialsError, TooLarge):
    code = "credentials.document.too_large"
    default_message = Text(
        "The document is too large or too deeply nested to be processed.",
        "El documento es demasiado grande o está anidado con demasiada profundidad.",
    )


# --- proofs -------------------------------------------------------------------------------


class CryptosuiteUnsupported(CredentialsError, InvalidInput):
    code = "credentials.proof.unsupported_suite"
    default_message = Text(
        "Unsupported cryptosuite; use eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 or ecdsa-jcs-2019.",
        "Cryptosuite no soportada; use eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 o ecdsa-jcs-2019.",
    )


class ProofMalformed(CredentialsError, InvalidInput):
    code = "credentials.proof.malformed"
    default_message = Text(
        "The proof is malformed: a required property is missing or has the wrong form.",
        "La prueba está mal formada: falta una propiedad requerida o tiene una forma incorrecta.",
    )


class ProofMissing(CredentialsError, InvalidInput):
    code = "credentials.proof.missing"
    default_message = Text(
        "The document has no Data Integrity proof.",
        "El documento no tiene una prueba de Integridad de Datos.",
    )


class ProofInvalid(CredentialsError, InvalidInput):
    code = "credentials.proof.invalid"
    default_message = Text(
        "The signature does not verify: the document was changed after signing or was signed "
        "with another key.",
        "La firma no es válida: el documento se modificó después de firmarse o se firmó con "
        "otra clave.",
    )


class ProofPurposeMismatch(CredentialsError, InvalidInput):
    code = "credentials.proof.purpose_not_authorized"
    default_message = Text(
        "The verification method is not authorized for this proof purpose in its DID document.",
        "El método de verificación no está autorizado para este propósito en su documento DID.",
    )


class ProofExpired(CredentialsError, InvalidInput):
    code = "credentials.proof.expired"
    default_message = Text("The proof has expired.", "La prueba ha expirado.")


class ProofNotYetValid(CredentialsError, InvalidInput):
    code = "credentials.proof.not_yet_valid"
    default_message = Text(
        "The proof was created in the future; check the clocks.",
        "La prueba fue creada en el futuro; verifique los relojes.",
    )


# --- VC data model, schemas, JOSE, SD-JWT, status, the VC-API ----------------------------


class CredentialNonConforming(CredentialsError, InvalidInput):
    """The document breaks the VC Data Model 2.0; ``problems`` lists each rule broken."""

    code = "credentials.nonconforming"
    default_message = Text(
        "The credential does not conform to the W3C VC Data Model 2.0; each problem is listed "
        "with where it is and how to fix it.",
        "La credencial no cumple el Modelo de Datos VC 2.0 del W3C; cada problema se indica con "
        "su ubicación y cómo corregirlo.",
    )


class RequestNonConforming(CredentialsError, InvalidInput):
    """A VC-API request body breaks the request schema of the Traceability Interop profile;
    ``problems`` lists each member at fault."""

    code = "credentials.request.invalid"
    default_message = Text(
        "The request body does not conform to the VC-API request schema; each problem is "
        "listed with where it is.",
        "El cuerpo de la solicitud no cumple el esquema de la VC-API; cada problema se indica "
        "con su ubicación.",
    )


class IssuerUnknown(CredentialsError, ValidationFailed):
    """The credential names an issuer this caller cannot sign for (the profile's 422)."""

    code = "credentials.issuer.unknown"
    default_message = Text(
        "This node holds no key of that issuer for your organization: issue as your "
        "organization's did:web.",
        "Este nodo no tiene clave de ese emisor para su organización: emita con el did:web de "
        "su organización.",
    )


class SchemaViolation(CredentialsError, InvalidInput):
    """The credential subject does not match the JSON Schema of its credential type."""

    code = "credentials.schema_violation"
    default_message = Text(
        "The credential subject does not match the JSON Schema of its type.",
        "El sujeto de la credencial no coincide con el JSON Schema de su tipo.",
    )


class CredentialTypeUnknown(CredentialsError, InvalidInput):
    code = "credentials.type.unknown"
    default_message = Text(
        "The credential type has no known schema; use one of the types in GET /credentials/types.",
        "El tipo de credencial no tiene un esquema conocido; use uno de los tipos en GET /credentials/types.",
    )


class JoseInvalid(CredentialsError, InvalidInput):
    code = "credentials.jose.invalid"
    default_message = Text(
        "The JWT is malformed, uses a refused algorithm or header, or its signature does not verify.",
        "El JWT está mal formado, usa un algoritmo o encabezado rechazado, o su firma no es válida.",
    )


class SdJwtInvalid(CredentialsError, InvalidInput):
    code = "credentials.sdjwt.invalid"
    default_message = Text(
        "The SD-JWT is malformed, a disclosure does not match, or a signature does not verify.",
        "El SD-JWT está mal formado, una divulgación no coincide o una firma no es válida.",
    )


class StatusListInvalid(CredentialsError, InvalidInput):
    code = "credentials.status.invalid"
    default_message = Text(
        "The status entry or status list credential is malformed or does not verify.",
        "La entrada de estado o la credencial de lista de estado está mal formada o no es válida.",
    )


class StatusListUnavailable(CredentialsError, Unavailable):
    code = "credentials.status.unavailable"
    default_message = Text(
        "The status list credential could not be fetched; retry later.",
        "No se pudo obtener la credencial de lista de estado; reintente más tarde.",
    )


class CredentialNotFound(CredentialsError, NotFound):
    code = "credentials.not_found"
    default_message = Text(
        "No credential with this id was issued by your organization.",
        "Su organización no emitió ninguna credencial con este id.",
    )


class PresentationExists(CredentialsError, Conflict):
    code = "credentials.presentation.exists"
    default_message = Text(
        "A presentation with this id was already submitted; give each presentation a new id.",
        "Ya se envió una presentación con este id; asigne un id nuevo a cada presentación.",
    )


__all__ = [
    "CredentialNonConforming",
    "IssuerUnknown",
    "RequestNonConforming",
    "SchemaViolation",
    "CredentialTypeUnknown",
    "JoseInvalid",
    "SdJwtInvalid",
    "StatusListInvalid",
    "StatusListUnavailable",
    "CredentialNotFound",
    "PresentationExists",
    "ContextTampered",
    "ContextUnknown",
    "CredentialsError",
    "CryptosuiteUnsupported",
    "DidInvalid",
    "DidMethodUnsupported",
    "DidNotFound",
    "DidUnreachable",
    "DidWebRefused",
    "DocumentTooLarge",
    "JsonLdInvalid",
    "KeyInvalid",
    "KeyUnsupported",
    "MultibaseInvalid",
    "ProofExpired",
    "ProofInvalid",
    "ProofMalformed",
    "ProofMissing",
    "ProofNotYetValid",
    "ProofPurposeMismatch",
    "RdfcPoisoned",
    "RdfcSyntax",
    "VerificationMethodInvalid",
    "VerificationMethodNotFound",
]
