"""What a curation rule is and when it applies (Typesense overrides, Brandfolder pins, AEM boosts).

A rule names a query, matched exactly or by containment on whole words ("spring" contains in
"spring campaign 2026", not in "springer"), optionally only when the search also carries some
filter values (the rule for "logo" may apply only under `taxonomy=Brand`). What it does is
plain data: assets to pin at positions, assets to hide, synonyms for this query alone. Rules
never widen what a caller may see: `SearchService` applies them after permission filtering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from loupe_core.analytics.reports import normalise_query
from loupe_core.query import Filters

MAX_PINS = 20
MAX_HIDES = 200
MAX_SYNONYMS = 20
RULE_FILTERS = ("taxonomy", "tags", "file_type", "orientation", "status", "color_family")
"""`Filters` fields a rule may require (all listed values must be among the search's)."""


class RuleMatch(StrEnum):
    exact = "exact"
    contains = "contains"


class Pin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    asset_id: str = Field(min_length=1, max_length=512)
    position: int = Field(ge=1, le=100)
    """1-based place in the whole result list."""


class RuleDraft(BaseModel):
    """What a librarian writes; the book adds id, author and times."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1, max_length=200)
    match: RuleMatch = RuleMatch.exact
    filters: dict[str, list[str]] = Field(default_factory=dict)
    pins: list[Pin] = Field(default_factory=list, max_length=MAX_PINS)
    hides: list[str] = Field(default_factory=list, max_length=MAX_HIDES)
    synonyms: list[str] = Field(default_factory=list, max_length=MAX_SYNONYMS)
    enabled: bool = True
    starts: date | None = None
    ends: date | None = None

    @field_validator("query")
    @classmethod
    def _normalised(cls, value: str) -> str:
        query = normalise_query(value)
        if not query:
            raise ValueError("a rule needs a query")
        return query

    @field_validator("filters")
    @classmethod
    def _known_filters(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(RULE_FILTERS))
        if unknown:
            raise ValueError(f"rules may only require {', '.join(RULE_FILTERS)} (not {', '.join(unknown)})")
        return {name: sorted({v.strip() for v in values if v.strip()}) for name, values in value.items() if values}

    @field_validator("synonyms", "hides")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))

    @model_validator(mode="after")
    def _consistent(self) -> RuleDraft:
        if self.starts and self.ends and self.starts > self.ends:
            raise ValueError("the rule ends before it starts")
        pinned = [p.asset_id for p in self.pins]
        if len(set(pinned)) != len(pinned):
            raise ValueError("an asset is pinned twice")
        if set(pinned) & set(self.hides):
            raise ValueError("an asset cannot be both pinned and hidden")
        if not (self.pins or self.hides or self.synonyms):
            raise ValueError("a rule must pin, hide or add synonyms")
        return self


class ResultRule(RuleDraft):
    id: str
    created_by: str
    updated_at: datetime

    def active_on(self, day: date) -> bool:
        return self.enabled and (self.starts is None or self.starts <= day) and (self.ends is None or day <= self.ends)

    def matches(self, text: str, filters: Filters) -> bool:
        """`text` normalised; every required filter value must be among the search's own."""
        found = text == self.query if self.match is RuleMatch.exact else f" {self.query} " in f" {text} "
        return found and all(set(values) <= set(getattr(filters, name)) for name, values in self.filters.items())


@dataclass(frozen=True)
class Curation:
    """What the rules matching one search do, together."""

    rule_ids: tuple[str, ...]
    pins: tuple[tuple[str, int, str], ...] = ()
    """(asset id, 1-based position, rule id), by position; the first rule to pin an asset wins."""
    hides: frozenset[str] = field(default_factory=frozenset)
    synonyms: tuple[str, ...] = ()

    @classmethod
    def of(cls, rules: list[ResultRule]) -> Curation:
        """Exact rules before containment rules, then the most recently edited: the most specific wins."""
        ordered = sorted(rules, key=lambda r: (r.match is not RuleMatch.exact, -r.updated_at.timestamp(), r.id))
        pins: dict[str, tuple[str, int, str]] = {}
        for rule in ordered:
            for pin in rule.pins:
                pins.setdefault(pin.asset_id, (pin.asset_id, pin.position, rule.id))
        hides = {asset for rule in ordered for asset in rule.hides} - set(pins)
        synonyms = tuple(dict.fromkeys(s for rule in ordered for s in rule.synonyms))
        return cls(
            rule_ids=tuple(r.id for r in ordered),
            pins=tuple(sorted(pins.values(), key=lambda p: (p[1], p[0]))),
            hides=frozenset(hides),
            synonyms=synonyms,
        )
