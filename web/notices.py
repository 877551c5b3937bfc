"""One-line confirmations after a form posts and redirects (post/redirect/get).

The redirect carries a short code, never the message: a crafted link can only pick one of
these fixed sentences, so it cannot put words of its own on a trusted page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.responses import RedirectResponse

NOTICES = {
    "scanned": "Duplicate scan finished.",
    "merged": "Merged: the chosen asset was kept and the others retired.",
    "kept": "Kept the chosen asset and retired the others.",
    "not-duplicate": "Marked as not duplicates; the pair will not come back.",
    "approved": "Approved: the asset is published to its groups.",
    "rejected": "Rejected: the draft is retired, and your reason is in the audit log.",
    "conflict-keep_edit": "Kept the edited value; the source's value is set aside.",
    "conflict-take_source": "Took the source's value; the field follows its source again.",
    "term-saved": "Vocabulary term saved.",
    "term-deleted": "Vocabulary term deleted.",
    "imported": "Vocabulary file imported.",
    "rule-saved": "Curation rule saved; searches use it at once.",
    "rule-deleted": "Curation rule deleted.",
    "rule-enabled": "Curation rule enabled.",
    "rule-disabled": "Curation rule disabled; searches ignore it.",
    "user-added": "User added.",
    "user-disabled": "User disabled; their sessions and keys stop working.",
    "user-enabled": "User enabled.",
    "key-revoked": "API key revoked.",
}


def notice_text(code: str | None) -> str | None:
    return NOTICES.get(code or "")


def redirect_with_notice(path: str, code: str, **params: str) -> RedirectResponse:
    """303 back to a page (a GET), with the notice code appended to its own parameters."""
    return RedirectResponse(f"{path}?{urlencode({**params, 'notice': code})}", status_code=303)
