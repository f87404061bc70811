"""Lazy public names for a package (PEP 562): ``from smartborder.twin import Scenario`` imports
``twin.scenario`` only, not the simulator (numba), its statistics (scipy) or the forecaster
(scikit-learn). Start-up is a feature: the CLI and the API import a domain for one name and
must not pay for the rest of it.

Use, at the end of a package's ``__init__.py`` (the eager imports stay under ``TYPE_CHECKING``
for readers and type checkers)::

    lazy_names(__name__, {"scenario": ("Scenario", "load_scenario"), "simulate": ("simulate",)})
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping
from typing import Any


class _LazyPackage(types.ModuleType):
    _lazy_where: dict[str, str]

    def __getattr__(self, name: str) -> Any:
        module = self._lazy_where.get(name)
        if module is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        types.ModuleType.__setattr__(self, name, value)  # once: later reads are plain
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule binds it on its package: ``twin.simulate`` would become the
        # module ``twin.simulate`` instead of the function of that name it exports.
        if (
            isinstance(value, types.ModuleType)
            and self._lazy_where.get(name) == value.__name__ == f"{self.__name__}.{name}"
        ):
            value = getattr(value, name)
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._lazy_where})


def lazy_names(package: str, modules: Mapping[str, tuple[str, ...]]) -> None:
    """Make ``package``'s public names, found in the submodules ``modules`` names
    (``{"scenario": ("Scenario", "load_scenario"), …}``), import on first use."""
    module = sys.modules[package]
    where = {name: f"{package}.{sub}" for sub, names in modules.items() for name in names}
    types.ModuleType.__setattr__(module, "_lazy_where", where)
    module.__class__ = _LazyPackage
