"""Writes. Each service validates its input, raises `InvalidInput`, and saves atomically."""
