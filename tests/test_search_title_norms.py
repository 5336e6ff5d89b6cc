"""The database backend's title norms (search.backends.title_norms): each newly indexed entry gets
its norm (average title length / its own) without a refresh of the whole index."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.conf import get_app_config

from search import service
from search.models import SearchDocument
from tests import factories
from tests.search_corpus import make_questions


def entry_of(question):
    document = SearchDocument.objects.get(kind="question", object_id=str(question.pk))
    IndexEntry = get_app_config().get_model("IndexEntry")  # noqa: N806
    return IndexEntry.objects.get(
        content_type=ContentType.objects.get_for_model(SearchDocument), object_id=str(document.pk)
    )


@pytest.mark.django_db
def test_a_new_entry_gets_its_norm_and_others_keep_theirs():
    cache.clear()
    questions, _users, _regions = make_questions()
    service.rebuild("question")
    before = {name: entry_of(question).title_norm for name, question in questions.items()}
    assert all(norm != 1.0 for norm in before.values())

    new = factories.question(
        domain=questions["leefloon"].legal_domain,
        subject="Leefloon aanvragen bij het OCMW van mijn nieuwe gemeente na een verhuis",
        body="Ik ben verhuisd. Welk OCMW moet mijn leefloon betalen?",
        municipality=questions["leefloon"].municipality,
    )
    service.index(new)  # the average title length is read once and kept

    with CaptureQueriesContext(connection) as written:
        service.index(new)
    assert not [query for query in written if "AVG(" in query["sql"].upper()]
    assert entry_of(new).title_norm not in (1.0, None)
    assert {name: entry_of(question).title_norm for name, question in questions.items()} == before
