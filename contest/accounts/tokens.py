"""Secrets handed to people (session cookies, API tokens, e-mailed links): only hashes are stored."""

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex: enough for high-entropy random secrets (no salt or stretching needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()
