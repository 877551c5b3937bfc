"""Accepting or rejecting a suggested term: the asset edit, the remembered decision and the audit entry.

An accepted term becomes a person's edit of `tags` or `taxonomy` (so no index run removes it);
either decision is remembered per asset, so the term is not suggested again.
"""

from __future__ import annotations

from loupe_core.errors import InvalidQuery
from loupe_core.librarian.editing import AssetEditor
from loupe_core.librarian.suggestions import Decision, Suggestion, TagSuggester
from loupe_core.principal import Principal
from loupe_core.schema import Asset


class SuggestionDesk:
    def __init__(self, editor: AssetEditor, suggester: TagSuggester) -> None:
        self.editor = editor
        self.suggester = suggester

    def suggestions(self, principal: Principal, asset_id: str) -> list[Suggestion]:
        """Suggestions are for people who may act on them: the asset's editors."""
        return self.suggester.suggest(self.editor.editable(principal, asset_id).asset)

    def decide(self, principal: Principal, asset_id: str, term: str, decision: Decision) -> Asset:
        asset = self.editor.editable(principal, asset_id).asset
        terms = {t.term: t for t in self.suggester.vocabulary.terms()}
        if term not in terms:
            raise InvalidQuery(f"{term!r} is not in the vocabulary")
        if decision == "accepted":
            field = "taxonomy" if terms[term].kind == "taxonomy" else "tags"
            asset = self.editor.update(
                principal, asset_id, lambda current: {field: [*getattr(current, field), term]}, "asset.edit"
            ).asset
        self.suggester.record(asset_id, term, decision, principal.user_id)
        self.editor.accounts.record(principal.user_id, f"suggestion.{decision}", f"asset:{asset_id}", {"term": term})
        return asset
