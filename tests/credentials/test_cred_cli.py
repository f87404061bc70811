"""``smartborder creds``: keygen, issue, verify (exit 0/1), present, status; ``credentials`` is
its alias."""

from __future__ import annotations

import json
from pathlib import Path

from cred_fixtures import carta_porte, sentri
from typer.testing import CliRunner

from smartborder.cli import app

runner = CliRunner()


def test_keygen_issue_verify_with_a_key_file(home: Path) -> None:
    key = home / "issuer.pem"
    out = runner.invoke(app, ["creds", "keygen", "--out", str(key), "--type", "P-384"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["did"].startswith("did:key:z")
    assert key.stat().st_mode & 0o077 == 0
    cred = home / "cp.json"
    cred.write_text(json.dumps(carta_porte()))
    issued = runner.invoke(
        app, ["creds", "issue", str(cred), "--key", str(key), "--now", "2026-06-01T12:00:00Z"]
    )
    assert issued.exit_code == 0, issued.output
    jwt = home / "cp.jwt"
    jwt.write_text(issued.stdout)
    ok = runner.invoke(app, ["creds", "verify", str(jwt), "--now", "2026-06-01T12:00:00Z"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["verified"]
    expired = runner.invoke(app, ["creds", "verify", str(jwt), "--now", "2027-06-01T12:00:00Z"])
    assert expired.exit_code == 1 and json.loads(expired.stdout)["failed_checks"] == ["validity"]


def test_schema_violation_exits_1_with_a_bilingual_message(home: Path) -> None:
    key = home / "k.pem"
    runner.invoke(app, ["creds", "keygen", "--out", str(key)])
    cred = home / "bad.json"
    cred.write_text(json.dumps(carta_porte(idCCP="x")))
    out = runner.invoke(app, ["creds", "issue", str(cred), "--key", str(key)])
    assert out.exit_code == 1


def test_org_issue_then_revoke(home: Path) -> None:
    cred = home / "cp.json"
    cred.write_text(json.dumps(carta_porte()))
    issued = runner.invoke(app, ["creds", "issue", str(cred), "--org", "acme"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    (home / "cp.jwt").write_text(token)
    assert runner.invoke(app, ["creds", "verify", str(home / "cp.jwt")]).exit_code == 0
    claims = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[1] + "=="))
    revoked = runner.invoke(app, ["creds", "status", claims["id"], "--org", "acme", "--revoke"])
    assert revoked.exit_code == 0 and json.loads(revoked.stdout)["revoked"]
    after = runner.invoke(app, ["creds", "verify", str(home / "cp.jwt")])
    assert after.exit_code == 1 and "revoked" in json.loads(after.stdout)["errors"][0]


def test_present_hides_the_date_of_birth(home: Path) -> None:
    issuer, holder = home / "i.pem", home / "h.pem"
    runner.invoke(app, ["creds", "keygen", "--out", str(issuer)])
    runner.invoke(app, ["creds", "keygen", "--out", str(holder), "--type", "Ed25519"])
    from smartborder.credentials.primitives.keys import PrivateKey

    (home / "h.jwk").write_text(json.dumps(PrivateKey.load(holder).public.jwk))
    (home / "s.json").write_text(json.dumps(sentri()))
    issued = runner.invoke(
        app,
        [
            "credentials",
            "issue",
            str(home / "s.json"),
            "--key",
            str(issuer),
            "--format",
            "dc+sd-jwt",
            "--disclosable",
            "birthDate",
            "--disclosable",
            "givenName",
            "--holder-jwk",
            str(home / "h.jwk"),
        ],
    )
    assert issued.exit_code == 0, issued.output
    (home / "s.sdjwt").write_text(issued.stdout)
    shown = runner.invoke(
        app,
        [
            "credentials",
            "present",
            str(home / "s.sdjwt"),
            "--key",
            str(holder),
            "--audience",
            "cbp",
            "--nonce",
            "n1",
        ],
    )
    assert shown.exit_code == 0, shown.output
    (home / "shown.sdjwt").write_text(shown.stdout)
    res = runner.invoke(
        app,
        ["creds", "verify", str(home / "shown.sdjwt"), "--audience", "cbp", "--nonce", "n1"],
    )
    body = json.loads(res.stdout)
    assert res.exit_code == 0, body["errors"]
    assert "birthDate" not in body["credential"]["credentialSubject"]


def test_credentials_is_an_alias_of_creds(home: Path) -> None:
    key = home / "issuer.pem"
    assert runner.invoke(app, ["creds", "keygen", "--out", str(key)]).exit_code == 0
    cred = home / "cp.json"
    cred.write_text(json.dumps(carta_porte()))
    now = ["--now", "2026-06-01T12:00:00Z"]
    issued = runner.invoke(app, ["creds", "issue", str(cred), "--key", str(key), *now])
    assert issued.exit_code == 0, issued.output
    (home / "cp.jwt").write_text(issued.stdout)
    by_creds = runner.invoke(app, ["creds", "verify", str(home / "cp.jwt"), *now])
    by_alias = runner.invoke(app, ["credentials", "verify", str(home / "cp.jwt"), *now])
    assert by_creds.exit_code == by_alias.exit_code == 0
    assert json.loads(by_creds.stdout) == json.loads(by_alias.stdout)
    assert json.loads(by_creds.stdout)["verified"]
    top = runner.invoke(app, ["--help"])
    assert " creds " in top.output and " credentials " not in top.output  # the alias is hidden
