"""Pages call `loupe_core` services, never the JSON API's handlers.

A handler is an adapter for JSON: calling it from a page drags in its response types (the
`cast()` that strips a CSV `Response`) and hides behaviour in the wrong layer. Dependencies
(`search_api.deps`), response bodies (`search_api.schemas`) and the like stay importable;
`search_api.routers` does not. Imports are read with `ast`, so a string or a comment that
mentions the package does not count, and every import form (`import`, `from ... import`) does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
ROUTERS = "search_api.routers"


def _imported_modules(tree: ast.Module) -> set[str]:
    """Every module an import statement names, with `from a import b` also read as `a.b` (b may be a module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def router_imports(path: Path) -> list[str]:
    modules = _imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return sorted(m for m in modules if m == ROUTERS or m.startswith(ROUTERS + "."))


def _web_modules() -> list[Path]:
    return sorted(WEB.rglob("*.py"))


@pytest.mark.parametrize("path", _web_modules(), ids=lambda p: str(p.relative_to(WEB)))
def test_web_module_does_not_import_api_handlers(path: Path) -> None:
    assert router_imports(path) == [], f"web/{path.relative_to(WEB)} imports API handlers; call a service instead"


@pytest.mark.parametrize(
    "source",
    [
        "from search_api.routers.admin import users",
        "from search_api.routers import admin",
        "from search_api import routers",
        "import search_api.routers.librarian",
        "def page():\n    from search_api.routers.analytics import period",
    ],
)
def test_every_import_form_is_caught(source: str, tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text(source, encoding="utf-8")
    assert router_imports(module)


def test_other_search_api_modules_are_allowed(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text('from search_api.deps import Librarian\n"""search_api.routers"""\n', encoding="utf-8")
    assert router_imports(module) == []
