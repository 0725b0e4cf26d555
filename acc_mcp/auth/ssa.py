"""Secure Service Account assertions: a short-lived RS256 JWT that the jwt-bearer grant trades for a token.

APS checks `iss` (the app's client id), `sub` (the service account id), `aud` (the token URL), an `exp`
no more than five minutes out, and `scope` as a JSON array. The key is the private half of a key that
was created for the service account (`POST /authentication/v2/service-accounts/{id}/keys`); its id goes
in the `kid` header.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

LIFETIME = 300.0
"""The longest `exp` APS accepts; a fresh assertion is made for every token request."""


def load_key(settings: Settings) -> RSAKey:
    """The service account's private key from APS_SSA_PRIVATE_KEY (PEM text) or APS_SSA_PRIVATE_KEY_FILE."""
    from joserfc.jwk import RSAKey

    if settings.ssa_private_key is not None:
        pem = settings.ssa_private_key.get_secret_value().replace("\\n", "\n")
        source = "APS_SSA_PRIVATE_KEY"
    elif settings.ssa_private_key_file:
        source = "APS_SSA_PRIVATE_KEY_FILE"
        try:
            pem = Path(settings.ssa_private_key_file).expanduser().read_text()
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read {settings.ssa_private_key_file} ({exc.strerror})") from None
    else:
        raise ConfigError("APS_SSA_PRIVATE_KEY_FILE: set it (or APS_SSA_PRIVATE_KEY) to the service account's key")
    try:
        key = RSAKey.import_key(pem)
    except Exception:  # joserfc raises several types for malformed PEM; none of them is useful to show
        raise ConfigError(f"{source}: not an RSA private key in PEM format") from None
    if not key.is_private:
        raise ConfigError(f"{source}: this is a public key; the private key is needed to sign assertions")
    return key


def assertion(settings: Settings, key: RSAKey, token_url: str, *, now: float | None = None) -> str:
    if not (settings.client_id and settings.ssa_id and settings.ssa_key_id):
        raise ConfigError("APS_SSA_ID: SSA sign-in needs APS_CLIENT_ID, APS_SSA_ID and APS_SSA_KEY_ID")
    from joserfc import jwt

    now = time.time() if now is None else now
    claims = {
        "iss": settings.client_id,
        "sub": settings.ssa_id,
        "aud": token_url,
        # A few seconds short of the limit, so a small clock difference with APS does not reject it.
        "exp": int(now + LIFETIME - 30),
        "scope": settings.scopes.split(),
    }
    return jwt.encode({"alg": "RS256", "kid": settings.ssa_key_id}, claims, key)
