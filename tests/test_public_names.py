"""Each domain exposes its public names in its ``__init__`` (with ``__all__``), and every
name there resolves. That domains use each other only through these names is checked, from
the source, by ``tests/test_architecture.py``."""

from __future__ import annotations

import importlib

import pytest

DOMAINS = [
    "admissibility",
    "clients",
    "consular",
    "credentials",
    "declarations",
    "exchange",
    "i18n",
    "inspections",
    "kpi",
    "ports",
    "preclearance",
    "risk",
    "store",
    "twin",
]


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_exports_are_declared_and_resolve(domain: str) -> None:
    module = importlib.import_module(f"smartborder.{domain}")
    names = getattr(module, "__all__", None)
    assert names, f"smartborder.{domain} declares no __all__"
    assert len(names) == len(set(names)), "duplicate names in __all__"
    missing = [n for n in names if not hasattr(module, n)]
    assert missing == [], f"smartborder.{domain}.__all__ names missing objects: {missing}"


def test_every_domain_error_descends_from_the_one_tree() -> None:
    from smartborder.errors import SmartBorderError

    for domain in DOMAINS:
        module = importlib.import_module(f"smartborder.{domain}")
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, Exception):
                assert issubclass(obj, SmartBorderError), f"{domain}.{name} is outside the tree"
                assert obj.code and obj.code != "error", f"{domain}.{name} has no stable code"


def test_the_package_root_is_small() -> None:
    import smartborder

    public = {n for n in vars(smartborder) if not n.startswith("_")}
    assert "__version__" in vars(smartborder)
    assert public <= {
        "admissibility",
        "api",
        "cli",
        "clients",
        "commands",
        "config",
        "consular",
        "credentials",
        "declarations",
        "demo",
        "errors",
        "i18n",
        "inspections",
        "exchange",
        "trips",
        "kpi",
        "ports",
        "node",
        "preclearance",
        "risk",
        "store",
        "twin",
        "web",
    }
