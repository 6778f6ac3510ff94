"""Encryption of personal data at rest (R-DATA-03).

AES-256-GCM with a key from the environment (`TOUYAN_DATA_KEY`, base64 of 32
bytes), stored as `v1:` + base64(nonce ‖ ciphertext ‖ tag). Lookups use a
keyed HMAC-SHA256 blind index (`TOUYAN_INDEX_KEY`), so equal numbers are found
and kept unique without decrypting anything. The keys never enter the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = "v1"


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) not in (16, 24, 32):
        key = hashlib.sha256(key).digest()
    return AESGCM(key)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt text; `context` (e.g. "id_number") is bound as associated data."""
    nonce = os.urandom(12)
    sealed = _aead(settings.TOUYAN_DATA_KEY).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    version, _, body = token.partition(":")
    if version != VERSION:
        raise ValueError("unknown encryption version")
    raw = base64.b64decode(body)
    return _aead(settings.TOUYAN_DATA_KEY).decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Keyed hash for lookups: the same value always gives the same 64 hex digits."""
    key = settings.TOUYAN_INDEX_KEY.encode()
    return hmac.new(key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
