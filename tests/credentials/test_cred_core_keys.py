"""Keys: Multikey, JWK and PEM forms round-trip; signatures verify only under their key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from smartborder.credentials import KeyType, PrivateKey, PublicKey
from smartborder.credentials.errors import KeyInvalid, KeyUnsupported, MultibaseInvalid
from smartborder.credentials.primitives.multibase import encode_base58btc, varint

ALL = [KeyType.ED25519, KeyType.P256, KeyType.P384]


@pytest.mark.parametrize("key_type", ALL)
def test_key_forms_round_trip(key_type: KeyType, tmp_path: Path) -> None:
    key = PrivateKey.generate(key_type)
    public = key.public
    assert PublicKey.from_multikey(public.multikey) == public
    assert PublicKey.from_jwk(public.jwk) == public
    assert PrivateKey.from_multikey(key.secret_multikey).public == public
    assert PrivateKey.from_jwk(key.jwk).public == public
    assert "d" not in public.jwk and "d" in key.jwk
    path = tmp_path / "k" / "key.pem"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PrivateKey.load(path).public == public


@pytest.mark.parametrize("key_type", ALL)
def test_signature_verifies_only_with_its_key_and_data(key_type: KeyType) -> None:
    key, other = PrivateKey.generate(key_type), PrivateKey.generate(key_type)
    sig = key.sign(b"pedimento 24 47 3807 4003939")
    assert key.public.verify(sig, b"pedimento 24 47 3807 4003939")
    assert not key.public.verify(sig, b"pedimento 24 47 3807 4003938")
    assert not other.public.verify(sig, b"pedimento 24 47 3807 4003939")
    assert not key.public.verify(sig[:-1], b"pedimento 24 47 3807 4003939")


def test_multikey_prefixes_are_the_registered_ones() -> None:
    # Multicodec: ed25519-pub 0xed -> "z6Mk", p256-pub 0x1200 -> "zDn", p384-pub 0x1201 -> "z82".
    assert PrivateKey.generate(KeyType.ED25519).public.multikey.startswith("z6Mk")
    assert PrivateKey.generate(KeyType.P256).public.multikey.startswith("zDn")
    assert PrivateKey.generate(KeyType.P384).public.multikey.startswith("z82")


def test_unsupported_and_malformed_keys_are_refused() -> None:
    secp256k1 = encode_base58btc(varint(0xE7) + b"\x02" + b"\x01" * 32)
    with pytest.raises(KeyUnsupported) as info:
        PublicKey.from_multikey(secp256k1)
    assert info.value.code == "credentials.key.unsupported"
    with pytest.raises(KeyInvalid):
        PublicKey.from_multikey(encode_base58btc(varint(0xED) + b"\x01" * 31))
    with pytest.raises(MultibaseInvalid):
        PublicKey.from_multikey("not-multibase")
    with pytest.raises(KeyUnsupported):
        PublicKey.from_jwk({"kty": "RSA", "n": "AQAB", "e": "AQAB"})
    with pytest.raises(KeyInvalid):
        PrivateKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"})


def test_ed25519_libsodium_agrees_with_openssl_on_rfc8032_vector() -> None:
    """The node checks Ed25519 with libsodium; RFC 8032 §7.1 TEST 2 must verify, and every
    one-bit change of signature or message must not (the same answers OpenSSL gives)."""
    public = PublicKey.from_raw(
        KeyType.ED25519,
        bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
    )
    message = bytes.fromhex("72")
    signature = bytes.fromhex(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    )
    assert public.verify(signature, message)
    assert public.crypto.verify(signature, message) is None  # OpenSSL says the same
    for i in range(0, 64, 7):
        flipped = bytearray(signature)
        flipped[i] ^= 0x01
        assert not public.verify(bytes(flipped), message)
    assert not public.verify(signature, b"\x73")
    assert not public.verify(signature + b"\x00", message)
