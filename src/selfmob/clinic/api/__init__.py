"""The JSON API at /api/v1/ (django-ninja): thin endpoints over the same services, selectors
and access helpers as the pages, one error shape, OpenAPI 3 at /api/v1/openapi.json."""
