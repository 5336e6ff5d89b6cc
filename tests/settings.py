"""Test settings: the real settings module, with the development defaults and tasks run inline.

django-q2 reads its `sync` flag once, at import, so it is set here through the environment
before anything imports django_q, rather than with override_settings in a test.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ["DEBUG"] = "true"  # production mode is tested in subprocesses
os.environ["TASKS_SYNC"] = "true"
os.environ.setdefault("VAR_DIR", str(REPO / "var" / "test"))

from backoffice.settings import *  # noqa: E402,F403
from backoffice.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):
    # A file, not memory: the worker-process and browser tests share the database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

ARTIFACTS_DIR = REPO / "tests" / "artifacts"
PUBLIC_PAGE_CACHE_SECONDS = (
    0  # on in tests/test_page_cache.py only: the cache outlives each test's rollback
)
# Article reads written at once (knowledge.reads), so a test sees a read as soon as it is made.
ARTICLE_READS_FLUSH_SECONDS = 0
