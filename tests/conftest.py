from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The SQLite test database is a file in the data folder: make sure the folder exists."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
