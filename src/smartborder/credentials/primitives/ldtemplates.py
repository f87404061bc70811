"""Compiled JSON-LD -> RDF for documents of a shape seen before ("templates").

Full JSON-LD processing (context resolution, scoped contexts, expansion) costs milliseconds
per credential in pyld, yet credentials of one kind share their shape: the same contexts,
keys, types and nesting, with only the values changing. A template records, for one shape,
the quads pyld produced with a unique placeholder in place of each value, and later
documents of that shape get their quads by putting their values where the placeholders
were. It is built only when safe:

- The shape (the cache key) holds every key, every ``@context`` and ``@type``-alias value,
  array lengths, and every value that is not a plain string or integer. Keyword keys other
  than ``@context``/``@id``/``@type``, nested contexts, blank node ids, and IRIs whose prefix
  is a term of the contexts (compact IRIs) make a document ineligible or its value exact.
- A value whose placeholder does not come out as a whole RDF term (it was expanded against
  a vocabulary, resolved, or dropped) is pinned: the template applies only to that value.
- A new template must reproduce pyld's own quads for the document it was built from, or
  it is not kept. Tests compare the two paths on every Traceability and W3C example.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from smartborder.credentials.errors import DocumentTooLarge
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.rdfc import Quad, escape_literal
from smartborder.i18n import Text

_NONCE = secrets.token_hex(6)
_IRI_PH = f"urn:sbph{_NONCE}:"
_LIT_PH = f"sbph{_NONCE}x"
_INT_BASE = 8_100_000_000_000_000  # placeholder integers: below 2**53, unlikely in data
_PH_INDEX = re.compile(rf"(?:urn:sbph{_NONCE}:|sbph{_NONCE}x)([0-9]+)")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# RFC 3987 scheme: a value whose part before ':' is not one (e.g. "2025-01-01T00:00:00Z") is a
# relative IRI to JSON-LD, resolved or dropped by position, so it is kept exact, not templated.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_MAX_TEMPLATES_PER_SHAPE = 8
_MAX_SHAPES = 512

# Shape markers (see TemplateCache._shape): ints, so no key string can be mistaken for one.
_OPEN, _CLOSE, _OPEN_LIST, _CLOSE_LIST = 0, 1, 2, 3
_LITERAL, _IRI, _NUMBER, _EXACT, _TYPE = 4, 5, 6, 7, 8
_LEAF_KINDS = {_LITERAL: "L", _IRI: "I", _NUMBER: "N"}

_Ref = tuple[str, int, str]  # (kind "I"/"L"/"N", leaf index, literal suffix)
_Term = str | _Ref


@dataclass(frozen=True)
class _Vocab:
    terms: frozenset[str]
    type_keys: frozenset[str]
    other_keyword_keys: frozenset[str]


@dataclass(frozen=True)
class _Template:
    quads: tuple[tuple[str | int, str | int, str | int, str | int], ...]  # int: index in refs
    refs: tuple[_Ref, ...]
    pinned: tuple[tuple[int, Any], ...]


class _Ineligible(Exception):
    pass


def _collect(
    context: Any,
    terms: set[str],
    types: set[str],
    keywords: set[str],
    store: ContextStore,
) -> None:
    """Every term (and alias of @type or another keyword) defined anywhere in ``context``,
    following context URLs (from the store) and scoped contexts."""
    seen: set[str] = set()
    stack: list[tuple[Any, bool]] = [(context, True)]
    while stack:
        cur, is_context = stack.pop()
        if isinstance(cur, str):
            if is_context and cur not in seen:
                seen.add(cur)
                stack.append((store.get(cur).get("@context"), True))
        elif isinstance(cur, list):
            stack.extend((item, is_context) for item in cur)
        elif isinstance(cur, dict):
            for key, value in cur.items():
                if key == "@context":
                    stack.append((value, True))
                    continue
                if not key.startswith("@"):
                    terms.add(key)
                    target = value.get("@id") if isinstance(value, dict) else value
                    if target == "@type":
                        types.add(key)
                    elif isinstance(target, str) and target.startswith("@") and target != "@id":
                        keywords.add(key)
                if isinstance(value, dict):
                    stack.append((value, False))


class TemplateCache:
    """Templates for one :class:`ContextStore` (its contexts decide every template)."""

    def __init__(self, store: ContextStore) -> None:
        self.store = store
        store.on_change(self.clear)  # a context registered later may change any template
        self._vocab: dict[str, _Vocab] = {}
        self._shapes: dict[tuple[str | int, ...], list[_Template]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._vocab.clear()
            self._shapes.clear()

    def _vocab_for(self, context: Any) -> _Vocab:
        key = orjson.dumps(context, option=orjson.OPT_SORT_KEYS).decode()
        vocab = self._vocab.get(key)
        if vocab is None:
            terms: set[str] = set()
            types: set[str] = set()
            keywords: set[str] = set()
            _collect(context, terms, types, keywords, self.store)
            vocab = _Vocab(frozenset(terms), frozenset(types | {"@type"}), frozenset(keywords))
            self._vocab[key] = vocab
        return vocab

    def _shape(
        self, document: dict[str, Any], vocab: _Vocab, max_depth: int, max_nodes: int
    ) -> tuple[tuple[str | int, ...], list[Any]]:
        """The document's shape and its leaf values (in shape order).

        The shape is an injective token tuple: small integers mark structure and leaf kinds
        (:data:`_OPEN` ... :data:`_TYPE`), a string after :data:`_EXACT` or :data:`_TYPE` is a
        value's JSON, and any other string is a key (the document's own key object, whose
        hash Python has already computed). Leaf kinds are read back from the markers."""
        tokens: list[str | int] = []
        values: list[Any] = []
        add = tokens.append
        add_value = values.append
        terms = vocab.terms
        type_keys = vocab.type_keys
        other_keywords = vocab.other_keyword_keys
        unsafe = _IRI_UNSAFE.search
        scheme = _SCHEME.fullmatch
        dumps = orjson.dumps
        sort_keys = orjson.OPT_SORT_KEYS
        str_, dict_, list_, int_ = str, dict, list, int

        def too_large() -> DocumentTooLarge:
            return DocumentTooLarge(
                Text(
                    f"The document is deeper than {max_depth} levels or holds more than {max_nodes} values.",
                    f"El documento tiene más de {max_depth} niveles o más de {max_nodes} valores.",
                )
            )

        def string(value: str) -> None:
            colon = value.find(":")
            if colon < 0:
                if value[:1] == "@":
                    add(_EXACT)
                    add(dumps(value).decode())
                else:
                    add(_LITERAL)
                    add_value(value)
            elif (
                value[:colon] in terms
                or value in terms  # a term may itself contain a colon
                or value[:2] == "_:"
                or value[:1] == "@"
                or unsafe(value)
                or not scheme(value, 0, colon)
            ):
                add(_EXACT)
                add(dumps(value).decode())
            else:
                add(_IRI)
                add_value(value)

        def walk(value: Any, depth: int) -> None:
            kind = type(value)
            if kind is str_:
                string(value)
            elif kind is dict_:
                if depth > max_depth:
                    raise too_large()
                add(_OPEN)
                for key in sorted(value):
                    add(key)
                    item = value[key]
                    if type(item) is str_ and key[:1] != "@" and key not in other_keywords:
                        # The common case inline: a plain property with a string value.
                        if key in type_keys:
                            add(_TYPE)
                            add(dumps(item).decode())
                        else:
                            string(item)
                    elif key == "@context":
                        if depth > 1:
                            raise _Ineligible
                        add(_EXACT)
                        add(dumps(item, option=sort_keys).decode())
                    elif key in type_keys:
                        add(_TYPE)
                        add(dumps(item, option=sort_keys).decode())
                    elif (key[:1] == "@" and key != "@id") or key in other_keywords:
                        raise _Ineligible
                    else:
                        walk(item, depth + 1)
                add(_CLOSE)
            elif kind is list_:
                if depth > max_depth:
                    raise too_large()
                add(_OPEN_LIST)
                for item in value:
                    if type(item) is str_:
                        string(item)
                    else:
                        walk(item, depth + 1)
                add(_CLOSE_LIST)
            elif kind is int_ and -(2**53) < value < 2**53:
                add(_NUMBER)
                add_value(value)
            else:
                add(_EXACT)
                add(dumps(value).decode())

        walk(document, 1)
        if len(tokens) > 4 * max_nodes:
            raise too_large()
        return tuple(tokens), values

    def _build(
        self,
        document: dict[str, Any],
        leaves: list[tuple[str, Any]],
        vocab: _Vocab,
        real: list[Quad],
        run: Callable[[dict[str, Any]], list[Quad]],
    ) -> _Template | None:
        keep: set[int] = set()
        for _attempt in range(2):
            ph_doc = _Placeholders(vocab, leaves, keep).apply(document)
            try:
                ph_quads = run(ph_doc)
            except Exception:
                return None
            seen: set[int] = set()
            bad: set[int] = set()
            compiled: list[tuple[_Term, _Term, _Term, _Term]] = []
            for quad in ph_quads:
                terms: list[_Term] = []
                for term in quad:
                    ref = _as_ref(term, len(leaves))
                    if ref is not None and ref[1] not in keep:
                        terms.append(ref)
                        seen.add(ref[1])
                    else:
                        terms.append(term)
                        bad.update(int(m.group(1)) for m in _PH_INDEX.finditer(term))
                compiled.append((terms[0], terms[1], terms[2], terms[3]))
            if bad - keep:
                # Placeholders that came out transformed (vocabulary-expanded, resolved):
                # keep those values real and pin the template to them.
                keep |= bad
                continue
            pinned_idx = keep | (set(range(len(leaves))) - seen)
            ref_index: dict[_Ref, int] = {}
            packed: list[tuple[str | int, str | int, str | int, str | int]] = []
            for quad_terms in compiled:
                slots = [
                    t if isinstance(t, str) else ref_index.setdefault(t, len(ref_index))
                    for t in quad_terms
                ]
                packed.append((slots[0], slots[1], slots[2], slots[3]))
            template = _Template(
                tuple(packed),
                tuple(ref_index),
                tuple((i, leaves[i][1]) for i in sorted(pinned_idx)),
            )
            values = [v for _, v in leaves]
            if sorted(set(_instantiate(template, values))) != sorted(set(real)):
                return None
            return template
        return None

    def quads(
        self,
        document: dict[str, Any],
        *,
        run: Callable[[dict[str, Any]], list[Quad]],
        max_depth: int,
        max_nodes: int,
    ) -> list[Quad]:
        """The document's quads from a template, or from ``run`` (pyld) building one."""
        context = document.get("@context")
        if context is None:
            return run(document)
        try:
            vocab = self._vocab_for(context)
            shape, values = self._shape(document, vocab, max_depth, max_nodes)
        except _Ineligible:
            return run(document)
        for template in self._shapes.get(shape, ()):
            if all(values[i] == v for i, v in template.pinned):
                self.hits += 1
                return _instantiate(template, values)
        self.misses += 1
        real = run(document)
        kinds = [_LEAF_KINDS[t] for t in shape if t.__class__ is int and t in _LEAF_KINDS]
        leaves = list(zip(kinds, values, strict=True))
        with self._lock:
            built = self._build(document, leaves, vocab, real, run)
            if built is not None:
                if len(self._shapes) >= _MAX_SHAPES:
                    self._shapes.clear()
                bucket = self._shapes.setdefault(shape, [])
                if len(bucket) < _MAX_TEMPLATES_PER_SHAPE:
                    bucket.append(built)
        return real


class _Placeholders:
    """Copies a document with each leaf (in shape order) replaced by a unique placeholder,
    except the leaves in ``keep``, which keep their real values."""

    def __init__(self, vocab: _Vocab, leaves: list[tuple[str, Any]], keep: set[int]) -> None:
        self.vocab = vocab
        self.kinds = [kind for kind, _ in leaves]
        self.keep = keep
        self.i = 0

    def _is_leaf(self, value: Any) -> bool:
        # Exactly the leaves TemplateCache._shape lists, in the same order.
        if type(value) is str:
            colon = value.find(":")
            if colon < 0:
                return value[:1] != "@"
            return not (
                value[:colon] in self.vocab.terms
                or value in self.vocab.terms
                or value[:2] == "_:"
                or value[:1] == "@"
                or _IRI_UNSAFE.search(value)
                or not _SCHEME.fullmatch(value, 0, colon)
            )
        return type(value) is int and -(2**53) < value < 2**53

    def apply(self, value: Any) -> Any:
        if type(value) is dict:
            return {
                k: (v if k == "@context" or k in self.vocab.type_keys else self.apply(v))
                for k, v in sorted(value.items())
            }
        if type(value) is list:
            return [self.apply(v) for v in value]
        if not self._is_leaf(value):
            return value
        i = self.i
        self.i += 1
        if i in self.keep:
            return value
        kind = self.kinds[i]
        if kind == "I":
            return f"{_IRI_PH}{i}"
        if kind == "L":
            return f"{_LIT_PH}{i}"
        return _INT_BASE + i


def _as_ref(term: str, n: int) -> _Ref | None:
    if term.startswith("<" + _IRI_PH) and term.endswith(">"):
        idx = term[len(_IRI_PH) + 1 : -1]
        if idx.isdigit() and int(idx) < n:
            return ("I", int(idx), "")
        return None
    if term.startswith('"' + _LIT_PH):
        end = term.find('"', 1)
        idx = term[len(_LIT_PH) + 1 : end]
        if idx.isdigit() and int(idx) < n:
            return ("L", int(idx), term[end + 1 :])
        return None
    if term.startswith('"' + str(_INT_BASE)[:6]):
        end = term.find('"', 1)
        lexical = term[1:end]
        if lexical.isdigit() and 0 <= int(lexical) - _INT_BASE < n:
            return ("N", int(lexical) - _INT_BASE, term[end + 1 :])
    return None


def _instantiate(template: _Template, values: list[Any]) -> list[Quad]:
    # Render each distinct value reference once, then assemble the quads; a term is either
    # a constant string or the index of a rendered reference.
    rendered: list[str] = []
    render = rendered.append
    for kind, i, suffix in template.refs:
        value = values[i]
        if kind == "I":
            render("<" + value + ">")
        elif kind == "L":
            # Most literals need no escape: printable, no quote, no backslash (checked in C).
            if not (value.isprintable() and '"' not in value and "\\" not in value):
                value = escape_literal(value)
            render('"' + value + '"' + suffix)
        else:
            render('"' + str(value) + '"' + suffix)
    out: list[Quad] = []
    append = out.append
    for s, p, o, g in template.quads:
        append(
            (
                s if s.__class__ is str else rendered[s],  # type: ignore[index]
                p if p.__class__ is str else rendered[p],  # type: ignore[index]
                o if o.__class__ is str else rendered[o],  # type: ignore[index]
                g if g.__class__ is str else rendered[g],  # type: ignore[index]
            )
        )
    return out


def templates_for(store: ContextStore) -> TemplateCache:
    """The compiled templates for documents over ``store``'s contexts (one cache per store)."""
    cache = store.derived.get("ldtemplates")
    if cache is None:
        cache = store.derived.setdefault("ldtemplates", TemplateCache(store))
    assert isinstance(cache, TemplateCache)
    return cache


__all__ = ["TemplateCache", "templates_for"]
