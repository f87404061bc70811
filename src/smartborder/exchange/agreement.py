"""The data-sharing agreement: which data elements of a trip each agency's node may send the
other, as a versioned document both sides hold (not code).

An agreement lists, per document kind (a trip of a kind, a decision), the paths of the data
elements that may cross (``shipments.shipper``: the shipper of every shipment, and all it
holds). :meth:`Agreement.share` keeps only those when a node sends a document;
:meth:`Agreement.outside` names what a received document carries beyond them (the receiving
node refuses it: nothing out of agreement is applied). The agreement shipped with SmartBorder
is ``agreements/us-mx-data-sharing.json``; an operator names another with
``SMARTBORDER_AGREEMENT_FILE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from smartborder.exchange.errors import AgreementInvalid
from smartborder.i18n import Text

AGENCIES = ("cbp", "anam")


class Shared(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    trip: dict[str, tuple[str, ...]]
    decision: tuple[str, ...]
    inspection: tuple[str, ...] = ()  # the events of a joint inspection
    state: tuple[str, ...] = ()  # the entry agency's lifecycle: arrived, released, …


class MutualRecognition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    joint_inspection: bool = False
    # agency -> its own credential type -> the other side's types it counts as equivalent
    trusted_traders: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()


class Agreement(BaseModel):
    """One version of the agreement; ``ref`` (``id@version``) names it in every document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=100)
    version: str = Field(min_length=1, max_length=40)
    title: dict[str, str]
    parties: dict[str, str]
    effective_from: datetime
    notes: tuple[str, ...] = ()
    share: Shared
    mutual_recognition: MutualRecognition = MutualRecognition()

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def paths(self, kind: str, trip_kind: str | None = None) -> tuple[str, ...]:
        if kind == "trip":
            return self.share.trip.get(trip_kind or "", ())
        if kind == "decision":
            return self.share.decision
        if kind == "inspection":
            return self.share.inspection
        if kind == "state":
            return self.share.state
        return ()

    def share_of(
        self, kind: str, body: Mapping[str, Any], trip_kind: str | None = None
    ) -> dict[str, Any]:
        """``body`` with only the data elements the agreement lets cross for ``kind``."""
        kept: dict[str, Any] = _keep(body, _tree(self.paths(kind, trip_kind)))
        return kept

    def outside(
        self, kind: str, body: Mapping[str, Any], trip_kind: str | None = None
    ) -> list[str]:
        """The paths of ``body`` the agreement does not let cross (empty: all allowed)."""
        tree = _tree(self.paths(kind, trip_kind))
        if _inside(body, tree):  # every document the peer sends in good faith: no paths built
            return []
        return sorted(set(_outside(body, tree, "")))

    def equivalents(self, agency: str) -> dict[str, frozenset[str]]:
        """For ``agency``'s node: its credential types and the other side's types that count
        as equivalent (mutual recognition of trusted traders)."""
        mine = self.mutual_recognition.trusted_traders.get(agency, {})
        return {k: frozenset(v) for k, v in mine.items()}


Tree = dict[str, "Tree | None"]  # None: the whole subtree is shared


def _tree(paths: tuple[str, ...]) -> Tree:
    return _build(paths)


@cache
def _build(paths: tuple[str, ...]) -> Tree:
    root: Tree = {}
    for path in paths:
        node = root
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is None:  # a parent already shares everything below
                break
            node = child
        else:
            node[parts[-1]] = None
    return root


def _keep(value: Any, tree: Tree | None) -> Any:
    if tree is None:
        return value
    if isinstance(value, list):
        return [_keep(v, tree) for v in value]
    if not isinstance(value, Mapping):
        return value
    return {k: _keep(v, tree[k]) for k, v in value.items() if k in tree}


def _inside(value: Any, tree: Tree | None) -> bool:
    """Whether every path of a parsed JSON ``value`` is in ``tree``: an iterative walk that
    builds no path strings, about twice as fast as :func:`_outside` on a trip document
    (which runs only when something is outside, to name it)."""
    stack: list[tuple[Any, Tree]] = [] if tree is None else [(value, tree)]
    while stack:
        node, sub = stack.pop()
        kind = type(node)
        if kind is list:
            stack.extend((v, sub) for v in node)
        elif kind is dict:
            for k, v in node.items():
                if k not in sub:
                    return False
                below = sub[k]
                if below is not None and (type(v) is dict or type(v) is list):
                    stack.append((v, below))
        elif isinstance(node, Mapping | list):  # another mapping type: let _outside judge
            return False
    return True


def _outside(value: Any, tree: Tree | None, prefix: str) -> Iterator[str]:
    if tree is None:
        return
    if isinstance(value, list):
        for v in value:
            yield from _outside(v, tree, prefix)
        return
    if not isinstance(value, Mapping):
        return
    for k, v in value.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        if k not in tree:
            yield path
        else:
            yield from _outside(v, tree[k], path)


BUILT_IN = "us-mx-data-sharing.json"


def load_agreement(path: Path | None = None) -> Agreement:
    """The agreement at ``path``, or the one shipped with SmartBorder; AgreementInvalid names
    what is wrong."""
    where = str(path) if path else BUILT_IN
    try:
        if path is None:
            raw = resources.files(__package__).joinpath("agreements", BUILT_IN).read_bytes()
        else:
            raw = Path(path).read_bytes()
        agreement = Agreement.model_validate_json(raw)
    except OSError as exc:
        raise AgreementInvalid(
            Text(
                f"The data-sharing agreement {where} cannot be read: {exc.strerror}.",
                f"No se puede leer el acuerdo de intercambio de datos {where}: {exc.strerror}.",
            )
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        raise AgreementInvalid(
            Text(
                f"The data-sharing agreement {where} is not valid at {at}: {first['msg']}.",
                f"El acuerdo de intercambio de datos {where} no es válido en {at}: {first['msg']}.",
            )
        ) from exc
    unknown = sorted(set(agreement.parties) - set(AGENCIES))
    if unknown:
        raise AgreementInvalid(
            Text(
                f"The agreement {where} names unknown agencies {unknown}; use cbp and anam.",
                f"El acuerdo {where} nombra agencias desconocidas {unknown}; use cbp y anam.",
            )
        )
    return agreement
