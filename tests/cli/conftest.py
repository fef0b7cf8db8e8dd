from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from selfmob.cli import main
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions
from tests.support.commands import Run


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def invoke(*argv: str) -> Run:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def answers_file(tmp_path: Path) -> Callable[..., Path]:
    def write(content: object = None, *, neck: bool = False, **yes: bool) -> Path:
        if content is None:
            content = {q.id: False for q in questions(load_catalogue(), neck=neck)}
            content.update({k.replace("_", "-"): v for k, v in yes.items()})
        path = tmp_path / "answers.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    return write
