"""The knowledge core imports nothing of the web: it must load with Django absent."""

from __future__ import annotations

import ast
from pathlib import Path

import selfmob.knowledge

PACKAGE = Path(selfmob.knowledge.__file__).parent
FORBIDDEN = ("django", "ninja", "selfmob.clinic", "selfmob.api", "selfmob.exports", "selfmob.cli")


def test_no_module_of_the_knowledge_core_imports_the_web() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []
