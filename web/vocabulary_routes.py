"""The controlled-vocabulary editor: list, add or edit a term with its synonyms, delete, import a file.

Writes go through the JSON API's handlers (validation, the audit log, the synonym index reset),
and each answers with a redirect back to the list (post/redirect/get).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from search_api.deps import ServicesDep
from search_api.routers.librarian import Librarian, delete_term, import_terms, upsert_terms, vocabulary
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
    terms = vocabulary(principal, services)
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
    term = form.term_record()
    upsert_terms([term], principal, services)
    if form.original and form.original != term.term:
        delete_term(form.original, principal, services)
    return redirect_with_notice(PAGE, "term-saved")


@router.post("/delete")
def remove_term(
    principal: Librarian, services: ServicesDep, term: Annotated[str, Form(max_length=200)]
) -> RedirectResponse:
    delete_term(term, principal, services)
    return redirect_with_notice(PAGE, "term-deleted")


@router.post("/import")
async def import_file(
    principal: Librarian, services: ServicesDep, file: Annotated[UploadFile, File()]
) -> RedirectResponse:
    """CSV (`term,kind,synonyms,prompt`) or SKOS-like JSON, told apart by the file name as in the API."""
    await import_terms(principal, services, file)
    return redirect_with_notice(PAGE, "imported")
