"""Database backends of the platform (see sqlite3/base.py)."""
