"""Secret tokens (invites, API tokens, calendar feeds): only a SHA-256 hash is stored, so a
leaked database does not leak working links. Tokens have 256 bits of randomness, which makes
a plain, unsalted hash enough and lets the hash be looked up directly."""

from __future__ import annotations

import hashlib
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "") -> tuple[str, str]:
    """A fresh token (with an optional readable prefix) and its hash."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)
