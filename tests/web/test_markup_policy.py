"""Every page obeys the strict CSP and the basic accessibility rules, checked on the parsed HTML.

The CSP (`script-src 'self'; style-src 'self'`) silently breaks inline scripts, event-handler
attributes, `style=` attributes and htmx's `hx-on` (it needs eval); a browser would only log
it. So each page is parsed and checked here, including the htmx fragments and planted hostile
metadata. Accessibility: images have alt text, form controls have a label, ids are unique.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from loupe_core.principal import Role
from tests.web.conftest import Roles

PAGES = [
    "/",
    "/?q=cat",
    "/?q=zzzz-nothing",
    "/assets/hostile-1",
    "/assets/wf/finance",
    "/assets/wf/camera-name/edit",
    "/assets/wf/camera-name/suggestions",
    "/assets/wf/original/duplicates",
    "/assets/animals/cats/tabby.jpg/similar",
    "/upload",
    "/collections",
    "/saved-searches",
    "/librarian/incomplete",
    "/librarian/approvals",
    "/librarian/duplicates",
    "/librarian/licences",
    "/librarian/vocabulary",
    "/analytics/zero-results",
    "/analytics/top-queries",
    "/analytics/no-click-queries",
    "/admin/users",
    "/admin/groups",
    "/admin/keys",
    "/admin/audit",
    "/login",
    "/no-such-page",
]
LABELLED_BY_TYPE = {"hidden", "submit", "button", "reset"}


class PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None]]] = []
        self._script_src: bool | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> is blocked by the CSP")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if found.get("id"):
            self.ids[str(found["id"])] += 1
        if tag == "style":
            self.problems.append("inline <style> is blocked by the CSP")
        if tag == "script":
            self._script_src = bool(found.get("src"))
        if tag == "img" and found.get("alt") is None:
            self.problems.append(f"<img src={found.get('src')!r}> has no alt")
        if tag == "label" and found.get("for"):
            self.label_for.add(str(found["for"]))
        if tag in ("input", "select", "textarea") and found.get("type") not in LABELLED_BY_TYPE:
            self.controls.append((tag, found))

    def handle_data(self, data: str) -> None:
        if self._script_src is False and data.strip():
            self.problems.append("inline <script> is blocked by the CSP")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_src = None

    def unlabelled(self) -> list[str]:
        return [
            f"<{tag} name={attrs.get('name')!r}>"
            for tag, attrs in self.controls
            if attrs.get("id") not in self.label_for and not attrs.get("aria-label")
        ]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
@pytest.mark.parametrize("url", PAGES)
def test_markup_is_csp_safe_and_labelled(roles: Roles, url: str, htmx: bool) -> None:
    headers = {**roles.headers[Role.admin], "Accept": "text/html"}
    if htmx:
        headers["HX-Request"] = "true"
    response = roles.client.get(url, headers=headers)
    assert response.status_code in (200, 404)

    audit = PageAudit()
    audit.feed(response.text)

    assert audit.problems == []
    assert audit.unlabelled() == []
    assert [name for name, count in audit.ids.items() if count > 1] == []


def test_pages_load_only_same_origin_scripts(roles: Roles) -> None:
    html = roles.client.get("/", headers=roles.headers[Role.admin]).text

    assert '<script src="/static/htmx.min.js" defer></script>' in html
    assert '<script src="/static/loupe.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html  # htmx would otherwise inject a <style> element
    assert '"allowEval": false' in html


def test_the_script_uses_no_eval_or_inline_styles(roles: Roles) -> None:
    script = roles.client.get("/static/loupe.js").text

    for forbidden in ("eval(", "new Function", ".style.", "innerHTML", 'setAttribute("style"'):
        assert forbidden not in script
