"""Test modules and conftest files import shared helpers only from tests.support."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUPPORT = "tests.support"


def foreign_test_imports(source: str) -> list[str]:
    """The `tests.…` modules that `source` imports, other than tests.support and its modules."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "tests":
                names = [f"tests.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]  # relative: always another module
        else:
            continue
        found += [
            name
            for name in names
            if (name.startswith(("tests.", ".")) or name == "tests")
            and name != SUPPORT
            and not name.startswith(SUPPORT + ".")
        ]
    return found


def test_it_finds_imports_from_conftests_and_test_modules() -> None:
    source = """
import tests.clinic.conftest
from tests.e2e.conftest import sign_in
from tests import conftest
from .test_views import as_

def helper() -> None:
    from tests.knowledge.factories import rom_test
"""
    assert foreign_test_imports(source) == [
        "tests.clinic.conftest",
        "tests.e2e.conftest",
        "tests.conftest",
        ".test_views",
        "tests.knowledge.factories",
    ]


def test_it_allows_tests_support_and_other_packages() -> None:
    source = """
import tests.support.personas
from tests.support import personas
from tests.support.factories import Practice
from selfmob.clinic.models import User
import pytest
"""
    assert foreign_test_imports(source) == []


def test_no_test_module_or_conftest_imports_another_test_module() -> None:
    paths = sorted({*TESTS.rglob("test_*.py"), *TESTS.rglob("conftest.py")})
    offenders = [
        f"{path.relative_to(TESTS.parent)}: {name}"
        for path in paths
        for name in foreign_test_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
