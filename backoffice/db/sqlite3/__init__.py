"""SQLite with a write gate between processes (base.py)."""
