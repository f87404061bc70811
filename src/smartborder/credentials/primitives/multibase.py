"""Multibase (base58btc ``z``, base64url ``u``) and multicodec varint prefixes.

Only what Multikey, did:key and Data Integrity proof values use. Base58 (Bitcoin alphabet,
as multibase base58btc requires) is encoded with the ``base58`` package and decoded here:
decoding a proof value is on every verification, and the package's character-by-character
decoder took ~8 µs for a signature against ~4 µs for :func:`_decode_base58` (measured).
"""

from __future__ import annotations

import base64

import base58

from smartborder.credentials.errors import MultibaseInvalid
from smartborder.i18n import Text

# Largest value we accept before decoding: a P-384 secret or an ECDSA-P384 signature is ~130
# characters; 4096 leaves room for anything legitimate and bounds the work on hostile input.
_MAX_MULTIBASE_CHARS = 4096


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Byte -> digit value table for bytes.translate; 0xFF marks a byte outside the alphabet.
_B58_DIGITS = bytes(
    _B58_ALPHABET.index(chr(b)) if chr(b) in _B58_ALPHABET else 0xFF for b in range(256)
)
_B58_POW8 = 58**8  # 3364 = 58**2, 11316496 = 58**4


def encode_base58btc(data: bytes) -> str:
    """``z`` + base58btc(data)."""
    return "z" + base58.b58encode(data).decode("ascii")


def _decode_base58(body: str) -> bytes:
    """base58btc body (no ``z``) to bytes; ``body`` is non-empty ASCII."""
    # Every character to its digit value in one C pass, then Horner's rule eight digits at a
    # time: one big-integer step per eight characters instead of one per character.
    digits = body.encode("ascii").translate(_B58_DIGITS)
    if 0xFF in digits:
        raise MultibaseInvalid()
    head = len(digits) % 8
    n = 0
    for d in digits[:head]:
        n = n * 58 + d
    rest = iter(digits[head:])
    for a, b, c, d, e, f, g, h in zip(rest, rest, rest, rest, rest, rest, rest, rest, strict=False):
        n = n * _B58_POW8 + (
            ((a * 58 + b) * 3364 + (c * 58 + d)) * 11316496 + ((e * 58 + f) * 3364 + (g * 58 + h))
        )
    zeros = len(body) - len(body.lstrip("1"))  # each leading '1' is a leading zero byte
    return b"\0" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")


def decode_base58btc(value: str) -> bytes:
    """Decode a ``z``-prefixed base58btc multibase string; raise :class:`MultibaseInvalid`."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise MultibaseInvalid()
    if len(value) > _MAX_MULTIBASE_CHARS:
        raise MultibaseInvalid(
            Text("The multibase value is too long.", "El valor multibase es demasiado largo.")
        )
    body = value[1:]
    if not body.isascii():
        raise MultibaseInvalid()
    return _decode_base58(body)


def encode_base64url(data: bytes) -> str:
    """``u`` + unpadded base64url(data)."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Decode base58btc (``z``) or base64url-no-pad (``u``) multibase."""
    if isinstance(value, str) and value.startswith("u"):
        body = value[1:]
        if len(body) > _MAX_MULTIBASE_CHARS or "=" in body:
            raise MultibaseInvalid()
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError as exc:
            raise MultibaseInvalid() from exc
    return decode_base58btc(value)


def varint(value: int) -> bytes:
    """Unsigned LEB128 varint, as multicodec prefixes are written."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data: bytes) -> tuple[int, int]:
    """Read a varint at the start of ``data``: (value, bytes consumed)."""
    value = 0
    for i, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, i + 1
    raise MultibaseInvalid(Text("Malformed multicodec prefix.", "Prefijo multicodec mal formado."))


__all__ = [
    "decode_base58btc",
    "decode_multibase",
    "encode_base58btc",
    "encode_base64url",
    "read_varint",
    "varint",
]
