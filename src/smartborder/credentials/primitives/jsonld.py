"""JSON-LD to RDF, offline and in "safe mode", plus limits on document size and depth.

Uses pyld for JSON-LD 1.1 expansion and RDF conversion, with the :class:`ContextStore`'s
loader (never the network) and a context cache private to that store. Safe mode: a property
that the contexts do not define would be silently dropped by JSON-LD, leaving it unsigned;
here it is an error instead (:class:`JsonLdInvalid`), as Data Integrity requires.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from smartborder.credentials.errors import CredentialsError, DocumentTooLarge, JsonLdInvalid
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.ldtemplates import templates_for
from smartborder.credentials.primitives.rdfc import Quad, iri, literal
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

#: Refuse documents deeper than this (JSON nesting) before any JSON-LD work.
MAX_DEPTH = 32
#: Refuse documents with more JSON values than this before any JSON-LD work.
MAX_NODES = 20_000

_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def check_limits(document: Any, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Raise :class:`DocumentTooLarge` if ``document`` is nested deeper than ``max_depth`` or
    holds more than ``max_nodes`` JSON values. Iterative: never recurses on hostile input."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise DocumentTooLarge(
                Text(
                    f"The document holds more than {max_nodes} JSON values.",
                    f"El documento contiene más de {max_nodes} valores JSON.",
                ),
                extra={"max_nodes": max_nodes},
            )
        if depth > max_depth:
            raise DocumentTooLarge(
                Text(
                    f"The document is nested deeper than {max_depth} levels.",
                    f"El documento está anidado a más de {max_depth} niveles.",
                ),
                extra={"max_depth": max_depth},
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _resolver_for(store: ContextStore) -> Any:
    # The resolved-context cache lives on the store, so two stores never share a URL's
    # resolution; "static" lets pyld reuse a resolved context across calls.
    loader = store.loader()

    def tagged(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        doc = loader(url, options or {})
        doc["tag"] = "static"
        return doc

    return ContextResolver(store.resolved_cache, tagged)


def _unwrap(exc: BaseException) -> SmartBorderError | None:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 20:
        if isinstance(cur, SmartBorderError):
            return cur
        cur = cur.__cause__ or cur.__context__ or getattr(cur, "cause", None)
        seen += 1
    return None


def _term(node: dict[str, Any]) -> str:
    kind = node["type"]
    if kind == "IRI":
        return iri(node["value"])
    if kind == "blank node":
        return str(node["value"])
    language = node.get("language")
    datatype = node.get("datatype")
    if language:
        return literal(node["value"], language=language)
    return literal(node["value"], datatype=datatype if datatype != _RDF_LANGSTRING else None)


def to_quads(
    document: dict[str, Any], *, contexts: ContextStore, safe: bool = True, compiled: bool = True
) -> list[Quad]:
    """The RDF dataset of a JSON-LD document, as canonical-form quads (see :mod:`.rdfc`).

    With ``compiled`` (and ``safe``), documents of a shape seen before take their quads from
    a template checked against pyld (:mod:`.ldtemplates`); otherwise pyld processes them.
    Raises :class:`ContextUnknown` for a context not in ``contexts``, :class:`JsonLdInvalid`
    for invalid JSON-LD or (with ``safe``) a property no context defines, and
    :class:`DocumentTooLarge` before any work for oversize input."""
    if not isinstance(document, dict):
        raise JsonLdInvalid(
            Text("The document must be a JSON object.", "El documento debe ser un objeto JSON.")
        )
    if compiled and safe:
        return templates_for(contexts).quads(
            document,
            run=lambda doc: _pyld_quads(doc, contexts=contexts, safe=True),
            max_depth=MAX_DEPTH,
            max_nodes=MAX_NODES,
        )
    return _pyld_quads(document, contexts=contexts, safe=safe)


def _pyld_quads(document: dict[str, Any], *, contexts: ContextStore, safe: bool) -> list[Quad]:
    check_limits(document)
    dropped: list[str] = []

    def on_dropped(prop: Any) -> None:
        dropped.append(str(prop))

    processor = pyld_jsonld.JsonLdProcessor(on_property_dropped=on_dropped)
    options = {
        "documentLoader": contexts.loader(),
        "contextResolver": _resolver_for(contexts),
        "base": "",
    }
    try:
        dataset = processor.to_rdf(document, options)
    except pyld_jsonld.JsonLdError as exc:
        inner = _unwrap(exc)
        if inner is not None:
            raise inner from exc
        raise JsonLdInvalid(
            Text(
                f"The document is not valid JSON-LD: {exc.args[0] if exc.args else exc}",
                f"El documento no es JSON-LD válido: {exc.args[0] if exc.args else exc}",
            )
        ) from exc
    except CredentialsError:
        raise
    if safe and dropped:
        names = ", ".join(sorted(set(dropped))[:10])
        raise JsonLdInvalid(
            Text(
                f"Properties not defined by any context would be dropped and left unsigned: "
                f"{names}. Define them in a context (or use the undefined-terms context).",
                f"Propiedades no definidas por ningún contexto se descartarían y quedarían sin "
                f"firmar: {names}. Defínalas en un contexto (o use el contexto undefined-terms).",
            ),
            code="credentials.jsonld.undefined_term",
            extra={"terms": sorted(set(dropped))},
        )
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        g = (
            ""
            if graph_name == "@default"
            else (graph_name if graph_name.startswith("_:") else iri(graph_name))
        )
        for t in triples:
            quads.append((_term(t["subject"]), _term(t["predicate"]), _term(t["object"]), g))
    return quads


__all__ = ["MAX_DEPTH", "MAX_NODES", "check_limits", "to_quads"]
