"""Credential types of the U.S.–Mexico corridor and the JSON Schemas their subjects must match.

Two sources, one registry (:class:`CredentialTypes`):

- the W3C CCG Traceability Vocabulary (``USMCACertificationOfOrigin``, ``CommercialInvoiceCredential``,
  ``BillOfLadingCredential``, ``MexicoEInvoiceCredential``, ``CTPATCertificate``,
  ``CBP3461EntryCredential``, ``PackingListCredential`` and the rest of its ``credentials/*.yml``),
  read at run time from a local copy of the vocabulary (``SMARTBORDER_TRACEABILITY_VOCAB_DIR``);
  its YAML schemas (OpenAPI 3.0, validated with draft 7 rules) refer to each other with relative ``$ref``\\ s, resolved inside that directory only;
- SmartBorder's own schemas, shipped in :mod:`smartborder.credentials.schemas`, for the types
  nobody had published: ``CartaPorteCredential``, ``PedimentoCredential``,
  ``TrustedTravelerCredential``, ``VaccinationCredential``, ``PassportCredential``,
  ``BorderCrossingCardCredential`` (and ``BitstringStatusListCredential``).

A credential's *subject* is validated against ``#/properties/credentialSubject`` of its type's
schema, when it is issued and when it is verified. A type with no schema here is refused on
issue unless the issuer has the open profile (``require_subject(..., open_types=True)``), and
only warned about on verification.
"""

from __future__ import annotations

import json
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

from smartborder.credentials.errors import CredentialTypeUnknown, SchemaViolation
from smartborder.errors import Problem
from smartborder.i18n import Text

OWN_TYPES = (
    "CartaPorteCredential",
    "PedimentoCredential",
    "TrustedTravelerCredential",
    "VaccinationCredential",
    "BitstringStatusListCredential",
    "OEACertificate",
    "InspectionReport",  # an agency's signed report of its part of an inspection
    "PassportCredential",  # a passport's data page (e.g. Mexico's SRE)
    "BorderCrossingCardCredential",  # a U.S. consulate's B1/B2 Border Crossing Card
)
CORRIDOR_VOCAB_TYPES = (
    "USMCACertificationOfOrigin",
    "CommercialInvoiceCredential",
    "BillOfLadingCredential",
    "MexicoEInvoiceCredential",
    "CTPATCertificate",
    "CBP3461EntryCredential",
    "PackingListCredential",
)
#: The JSON-LD context of SmartBorder's own types (shipped in the package, registered into the
#: offline context store by :func:`ensure_own_context`; never fetched).
SMARTBORDER_CONTEXT = "https://smartborder.dev/credentials/v1"
_SUBDIR = Path("docs/openapi/components/schemas")
MAX_PROBLEMS = 20


def _schemas_root(vocab_dir: Path) -> Path:
    """Accept the vocabulary's repository root or its ``components/schemas`` folder."""
    for candidate in (vocab_dir / _SUBDIR, vocab_dir):
        if (candidate / "credentials").is_dir():
            return candidate.resolve()
    raise CredentialTypeUnknown(
        Text(
            f"{vocab_dir} is not a Traceability Vocabulary directory (no credentials/ schemas).",
            f"{vocab_dir} no es un directorio del Vocabulario de Trazabilidad (sin esquemas credentials/).",
        )
    )


class CredentialTypes:
    """The known credential types and their compiled subject validators (built lazily)."""

    def __init__(self, *, vocab_dir: Path | None = None) -> None:
        self._root = _schemas_root(Path(vocab_dir)) if vocab_dir is not None else None
        self._validators: dict[str, Validator] = {}
        self._whole: dict[str, Validator] = {}
        self._fast: dict[str, Any] = {}
        self._files: dict[str, Any] = {}

    # --- discovery ------------------------------------------------------------------------

    @cached_property
    def _own(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        pkg = resources.files("smartborder.credentials.schemas")
        for name in OWN_TYPES:
            out[name] = json.loads((pkg / f"{name}.json").read_text(encoding="utf-8"))
        return out

    @cached_property
    def _vocab_files(self) -> dict[str, Path]:
        if self._root is None:
            return {}
        return {p.stem: p for p in sorted((self._root / "credentials").glob("*.yml"))}

    def names(self) -> list[str]:
        """Every known type name, own and vocabulary."""
        return sorted({*self._own, *self._vocab_files})

    def is_vocabulary(self, name: str) -> bool:
        return name in self._vocab_files and name not in self._own

    def type_of(self, credential: dict[str, Any]) -> str | None:
        """The most specific known type in ``credential['type']`` (the last one listed)."""
        types = credential.get("type")
        listed = types if isinstance(types, list) else [types]
        known = [
            t for t in listed if isinstance(t, str) and (t in self._own or t in self._vocab_files)
        ]
        return known[-1] if known else None

    @staticmethod
    def listed_type(credential: dict[str, Any]) -> str | None:
        """The most specific type ``credential`` lists, known or not: the last one other
        than ``VerifiableCredential`` (that one when it is all there is), else None."""
        types = credential.get("type")
        listed = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        specific = [t for t in listed if t != "VerifiableCredential"]
        if specific:
            return specific[-1]
        return "VerifiableCredential" if listed else None

    # --- loading --------------------------------------------------------------------------

    def _load_vocab_file(self, uri: str) -> Any:
        """A vocabulary schema file by ``file://`` URI: only inside the directory, never the
        network; parsed once."""
        hit = self._files.get(uri)
        if hit is not None:
            return hit
        if self._root is None or not uri.startswith("file://"):
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        path = Path(uri.removeprefix("file://").split("#", 1)[0]).resolve()
        if self._root not in path.parents or path.suffix not in (".yml", ".yaml", ".json"):
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        contents = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._files[uri] = contents
        return contents

    def _retrieve(self, uri: str) -> Resource[Any]:
        return Resource.from_contents(self._load_vocab_file(uri), default_specification=DRAFT7)

    def _fast_validator(self, name: str) -> Any:
        """A compiled (Rust) validator of the subject schema, for the common valid case; the
        problems of an invalid subject are then listed by :mod:`jsonschema`."""
        hit = self._fast.get(name)
        if hit is not None:
            return hit
        if name in self._own:
            schema = self._own[name]
            target = {**schema["properties"]["credentialSubject"], "$defs": schema.get("$defs", {})}
            fast: Any = jsonschema_rs.Draft202012Validator(target, validate_formats=False)
        else:
            uri = self._uri(name)
            # Draft 7: a "$ref" overrides its siblings, so the document keeps its definitions
            # (addressable by pointer) while the validator checks only the subject.
            wrapper = {**self.schema(name), "$ref": "#/properties/credentialSubject"}
            fast = jsonschema_rs.Draft7Validator(
                wrapper, retriever=self._load_vocab_file, base_uri=uri, validate_formats=False
            )
        self._fast[name] = fast
        return fast

    @cached_property
    def _registry(self) -> Registry[Any]:
        return Registry(retrieve=self._retrieve)  # type: ignore[call-arg]

    def schema(self, name: str) -> dict[str, Any]:
        """The whole JSON Schema of type ``name`` (vocabulary schemas as parsed from YAML)."""
        if name in self._own:
            return self._own[name]
        path = self._vocab_files.get(name)
        if path is None:
            raise self._unknown(name)
        loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return loaded

    def _uri(self, name: str) -> str:
        return self._vocab_files[name].as_uri()

    def _validator(self, name: str, *, whole: bool) -> Validator:
        cache = self._whole if whole else self._validators
        hit = cache.get(name)
        if hit is not None:
            return hit
        if name in self._own:
            schema = self._own[name]
            target = (
                schema
                if whole
                else {**schema["properties"]["credentialSubject"], "$defs": schema.get("$defs", {})}
            )
            validator: Validator = Draft202012Validator(target)
        elif name in self._vocab_files:
            pointer = "" if whole else "#/properties/credentialSubject"
            ref = self._uri(name) + (pointer or "#")
            # The vocabulary's schemas are OpenAPI 3.0 (JSON Schema draft 5 era): draft 7 rules.
            validator = Draft7Validator({"$ref": ref}, registry=self._registry)
        else:
            raise self._unknown(name)
        cache[name] = validator
        return validator

    def _unknown(self, name: str | None) -> CredentialTypeUnknown:
        hint = (
            " Traceability Vocabulary types need SMARTBORDER_TRACEABILITY_VOCAB_DIR."
            if self._root is None
            else ""
        )
        hint_es = (
            " Los tipos del Vocabulario de Trazabilidad requieren SMARTBORDER_TRACEABILITY_VOCAB_DIR."
            if hint
            else ""
        )
        own = ", ".join(OWN_TYPES[:4])
        return CredentialTypeUnknown(
            Text(
                f"No schema for credential type {name!r}; known types include {own}.{hint}",
                f"No hay esquema para el tipo de credencial {name!r}; los tipos conocidos incluyen {own}.{hint_es}",
            ),
            extra={"type": name},
        )

    # --- validation -----------------------------------------------------------------------

    def subject_problems(self, name: str, subject: Any) -> list[Problem]:
        """Each way ``subject`` (an object or a list of them) breaks the schema of ``name``."""
        fast = self._fast_validator(name)
        subjects = subject if isinstance(subject, list) else [subject]
        out: list[Problem] = []
        for i, one in enumerate(subjects):
            if fast.is_valid(one):
                continue
            base = f"/credentialSubject/{i}" if isinstance(subject, list) else "/credentialSubject"
            validator = self._validator(name, whole=False)
            found = sorted(validator.iter_errors(one), key=lambda e: list(e.absolute_path))
            if not found:  # the two validators disagree: report the compiled one's reasons
                for err in fast.iter_errors(one):
                    where = base + "".join(f"/{p}" for p in err.instance_path)
                    out.append(
                        Problem(where, "credentials.schema.invalid", Text(err.message, err.message))
                    )
            out += [_problem(base, err) for err in found]
            if len(out) >= MAX_PROBLEMS:
                return out[:MAX_PROBLEMS]
        return out

    def credential_problems(self, name: str, credential: Any) -> list[Problem]:
        """Each way a whole credential breaks its type's schema (used for the vocabulary examples)."""
        validator = self._validator(name, whole=True)
        return [_problem("", e) for e in validator.iter_errors(credential)][:MAX_PROBLEMS]

    def require_subject(
        self, credential: dict[str, Any], *, open_types: bool = False
    ) -> str | None:
        """Validate the subject against the credential's type; return the type name.

        Raises :class:`CredentialTypeUnknown` when no type in ``credential['type']`` has a schema
        (with ``open_types``: returns None instead, nothing to check) and
        :class:`SchemaViolation` (with every problem) when the subject does not match.
        """
        name = self.type_of(credential)
        if name is None:
            if open_types:
                return None
            types = credential.get("type")
            listed = types if isinstance(types, list) else [types]
            raise self._unknown(next((t for t in listed if t != "VerifiableCredential"), None))
        problems = self.subject_problems(name, credential.get("credentialSubject"))
        if problems:
            first = problems[0]
            raise SchemaViolation(
                Text(
                    f"The subject does not match the {name} schema: {first.message.en} "
                    f"(at {first.pointer}).",
                    f"El sujeto no coincide con el esquema {name}: {first.message.es} "
                    f"(en {first.pointer}).",
                ),
                problems=problems,
                extra={"type": name},
            )
        return name

    def example(self, name: str) -> dict[str, Any]:
        """The example credential a vocabulary schema carries (its ``example`` is JSON text)."""
        raw = self.schema(name).get("example")
        loaded = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(loaded, dict):
            raise self._unknown(name)
        return loaded


def own_context() -> dict[str, Any]:
    """The context document served for :data:`SMARTBORDER_CONTEXT`."""
    pkg = resources.files("smartborder.credentials.schemas")
    loaded: dict[str, Any] = json.loads(
        (pkg / "smartborder-context-v1.json").read_text(encoding="utf-8")
    )
    return loaded


def ensure_own_context(store: Any) -> Any:
    """Register SmartBorder's context into a :class:`ContextStore` (once) and return the store."""
    if SMARTBORDER_CONTEXT not in store:
        store.register(SMARTBORDER_CONTEXT, own_context())
    return store


def _problem(base: str, err: ValidationError) -> Problem:
    where = base + "".join(f"/{p}" for p in err.absolute_path)
    message = err.message if len(err.message) <= 300 else err.message[:297] + "..."
    return Problem(
        where,
        f"credentials.schema.{err.validator}",
        Text(
            f"{message} (schema rule {err.validator!s}).",
            f"{message} (regla de esquema {err.validator!s}).",
        ),
    )


__all__ = [
    "CORRIDOR_VOCAB_TYPES",
    "OWN_TYPES",
    "SMARTBORDER_CONTEXT",
    "CredentialTypes",
    "ensure_own_context",
    "own_context",
]
