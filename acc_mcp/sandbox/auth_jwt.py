"""Secure Service Account assertions: the RS256 JWT a service account signs to get a token.

joserfc is imported lazily, inside `verify_assertion`: it would double the sandbox's import time, and only the
jwt-bearer grant needs it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .auth_data import (
    APS_TOKEN_URL,
    ASSERTION_LEEWAY,
    ASSERTION_MAX_LIFETIME,
    AuthState,
    OAuthError,
    ServiceAccount,
    ServiceAccountKey,
    parse_scopes,
)


def _b64json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def verify_assertion(
    state: AuthState, client_id: str, assertion: str, now: float, audiences: set[str]
) -> tuple[ServiceAccount, ServiceAccountKey, tuple[str, ...]]:
    """Check an SSA JWT: RS256 under a registered key (by kid), then iss, sub, aud, exp and scope."""
    from joserfc import jwt
    from joserfc.errors import BadSignatureError, JoseError
    from joserfc.jwk import RSAKey

    def bad(message: str) -> OAuthError:
        return OAuthError("invalid_grant", message)

    parts = assertion.split(".")
    if len(parts) != 3:
        raise bad("The assertion is not a compact JWT (header.payload.signature).")
    try:
        header = _b64json(parts[0])
    except (ValueError, binascii.Error):
        raise bad("The assertion header is not base64url-encoded JSON.") from None
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        alg = header.get("alg") if isinstance(header, dict) else None
        raise bad(f"The assertion must be signed with RS256 (alg is {alg!r}).")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise bad("The assertion header has no kid naming the service account key.")
    found = state.find_key(kid)
    if found is None:
        raise bad(f"Unknown key: no service account key has kid {kid!r}.")
    sa, key = found
    try:
        claims = jwt.decode(assertion, RSAKey.import_key(key.public_pem), algorithms=["RS256"]).claims
    except BadSignatureError:
        raise bad(f"Bad signature: the assertion was not signed with the private key of kid {kid!r}.") from None
    except (JoseError, ValueError) as exc:
        raise bad(f"The assertion could not be decoded: {exc}.") from None
    if key.status != "ENABLED" or sa.status != "ENABLED":
        raise bad(f"The service account {sa.id} or its key {kid!r} is disabled.")
    if claims.get("iss") != client_id or sa.created_by != client_id:
        raise bad(f"Wrong iss: {claims.get('iss')!r} must be the client id that authenticates and owns the account.")
    if claims.get("sub") != sa.id:
        raise bad(f"Wrong sub: {claims.get('sub')!r} is not the service account {sa.id} that owns kid {kid!r}.")
    aud = claims.get("aud")
    if not (aud in audiences if isinstance(aud, str) else isinstance(aud, list) and audiences & set(map(str, aud))):
        raise bad(f"Wrong aud: {aud!r}; it must be {APS_TOKEN_URL}.")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise bad("The assertion has no numeric exp claim.")
    if exp <= now:
        raise bad("Expired assertion: exp is in the past.")
    if exp > now + ASSERTION_MAX_LIFETIME + ASSERTION_LEEWAY:
        raise bad(f"exp is too far in the future: an assertion may live at most {ASSERTION_MAX_LIFETIME} seconds.")
    scope = claims.get("scope")
    if not isinstance(scope, list) or not scope or not all(isinstance(s, str) for s in scope):
        raise bad("The scope claim must be a non-empty JSON array of strings.")
    return sa, key, parse_scopes(" ".join(scope))
