"""Reading a small document over HTTP with a size cap (DID documents, status lists)."""

from __future__ import annotations

import httpx


class BodyTooLarge(Exception):
    """The response body went over the cap; reading stopped there."""


def get_capped(
    client: httpx.Client, url: str, *, accept: str, max_bytes: int, timeout_s: float
) -> tuple[int, bytes]:
    """``GET url``: the status code and the body, read in chunks and abandoned as soon as it
    exceeds ``max_bytes`` (:class:`BodyTooLarge`). Redirects are whatever ``client`` does
    (the credential code's clients follow none). Transport errors are ``httpx.HTTPError``."""
    with client.stream("GET", url, timeout=timeout_s, headers={"Accept": accept}) as resp:
        if resp.status_code != 200:
            return resp.status_code, b""
        body = bytearray()
        for chunk in resp.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise BodyTooLarge(url)
        return 200, bytes(body)


__all__ = ["BodyTooLarge", "get_capped"]
