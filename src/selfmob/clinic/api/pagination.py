"""`limit` and `offset` with bounds on both, so that a huge or negative value is a 400 in the
error shape, never a number the database cannot take (SQLite's integers end at 2**63 - 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_type_hints

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate

MAX_OFFSET = 1_000_000
"""Far beyond any practice's list; deeper pages would mean a slow scan anyway."""


class BoundedPagination(LimitOffsetPagination):
    """Limit 1 to NINJA_PAGINATION_MAX_LIMIT (default NINJA_PAGINATION_PER_PAGE); offset 0 to
    MAX_OFFSET."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=ninja_settings.PAGINATION_MAX_LIMIT,
            description="How many items to answer with.",
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description="How many items to skip from the start."
        )


def paginated(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view as a bounded list. Its annotations are resolved first: ninja's `paginate`
    wrapper looks the names of string annotations up in ninja's own module, where `UUID`
    (a path parameter's type) is unknown. Extras are kept: `Query[Schema]` is one."""
    view.__annotations__ = get_type_hints(view, include_extras=True)
    wrapped: Callable[..., Any] = paginate(BoundedPagination)(view)
    return wrapped
