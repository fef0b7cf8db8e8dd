from __future__ import annotations

from typing import Any

import pytest

from tests.support.factories import Practice, build_practice


def pytest_configure(config: pytest.Config) -> None:
    """The SQLite test database is a file in the data folder: make sure the folder exists."""
    from django.conf import settings

    from tests.support.audit import let_flush_empty_the_trail

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    let_flush_empty_the_trail()


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    """Tests make many accounts: a fast hash keeps them quick (production uses argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def practice(db: None) -> Practice:
    """A coach's practice with every kind of record (tests/support/factories.py)."""
    return build_practice()
