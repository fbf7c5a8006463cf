import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "calendars"
FORBIDDEN = {"flask", "sqlalchemy", "app"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


MODULES = sorted(PACKAGE.glob("*.py"))


def test_the_calendars_package_has_modules_to_scan():
    assert len(MODULES) >= 8


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_no_calendars_module_imports_flask_sqlalchemy_or_the_app(path):
    assert not imported_roots(path) & FORBIDDEN
