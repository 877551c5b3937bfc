"""Records each search (and later its clicks) in the search log, without ever delaying it.

The result count logged is what the keyword part matched when there was one, so a hybrid
search whose words matched nothing still counts as a zero-result search for analysts, even
though semantic neighbours filled the page. Searches by image are logged with mode "image"
and no text: they count in searches per day and click-through, not in query reports.
Search-as-you-type requests are held until the typing settles (`typing_searches`), so the
log holds the queries users settled on, not every partial word.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from fastapi import Request

from loupe_core.analytics.events import SearchEvent
from loupe_core.principal import Principal
from loupe_core.query import Query, SearchResult
from search_api.auth import session_id
from search_api.services import Services

TYPING_HEADER = "X-Loupe-Typing"
"""Sent by the search box's search-as-you-type requests (see partials/_search_form.html)."""


def pseudonymous_session(request: Request, services: Services) -> str:
    """A stable, non-reversible id for the browser session (never the cookie itself)."""
    sid = session_id(request, services) or request.headers.get("authorization", "")
    return hashlib.sha256(sid.encode()).hexdigest()[:16] if sid else ""


def record_search(
    request: Request,
    services: Services,
    principal: Principal,
    query: Query,
    result: SearchResult,
    mode: str | None = None,
) -> str:
    """Logs the search; `mode` overrides the result's mode where the input kind matters ("image")."""
    query_id = uuid.uuid4().hex
    # A collection filter arrives as its ids (up to 10,000): nobody typed them, the log keeps the rest.
    filters = query.filters.model_dump(mode="json", exclude_defaults=True, exclude={"ids"})
    session = pseudonymous_session(request, services)
    event = SearchEvent(
        query_id=query_id,
        user_query=query.text,
        mode=mode or result.mode.value,
        result_count=result.keyword_matches if result.keyword_matches is not None else result.total,
        latency_ms=round(result.took_ms, 2),
        user_id=principal.user_id,
        groups=tuple(sorted(principal.groups)),
        session_id=session,
        page=query.page,
        filters=filters,
        rescued=result.rescued,
    )
    if result.rules_fired:
        pinned = {hit.asset.id: hit.pinned_by for hit in result.hits if hit.pinned_by}
        services.rule_book.record(query_id, result.rules_fired, pinned, query.today or date.today())
    if session and request.headers.get(TYPING_HEADER) == "1":
        services.typing.hold(session, event)
    else:
        services.typing.searched(session)
        services.recorder.record(event)
    return query_id
