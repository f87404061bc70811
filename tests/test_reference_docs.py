"""Every CLI command and every setting is documented, from the code itself (never stale)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from smartborder.cli import app
from smartborder.commands.reference import cli_reference, readme_with_settings, settings_table
from smartborder.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text()
    assert committed == cli_reference(get_command(app)), (
        "run `smartborder reference --write` and commit"
    )


def test_readme_settings_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme == readme_with_settings(readme), "run `smartborder reference --write`"
    for name in Settings.model_fields:
        assert f"SMARTBORDER_{name.upper()}" in readme
    assert settings_table() in readme


def test_every_documented_setting_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    known = {f"SMARTBORDER_{n.upper()}" for n in Settings.model_fields}
    test_only = {"SMARTBORDER_TEST_DATABASE_URL", "SMARTBORDER_BENCH_PG_URL"}
    mentioned = set(re.findall(r"SMARTBORDER_[A-Z_]+", readme)) - test_only
    assert mentioned <= known, f"README names settings that do not exist: {mentioned - known}"
