"""Issue 15 item 9: the recurring-questions listing never fails — several groups, several
languages, anonymised questions — on SQLite and PostgreSQL."""

import pytest

from search import service
from search.models import SearchDocument
from search.recurring import recurring_without_answer
from tests import factories
from tests.search_corpus import fake_articles, make_questions


@pytest.fixture
def corpus(db):
    with fake_articles() as articles:
        questions, users, regions = make_questions()
        yield {"questions": questions, "users": users, "regions": regions, "articles": articles}


def ask(template, subject, body, language):
    return factories.question(
        domain=template.legal_domain,
        subject=subject,
        body=body,
        contact_language=language,
        municipality=template.municipality,
    )


def several_groups(corpus):
    template = corpus["questions"]["reunion"]
    made = []
    for n in range(3):
        made.append(
            ask(
                template,
                f"Leefloon geweigerd door OCMW {n}",
                "Het OCMW weigert mijn leefloon na verhuis.",
                "nl",
            )
        )
        made.append(
            ask(
                template,
                f"Allocations familiales groeipakket déménagement {n}",
                "Groeipakket allocations familiales stoppées après déménagement.",
                "fr",
            )
        )
        made.append(
            ask(
                template,
                f"بطاقة الإقامة انتهت البلدية {n}",
                "بطاقة الإقامة انتهت و البلدية ترفض التجديد",
                "ar",
            )
        )
    return made


def test_the_listing_shows_several_groups(client, corpus):
    made = several_groups(corpus)
    # An anonymised question: its text blanked.
    from tickets.models import Question

    Question.objects.filter(pk=made[0].pk).update(subject="", body="")
    service.rebuild("question")
    service.rebuild("article")
    SearchDocument.objects.filter(kind="question", object_id=str(made[1].pk)).update(
        text="", display_title=""
    )
    groups = recurring_without_answer("question", user=corpus["users"]["editor"])
    assert len(groups) >= 3
    client.force_login(corpus["users"]["editor"])
    for _attempt in range(2):  # the same answer twice in one process (no stale state)
        response = client.get("/admin/search/recurring/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "leefloon" in html and "groeipakket" in html and "بطاقة" in html


def test_a_deleted_question_leaves_the_listing_working(client, corpus):
    made = several_groups(corpus)
    service.rebuild("question")
    service.rebuild("article")
    made[0].delete()
    client.force_login(corpus["users"]["editor"])
    assert client.get("/admin/search/recurring/").status_code == 200


def test_a_question_that_recurs_often_still_forms_a_group():
    """The more often a question comes back, the more it must show: the words it shares are
    frequent among few documents, and that must not make them "too common to say anything"."""
    from search.recurring import cluster

    similar = [(str(n), ["verblijfskaart", "vervallen", "afspraak", f"extra{n}"]) for n in range(6)]
    other = [(f"o{n}", [f"woord{n}", f"ander{n}"]) for n in range(6)]
    groups = cluster(similar + other)
    assert [len(group) for group in groups] == [6]
