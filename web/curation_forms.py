"""The curated-results form as browsers send it, turned into the core's `RuleDraft`.

Pins are typed one per line as `position asset-id` (`1 spring-hero`), hidden assets one id a
line, synonyms comma-separated, the optional category condition one path a line; the core
validates the rest, so the page refuses exactly what the API refuses.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from loupe_core.curated_results.rules import ResultRule, RuleDraft
from loupe_core.errors import InvalidQuery
from web.forms import OptionalDay, build, split_lines, split_terms


class RuleForm(BaseModel):
    name: str = Field(default="", max_length=200)
    query: str = Field(default="", max_length=200)
    match: str = Field(default="exact", max_length=20)
    pins: str = Field(default="", max_length=20_000)
    hides: str = Field(default="", max_length=20_000)
    synonyms: str = Field(default="", max_length=5_000)
    taxonomy: str = Field(default="", max_length=5_000)
    enabled: bool = False
    starts: OptionalDay = None
    ends: OptionalDay = None

    def draft(self) -> RuleDraft:
        pins = []
        for line in split_lines(self.pins):
            position, _, asset_id = line.partition(" ")
            if not position.isdigit() or not asset_id.strip():
                raise InvalidQuery(f"pins: write one a line as “position asset-id”, not {line[:80]!r}")
            pins.append({"asset_id": asset_id.strip(), "position": int(position)})
        taxonomy = split_lines(self.taxonomy)
        return build(
            lambda: RuleDraft(
                name=self.name,
                query=self.query,
                match=self.match,
                pins=pins,
                hides=split_lines(self.hides),
                synonyms=split_terms(self.synonyms),
                filters={"taxonomy": taxonomy} if taxonomy else {},
                enabled=self.enabled,
                starts=self.starts,
                ends=self.ends,
            )
        )


def rule_form_values(rule: ResultRule) -> dict[str, object]:
    """A stored rule as its edit form shows it."""
    return {
        "name": rule.name,
        "query": rule.query,
        "match": rule.match.value,
        "pins": "\n".join(f"{p.position} {p.asset_id}" for p in rule.pins),
        "hides": "\n".join(rule.hides),
        "synonyms": ", ".join(rule.synonyms),
        "taxonomy": "\n".join(rule.filters.get("taxonomy", [])),
        "enabled": rule.enabled,
        "starts": rule.starts.isoformat() if rule.starts else "",
        "ends": rule.ends.isoformat() if rule.ends else "",
    }
