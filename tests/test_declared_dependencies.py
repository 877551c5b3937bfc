"""Every third-party module the code imports is declared in pyproject.toml.

A package that happens to sit in a developer's venv passes every other test and then fails on a
fresh machine (CI once did, on argon2 and itsdangerous). Product code must declare its imports
directly; tests and benchmarks may also lean on what a declared package itself requires.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("loupe_core", "indexer", "search_api", "web", "loupe_cli")
SUPPORT = ("tests", "bench")
# bench scripts import their sibling modules (common_*.py) by bare name.
LOCAL = set(PRODUCT) | set(SUPPORT) | {path.stem for path in (ROOT / "bench").glob("*.py")}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _normalise(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_requirement_name(spec) for spec in project["dependencies"]}
    extras = {
        _requirement_name(spec)
        for specs in project["optional-dependencies"].values()
        for spec in specs
        if _requirement_name(spec) != "loupe"
    }
    return runtime, runtime | extras


def _requires_closure(names: set[str]) -> set[str]:
    """Distributions reachable from `names` through their own requirements (any extra)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo.extend(_requirement_name(req) for req in requirements)
    return seen


def _imports(folder: str) -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in LOCAL and m != "__future__"}


def _distributions(module: str) -> set[str]:
    return {_normalise(d) for d in metadata.packages_distributions().get(module, [])}


@pytest.mark.parametrize("folder", PRODUCT)
def test_product_imports_are_declared_directly(folder: str) -> None:
    runtime, _ = _declared()
    undeclared = {m for m in _imports(folder) if not _distributions(m) & runtime}
    assert not undeclared, f"{folder} imports modules no runtime dependency provides: {sorted(undeclared)}"


@pytest.mark.parametrize("folder", SUPPORT)
def test_support_imports_come_from_declared_packages(folder: str) -> None:
    _, everything = _declared()
    reachable = _requires_closure(everything)
    undeclared = {m for m in _imports(folder) if not _distributions(m) & reachable}
    assert not undeclared, f"{folder} imports modules that no declared package brings: {sorted(undeclared)}"
