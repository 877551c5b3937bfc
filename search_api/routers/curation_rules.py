"""Curated results: librarians' rules (pin, hide, synonyms per query) and how often they fired.

The rules live in `loupe_core.curated_results.book.RuleBook`; every change is audited there.
Analysts read each rule's firings and the click-through on its pinned hits.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from loupe_core.curated_results.book import RuleStats
from loupe_core.curated_results.rules import ResultRule, RuleDraft
from search_api.csv_export import CSV_RESPONSE, csv_response
from search_api.deps import Analyst, Librarian, ServicesDep
from search_api.period_params import PeriodDep

router = APIRouter(tags=["curated results"])


@router.get("/api/librarian/rules", response_model=list[ResultRule], summary="Every curation rule")
def list_rules(principal: Librarian, services: ServicesDep) -> list[ResultRule]:
    return services.rule_book.rules()


@router.post("/api/librarian/rules", response_model=ResultRule, status_code=201, summary="Add a curation rule")
def create_rule(draft: RuleDraft, principal: Librarian, services: ServicesDep) -> ResultRule:
    return services.rule_book.create(principal.user_id, draft)


@router.get("/api/librarian/rules/{rule_id}", response_model=ResultRule)
def get_rule(rule_id: str, principal: Librarian, services: ServicesDep) -> ResultRule:
    return services.rule_book.get(rule_id)


@router.put("/api/librarian/rules/{rule_id}", response_model=ResultRule, summary="Replace a curation rule")
def update_rule(rule_id: str, draft: RuleDraft, principal: Librarian, services: ServicesDep) -> ResultRule:
    return services.rule_book.update(principal.user_id, rule_id, draft)


@router.delete("/api/librarian/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: str, principal: Librarian, services: ServicesDep) -> Response:
    services.rule_book.delete(principal.user_id, rule_id)
    return Response(status_code=204)


@router.get(
    "/api/analytics/rules", response_model=list[RuleStats], responses=CSV_RESPONSE, summary="How often each rule fired"
)
def rule_stats(
    principal: Analyst, services: ServicesDep, period: PeriodDep, format: Literal["json", "csv"] = "json"
) -> list[RuleStats] | Response:
    stats = services.rule_book.stats(period.since, period.until)
    if format == "csv":
        return csv_response(
            "curated-results.csv",
            ["rule", "query", "match", "enabled", "fired", "pinned_shown", "pinned_clicks", "pinned_click_through"],
            [[s.rule.name, s.rule.query, s.rule.match.value, s.rule.enabled, s.fired, s.pinned_shown,
              s.pinned_clicks, s.pinned_click_through] for s in stats],
        )  # fmt: skip
    return stats
