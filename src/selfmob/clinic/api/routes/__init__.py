"""Endpoints grouped by resource."""
