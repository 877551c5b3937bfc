"""What a user name may be, the one form every lookup uses, and the names no account may take."""

from __future__ import annotations

import re

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
"""Use with `fullmatch`: `$` would also accept a trailing newline."""
RESERVED = frozenset({"anonymous", "system"})
"""Names that read as someone other than a person in audit entries and search logs: `system` is the
service acting for itself (`loupe_core.principal.SYSTEM`), `anonymous` what guests were once called."""


def canonical_user_name(raw: str) -> str:
    """The form sign-in, the SSO header and the sign-in limiter all look up (surrounding whitespace
    dropped, lower case). One function, so the limiter can never count a different name from the
    one that signs in: `" Admin\\t"` and `"admin"` share one count."""
    return raw.strip().lower()
