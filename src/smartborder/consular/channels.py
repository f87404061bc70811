"""Where notices go: pluggable channels, each a ``send(notice)`` that raises when the notice
did not get through (the dispatcher then retries it later).

- :class:`WebhookChannel`: an HTTP ``POST`` of the notice as JSON to one configured URL, signed
  with HMAC-SHA256 over the body when a secret is set (header ``SmartBorder-Signature:
  sha256=<hex>``); any 2xx answer is delivery.
- :class:`SmtpChannel`: an e-mail (stdlib ``smtplib``/``email``) in English and Spanish to the
  address the holder gave in the application, through one configured SMTP server.

A channel is called from the dispatcher's thread, never from the event loop.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

import httpx

from smartborder.config import Settings
from smartborder.consular.errors import NoticeNotDelivered
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text


@dataclass(frozen=True, slots=True)
class Notice:
    """What a channel sends: the notice's id, kind, recipient and content."""

    notice_id: str
    kind: str
    recipient: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> Text:
        return Text(
            str(self.payload.get("subject_en", "")), str(self.payload.get("subject_es", ""))
        )

    @property
    def text(self) -> Text:
        return Text(
            str(self.payload.get("message_en", "")), str(self.payload.get("message_es", ""))
        )


class NoticeChannel(Protocol):
    """A way to send notices; ``send`` raises :class:`NoticeNotDelivered` on failure."""

    name: str

    def send(self, notice: Notice) -> None: ...


def _failed(en: str, es: str) -> NoticeNotDelivered:
    return NoticeNotDelivered(Text(en, es))


class WebhookChannel:
    """POSTs each notice as JSON to ``url`` (see the module docstring)."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        *,
        secret: str = "",
        timeout_s: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self._secret = secret.encode()
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=False)

    def body(self, notice: Notice) -> bytes:
        doc = {"id": notice.notice_id, "kind": notice.kind, **notice.payload}
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()

    def signature(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def send(self, notice: Notice) -> None:
        body = self.body(notice)
        headers = {"Content-Type": "application/json", "SmartBorder-Notice-Id": notice.notice_id}
        if self._secret:
            headers["SmartBorder-Signature"] = self.signature(body)
        try:
            answer = self._client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise _failed(
                f"webhook {self.url} unreachable: {type(exc).__name__}: {exc}",
                f"webhook {self.url} inalcanzable: {type(exc).__name__}: {exc}",
            ) from exc
        if not 200 <= answer.status_code < 300:
            raise _failed(
                f"webhook {self.url} answered {answer.status_code}",
                f"webhook {self.url} respondió {answer.status_code}",
            )

    def close(self) -> None:
        self._client.close()


class SmtpChannel:
    """Sends each notice as a bilingual e-mail through one SMTP server."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        starttls: bool = False,
        username: str = "",
        password: str = "",
        timeout_s: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.timeout_s = starttls, timeout_s
        self._login = (username, password) if username else None

    def message(self, notice: Notice) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = notice.recipient
        msg["Subject"] = f"{notice.subject.en} / {notice.subject.es}"
        msg["Message-ID"] = f"<{notice.notice_id}@smartborder>"
        msg["Content-Language"] = "en, es"
        msg.set_content(f"{notice.text.en}\n\n---\n\n{notice.text.es}\n")
        return msg

    def send(self, notice: Notice) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self._login is not None:
                    smtp.login(*self._login)
                smtp.send_message(self.message(notice))
        except (OSError, smtplib.SMTPException) as exc:
            raise _failed(
                f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}",
                f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}",
            ) from exc


def channels_from_settings(settings: Settings) -> dict[str, NoticeChannel]:
    """The channels ``settings`` configure (``SMARTBORDER_NOTICE_*``): a webhook URL, an SMTP
    host, both or neither."""
    channels: dict[str, NoticeChannel] = {}
    if settings.notice_webhook_url.strip():
        channels["webhook"] = WebhookChannel(
            settings.notice_webhook_url.strip(), secret=settings.notice_webhook_secret
        )
    if settings.notice_smtp_host.strip():
        channels["smtp"] = SmtpChannel(
            settings.notice_smtp_host.strip(),
            settings.notice_smtp_port,
            sender=settings.notice_smtp_sender,
            starttls=settings.notice_smtp_starttls,
            username=settings.notice_smtp_username,
            password=settings.notice_smtp_password,
        )
    return channels


def describe(exc: BaseException) -> str:
    """The reason a send failed, for the notice's record."""
    if isinstance(exc, SmartBorderError):
        return exc.message.en
    return f"{type(exc).__name__}: {exc}"


__all__ = [
    "Notice",
    "NoticeChannel",
    "SmtpChannel",
    "WebhookChannel",
    "channels_from_settings",
    "describe",
]
