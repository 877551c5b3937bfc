"""The controlled-vocabulary editor: list, add or edit a term with its synonyms, delete, import a file.

Writes go through the vocabulary editor the JSON API uses too (validation, the audit log, the
synonym index reset), and each answers with a redirect back to the list (post/redirect/get).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from loupe_core.librarian.vocabulary_edits import MAX_VOCABULARY_UPLOAD
from search_api.deps import Librarian, ServicesDep
from web.errors import PageRoute
from web.forms import TermForm
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/vocabulary",
    route_class=PageRoute,
    include_in_schema=False,
    default_response_class=HTMLResponse,
)
PAGE = "/librarian/vocabulary"


class EditTermForm(TermForm):
    original: str = Field(default="", max_length=200)
    """The term's name before this edit: renaming replaces the old entry."""


@router.get("")
def vocabulary_page(
    request: Request, principal: Librarian, services: ServicesDep, edit: str = "", notice: str | None = None
) -> HTMLResponse:
    terms = services.vocabulary.terms()
    editing = next((term for term in terms if term.term == edit), None)
    context = {
        "page_title": "Vocabulary – Loupe",
        "form": SearchForm(),
        "terms": terms,
        "editing": editing,
        "notice": notice_text(notice),
    }
    return render(request, "pages/librarian_vocabulary.html", context)


@router.post("")
def save_term(principal: Librarian, services: ServicesDep, form: Annotated[EditTermForm, Form()]) -> RedirectResponse:
    services.vocabulary_editor.save(principal, form.term_record(), form.original)
    return redirect_with_notice(PAGE, "term-saved")


@router.post("/delete")
def remove_term(
    principal: Librarian, services: ServicesDep, term: Annotated[str, Form(max_length=200)]
) -> RedirectResponse:
    services.vocabulary_editor.delete(principal, term)
    return redirect_with_notice(PAGE, "term-deleted")


@router.post("/import")
async def import_file(
    principal: Librarian, services: ServicesDep, file: Annotated[UploadFile, File()]
) -> RedirectResponse:
    """CSV (`term,kind,synonyms,prompt`) or SKOS-like JSON, told apart by the file name as in the API."""
    data = await file.read(MAX_VOCABULARY_UPLOAD + 1)
    services.vocabulary_editor.import_file(principal, file.filename or "", data)
    return redirect_with_notice(PAGE, "imported")
