"""The map holds: layouts/ and calendars/ are pure libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "sqlalchemy", "app"}


def imported_roots(path: Path) -> set[str]:
    """The top-level package of every import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["layouts", "calendars"])
def test_pure_package_imports_neither_flask_nor_sqlalchemy_nor_app(package):
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"{package}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN)
        for path in modules
        if imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_the_import_scan_notices_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom sqlalchemy.orm import Session\nimport app.models\n")
    assert imported_roots(module) & FORBIDDEN == {"sqlalchemy", "app"}


def test_only_config_reads_the_environment():
    readers = [
        str(path.relative_to(ROOT))
        for package in ("app", "layouts", "calendars")
        for path in (ROOT / package).rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8")
        or "getenv(" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
