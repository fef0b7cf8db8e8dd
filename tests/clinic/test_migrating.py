"""Start-up work under locks: static files are collected again only when their sources
changed (a restart after a crash should not wait 10-16 s for nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selfmob.clinic import migrating


def test_the_sources_digest_changes_with_a_source_file(settings: Any, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.css").write_text("a {}")
    settings.STATICFILES_DIRS = [extra]
    before = migrating._static_sources()
    assert migrating._static_sources() == before
    (extra / "a.css").write_text("a { color: red }")
    assert migrating._static_sources() != before


def test_collecting_is_skipped_when_the_folder_holds_these_sources(
    settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    (settings.STATIC_ROOT / ".selfmob-sources").write_text(migrating._static_sources())
    migrating._collect_static()
    assert sorted(p.name for p in settings.STATIC_ROOT.iterdir()) == [".selfmob-sources"]
