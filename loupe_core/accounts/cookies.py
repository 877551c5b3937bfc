"""Signed session cookies and CSRF tokens.

The cookie carries only a random session id, signed so that a tampered cookie is rejected
before any lookup. A CSRF token is an HMAC of what authenticates the caller (that session id,
or the user an SSO proxy names), so it needs no storage of its own and no other site can
compute it; an SSO user's token lasts until the secret key changes.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeSerializer

SESSION_COOKIE = "loupe_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class CookieSigner:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        self._serializer = URLSafeSerializer(secret, salt="loupe-session")

    def sign(self, session_id: str) -> str:
        return self._serializer.dumps(session_id)

    def unsign(self, cookie: str) -> str | None:
        try:
            value = self._serializer.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def csrf_token(self, subject: str) -> str:
        return hmac.new(self._secret, f"csrf:{subject}".encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, subject: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(subject), token or "")
