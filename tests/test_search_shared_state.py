"""The search index's generation lives where every process sees it.

Web processes keep vocabularies and statistics in memory per generation; the worker that indexes
bumps it. Kept in the default cache (each process's memory without Redis), the bump never
reached the web processes: after `make run` the public search answered "no article" until a
restart.
"""

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from search.backends import ranked


@pytest.mark.django_db
def test_the_generation_survives_the_process_memory_and_a_bump_changes_it():
    before = ranked._generation(["article"])
    cache.clear()  # what another process's memory looks like: nothing of ours
    assert ranked._generation(["article"]) == before
    ranked.bump_generation("article")
    after = ranked._generation(["article"])
    assert after != before
    assert caches[settings.SHARED_STATE_CACHE].get(ranked._generation_key("article")) == after[0]
