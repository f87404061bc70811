"""Usage errors of the CLI: a bad choice or an unreadable path is a bilingual message and exit 2,
a malformed JSON input is a bilingual message naming the file and where it breaks (exit 1), and
messages print literally (no Rich emoji codes: ``did:key:`` stays ``did:key:``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartborder.cli import app
from smartborder.commands.output import report_error
from smartborder.errors import InvalidInput
from smartborder.i18n import Text

runner = CliRunner()


def _flat(text: str) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_keygen_unknown_type_is_a_bilingual_usage_error(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pem"
    r = runner.invoke(app, ["creds", "keygen", "--out", str(out), "--type", "RSA"])
    assert r.exit_code == 2, r.output
    text = _flat(r.output)
    assert isinstance(r.exception, SystemExit)  # no traceback
    assert "usage.invalid_choice" in text
    assert "--type must be one of Ed25519, P-256, P-384; got 'RSA'." in text
    assert "--type debe ser uno de Ed25519, P-256, P-384; se recibió 'RSA'." in text
    assert not out.exists()


def test_issue_unknown_format_is_a_bilingual_usage_error(home: Path, tmp_path: Path) -> None:
    cred = tmp_path / "tt2.json"
    cred.write_text(json.dumps({"type": ["VerifiableCredential"]}))
    key = tmp_path / "issuer2.pem"
    assert runner.invoke(app, ["creds", "keygen", "--out", str(key)]).exit_code == 0
    r = runner.invoke(app, ["creds", "issue", str(cred), "--key", str(key), "--format", "xml"])
    assert r.exit_code == 2, r.output
    text = _flat(r.output)
    assert isinstance(r.exception, SystemExit)
    assert "--format must be one of vc+jwt, dc+sd-jwt, data-integrity; got 'xml'." in text
    assert "--format debe ser uno de" in text


def test_policy_eval_bad_json_names_the_file_line_and_column(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "truck", ')
    args = ["policy", "eval", "--port", "2504", "--at", "2022-02-01T10:00-08:00"]
    r = runner.invoke(app, [*args, "--traveler", str(bad)])
    assert r.exit_code == 1, r.output
    assert isinstance(r.exception, SystemExit)
    text = _flat(r.output)
    assert "policy.malformed_json" in text
    assert f"--traveler {bad} is not valid JSON" in text and "at line 1, column" in text
    assert f"--traveler {bad} no es JSON válido" in text and "en línea 1, columna" in text


@pytest.mark.parametrize(
    ("name", "why_en", "why_es"),
    [("missing.json", "no such file", "no existe el archivo"), ("", "it is a folder", "carpeta")],
)
def test_policy_eval_unreadable_traveler_is_a_usage_error(
    home: Path, tmp_path: Path, name: str, why_en: str, why_es: str
) -> None:
    path = tmp_path / name if name else tmp_path
    args = ["policy", "eval", "--port", "2504", "--at", "2022-02-01T10:00-08:00"]
    r = runner.invoke(app, [*args, "--traveler", str(path)])
    assert r.exit_code == 2, r.output
    text = _flat(r.output)
    assert f"Cannot read {path}: {why_en}" in text
    assert f"No se puede leer {path}:" in text and why_es in text


def test_submit_missing_file_is_a_usage_error(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    r = runner.invoke(app, ["submit", str(missing)])
    assert r.exit_code == 2, r.output
    text = _flat(r.output)
    assert "submit.path_not_found" in text
    assert f"No such file or folder: {missing}" in text
    assert f"No existe el archivo o carpeta: {missing}" in text
    assert not (home / "smartborder.db").exists(), "nothing submitted"


def test_a_did_in_an_error_message_prints_unchanged(home: Path, tmp_path: Path) -> None:
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    r = runner.invoke(app, ["creds", "keygen", "--out", str(tmp_path / "k.pem"), "--type", did])
    assert r.exit_code == 2, r.output
    assert did in _flat(r.output)
    assert "🔑" not in r.output


def test_report_error_prints_dids_and_brackets_literally(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exc = InvalidInput(
        Text(
            "Issuer did:key:z6MkTest [bold]x[/] is not trusted :smile:.",
            "El emisor did:key:z6MkTest [bold]x[/] no es de confianza :smile:.",
        )
    )
    report_error(exc)
    err = _flat(capsys.readouterr().err)
    assert "Issuer did:key:z6MkTest [bold]x[/] is not trusted :smile:." in err
    assert "El emisor did:key:z6MkTest [bold]x[/] no es de confianza :smile:." in err


@pytest.mark.parametrize(
    "args",
    [
        ["creds", "issue", "{doc}", "--key", "{missing}"],
        ["creds", "verify", "{missing}"],
    ],
)
def test_creds_name_a_file_they_cannot_read(home: Path, tmp_path: Path, args: list[str]) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"type": ["VerifiableCredential"]}))
    missing = tmp_path / "nope.pem"
    argv = [a.format(doc=doc, missing=missing) for a in args]
    r = runner.invoke(app, argv)
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit)  # no traceback
    text = _flat(r.output)
    assert "creds.path_unreadable" in text and "nope.pem" in text and "no existe" in text


def test_a_file_that_is_not_utf8_is_named(home: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Jos\xe9"}'.encode("latin-1"))
    r = runner.invoke(app, ["creds", "verify", str(latin)])
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit)  # no traceback
    text = _flat(r.output)
    assert "not UTF-8 text (byte 13)" in text and "guárdelo como UTF-8" in text
