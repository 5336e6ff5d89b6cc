"""Kept for existing imports: the limits live in the platform (backoffice.ratelimit)."""

from backoffice.ratelimit import client_key, limit_reached

__all__ = ["client_key", "limit_reached"]
