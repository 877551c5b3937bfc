"""Librarian › Curated results: rules that pin, hide and add synonyms per query, with what they did.

Writes go through the rule book the JSON API uses (validation, audit), post/redirect/get.
Each rule shows its firings and click-through on its pins over the last 30 days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from loupe_core.curated_results.rules import RuleDraft
from search_api.deps import Librarian, ServicesDep
from web.curation_forms import RuleForm, rule_form_values
from web.errors import PageRoute
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/rules", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
PAGE = "/librarian/rules"
STATS_DAYS = 30
EMPTY_FORM: dict[str, object] = {
    "name": "",
    "query": "",
    "match": "exact",
    "pins": "",
    "hides": "",
    "synonyms": "",
    "taxonomy": "",
    "enabled": True,
    "starts": "",
    "ends": "",
}


@router.get("")
def rules_page(
    request: Request, principal: Librarian, services: ServicesDep, edit: str = "", notice: str | None = None
) -> HTMLResponse:
    until = date.today()
    stats = services.rule_book.stats(until - timedelta(days=STATS_DAYS - 1), until)
    editing = next((s.rule for s in stats if s.rule.id == edit), None)
    context = {
        "page_title": "Curated results – Loupe",
        "form": SearchForm(),
        "stats": stats,
        "editing": editing,
        "values": rule_form_values(editing) if editing else EMPTY_FORM,
        "stats_days": STATS_DAYS,
        "notice": notice_text(notice),
    }
    return render(request, "pages/librarian_rules.html", context)


@router.post("")
def save_rule(
    principal: Librarian, services: ServicesDep, form: Annotated[RuleForm, Form()], rule_id: Annotated[str, Form()] = ""
) -> RedirectResponse:
    if rule_id:
        services.rule_book.update(principal.user_id, rule_id, form.draft())
    else:
        services.rule_book.create(principal.user_id, form.draft())
    return redirect_with_notice(PAGE, "rule-saved")


@router.post("/{rule_id}/delete")
def delete_rule(rule_id: str, principal: Librarian, services: ServicesDep) -> RedirectResponse:
    services.rule_book.delete(principal.user_id, rule_id)
    return redirect_with_notice(PAGE, "rule-deleted")


@router.post("/{rule_id}/toggle")
def toggle_rule(rule_id: str, principal: Librarian, services: ServicesDep) -> RedirectResponse:
    rule = services.rule_book.get(rule_id)
    draft = RuleDraft.model_validate(
        {**rule.model_dump(include=set(RuleDraft.model_fields)), "enabled": not rule.enabled}
    )
    services.rule_book.update(principal.user_id, rule_id, draft)
    return redirect_with_notice(PAGE, "rule-enabled" if draft.enabled else "rule-disabled")
