"""The installed `selfmob` command, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SELFMOB = Path(sys.executable).with_name("selfmob")


def selfmob(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SELFMOB), *argv], capture_output=True, text=True, check=False)


def test_the_console_script_answers_in_json() -> None:
    result = selfmob("assess", "--test", "wblt-angle", "--left", "30", "--right", "44", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sides"]["left"]["status"] == "restricted"


def test_bad_input_exits_2_with_one_line_on_stderr() -> None:
    result = selfmob("change", "--test", "wblt-angle", "--before", "nan", "--after", "3")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1


def test_knowledge_commands_never_import_django() -> None:
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from selfmob.cli import main\n"
        "main(['assess', '--test', 'wblt-distance', '--left', '8', '--right', '12', '--json'])\n"
        "main(['techniques', '--json'])\n"
        "assert not any(m.startswith('django') and sys.modules[m] for m in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=os.environ
    )
    assert result.returncode == 0, result.stderr
