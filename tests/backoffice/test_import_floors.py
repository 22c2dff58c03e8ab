"""Floors never climb: backoffice uses neither app, customers does not use tickets."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_top_packages(package: str) -> dict[str, set[str]]:
    """For each module of ``package``, the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("backoffice", {"customers", "tickets", "sandbox"}), ("customers", {"tickets", "sandbox"})],
)
def test_a_package_imports_nothing_from_the_floors_above_it(
    package: str, forbidden: set[str]
) -> None:
    modules = imported_top_packages(package)
    assert modules, f"no modules found under {package}/"
    climbing = {module: sorted(names & forbidden) for module, names in modules.items()}
    assert {module: names for module, names in climbing.items() if names} == {}


def test_the_sandbox_imports_nothing_from_the_app() -> None:
    modules = imported_top_packages("sandbox")
    app_packages = {"backoffice", "customers", "tickets", "django"}
    assert {m: sorted(n & app_packages) for m, n in modules.items() if n & app_packages} == {}
