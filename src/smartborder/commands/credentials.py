"""``smartborder creds``: keys, issue, verify, present and status of verifiable credentials.

``creds`` is the name issue 4 gives the group; ``smartborder credentials`` (its first name)
still works as a hidden alias.

Two ways to issue: with a key file (``--key``; the issuer is that key's did:key, nothing is
stored), or as an organization of this node (``--org``; its did:web, with status list entries,
stored like ``POST /credentials/issue``). ``verify`` prints the result as JSON and exits 0 when
the credential is valid, 1 when it is not.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from smartborder.commands import choice, read_text
from smartborder.config import Settings
from smartborder.credentials import CredentialService
from smartborder.credentials.datamodel import parse_datetime
from smartborder.credentials.errors import CredentialNonConforming
from smartborder.credentials.primitives import sdjwt
from smartborder.credentials.primitives.did import did_key_for
from smartborder.credentials.primitives.keys import KeyType, PrivateKey, PublicKey
from smartborder.credentials.recipes import Format, issue, unenvelope
from smartborder.i18n import Text
from smartborder.store import make_engine, session_factory, transaction, upgrade

app = typer.Typer(
    help="Verifiable credentials: keygen, issue, verify, present, status.\n\n"
    "`smartborder credentials` is an alias of this group.",
    no_args_is_help=True,
)


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        return parse_datetime(value)
    except ValueError:
        raise CredentialNonConforming(
            Text(
                f"--now must be a date-time with a zone, e.g. 2026-06-01T12:00:00Z; got {value!r}.",
                f"--now debe ser fecha y hora con zona, p. ej. 2026-06-01T12:00:00Z; se recibió {value!r}.",
            )
        ) from None


def _read(path: Path) -> Any:
    """A file holding JSON, or a compact JWT / SD-JWT (``-`` reads standard input)."""
    text = sys.stdin.read() if str(path) == "-" else read_text(path, code="creds.path_unreadable")
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise CredentialNonConforming(
                Text(f"{path} is not valid JSON: {exc}.", f"{path} no es JSON válido: {exc}.")
            ) from exc
    return text


def _load_key(path: Path) -> PrivateKey:
    """A PEM private key named on the command line (a missing file is a usage error)."""
    return PrivateKey.from_pem(read_text(path, code="creds.path_unreadable").encode())


def _emit(value: Any) -> None:
    print(value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False))


def _service() -> tuple[CredentialService, Any]:
    settings = Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    return CredentialService.from_settings(settings), engine


def _did_key_method(key: PrivateKey) -> str:
    did = did_key_for(key.public)
    return f"{did}#{did.removeprefix('did:key:')}"


@app.command("keygen")
def keygen(
    out: Path = typer.Option(..., "--out", help="Where to write the private key (PEM, mode 0600)."),
    key_type: str = typer.Option("P-384", "--type", help="Ed25519, P-256 or P-384 (ES384)."),
) -> None:
    """Create a signing key; prints its did:key and verification method."""
    key = PrivateKey.generate(choice("--type", key_type, tuple(t.value for t in KeyType)))
    key.save(out)
    _emit(
        {
            "did": did_key_for(key.public),
            "verificationMethod": _did_key_method(key),
            "file": str(out),
        }
    )


@app.command("issue")
def issue_cmd(
    credential: Path = typer.Argument(
        ..., help="The unsigned credential (JSON file, or - for stdin)."
    ),
    key_file: Path | None = typer.Option(
        None, "--key", help="Sign with this key (issuer: its did:key)."
    ),
    org: str | None = typer.Option(None, "--org", help="Issue as this organization of the node."),
    fmt: str = typer.Option("vc+jwt", "--format", help="vc+jwt or dc+sd-jwt."),
    suite: str | None = typer.Option(None, "--suite", help="A Data Integrity cryptosuite instead."),
    disclose: list[str] = typer.Option(
        [], "--disclosable", help="SD-JWT: a selectively disclosable claim."
    ),
    holder_jwk: Path | None = typer.Option(
        None, "--holder-jwk", help="SD-JWT: the holder's public JWK file."
    ),
    now: str | None = typer.Option(None, "--now", help="Issue as of this time (default: now)."),
) -> None:
    """Check a credential against VC DM 2.0 and its schema, then sign it."""
    fmt = choice("--format", fmt, tuple(f.value for f in Format))
    doc = _read(credential)
    when = _now(now)
    holder = PublicKey.from_jwk(_read(holder_jwk)) if holder_jwk else None
    if (key_file is None) == (org is None):
        raise typer.BadParameter("give exactly one of --key or --org")
    if key_file is not None:
        key = _load_key(key_file)
        svc, engine = _service()
        engine.dispose()
        result = issue(
            doc,
            key=key,
            verification_method=_did_key_method(key),
            now=when,
            types=svc.types,
            format=Format(fmt),
            suite=suite,
            disclosable=disclose,
            holder=holder,
            contexts=svc.contexts,
        )
        _emit(result)
        return
    svc, engine = _service()
    options: dict[str, Any] = {"format": fmt, "disclosable": disclose}
    if suite:
        options["cryptosuite"] = suite
    if holder is not None:
        options["holderJwk"] = holder.jwk
    try:
        with transaction(session_factory(engine)) as session:
            vc = svc.issue(session, org=str(org), credential=doc, options=options, now=when)
    finally:
        engine.dispose()
    _emit(unenvelope(vc))


@app.command("verify")
def verify_cmd(
    credential: Path = typer.Argument(
        ..., help="A credential: JSON (Data Integrity), a JWT or an SD-JWT."
    ),
    now: str | None = typer.Option(None, "--now", help="Verify as of this time (default: now)."),
    audience: str | None = typer.Option(
        None, "--audience", help="SD-JWT key binding: expected aud."
    ),
    nonce: str | None = typer.Option(None, "--nonce", help="SD-JWT key binding: expected nonce."),
) -> None:
    """Verify; prints which checks ran, warnings and errors as JSON. Exit 0 valid, 1 not."""
    value = _read(credential)
    svc, engine = _service()
    try:
        with transaction(session_factory(engine)) as session:
            options = {"domain": audience, "challenge": nonce}
            result = svc.verify(session, value, options=options, now=_now(now))
    finally:
        engine.dispose()
    print(result.model_dump_json(indent=2))
    raise typer.Exit(0 if result.verified else 1)


@app.command("present")
def present_cmd(
    sd_jwt: Path = typer.Argument(..., help="An SD-JWT VC as issued (with all its disclosures)."),
    key_file: Path | None = typer.Option(
        None, "--key", help="The holder's key (adds key binding)."
    ),
    disclose: list[str] = typer.Option(
        [], "--disclose", help="A claim to show (others stay hidden)."
    ),
    audience: str | None = typer.Option(None, "--audience", help="Who the presentation is for."),
    nonce: str | None = typer.Option(None, "--nonce", help="The verifier's challenge."),
    now: str | None = typer.Option(None, "--now", help="Time of presentation (default: now)."),
) -> None:
    """Present an SD-JWT VC showing only the claims chosen (e.g. program, not date of birth)."""
    token = _read(sd_jwt)
    if not isinstance(token, str):
        token = unenvelope(token)
    key = _load_key(key_file) if key_file else None
    print(
        sdjwt.present(
            str(token),
            disclose=disclose,
            holder_key=key,
            audience=audience,
            nonce=nonce,
            now=_now(now),
        )
    )


@app.command("status")
def status_cmd(
    credential_id: str = typer.Argument(
        ..., help="The id of a credential the organization issued."
    ),
    org: str = typer.Option(..., "--org", help="The issuing organization."),
    revoke: bool = typer.Option(False, "--revoke", help="Revoke (final)."),
    suspend: bool = typer.Option(False, "--suspend", help="Suspend."),
    unsuspend: bool = typer.Option(False, "--unsuspend", help="Lift a suspension."),
) -> None:
    """Revoke, suspend or unsuspend a credential issued on this node; prints its status."""
    updates = []
    if revoke:
        updates.append({"statusPurpose": "revocation", "status": "1"})
    if suspend or unsuspend:
        updates.append({"statusPurpose": "suspension", "status": "1" if suspend else "0"})
    if not updates:
        raise typer.BadParameter("give --revoke, --suspend or --unsuspend")
    svc, engine = _service()
    try:
        with transaction(session_factory(engine)) as session:
            out = svc.update_status(
                session,
                org=org,
                credential_id=credential_id,
                updates=updates,
                now=datetime.now(UTC),
            )
    finally:
        engine.dispose()
    _emit(out)
