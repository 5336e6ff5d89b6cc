"""The answer rule of search.ranking: words absent from the collection, key words spread over
articles, and the typo limit of search.backends.ranked.closest (pure functions, no database)."""

from search.backends.ranked import closest
from search.ranking import Alternative, Posting, Slot, Stats, rank


def _slot(term):
    return Slot(term, [Alternative((term,))])


def _posting(document, term, field="meta"):
    tf = {"title": 0, "meta": 0, "body": 0}
    tf[field] = 1
    return Posting(document, "nl", term, tf, {"title": 4, "meta": 10, "body": 100})


STATS = {"nl": Stats(20, {"title": 4, "meta": 10, "body": 100})}
# Filler documents so that the query's words are rare and "common" is common.
FILLER = [_posting(100 + n, "common", "body") for n in range(12)]


def _answered(slots, postings):
    return rank({"nl": slots}, [*postings, *FILLER], STATS, {}).answered


def test_an_absent_word_does_not_hide_an_article_that_covers_the_rest():
    slots = [_slot("diploma"), _slot("geldig"), _slot("syrie")]
    # "diploma" in one article's summary, "geldig" in the body of four others, "syrie" nowhere.
    postings = [_posting(1, "diploma"), *[_posting(n, "geldig", "body") for n in (2, 3, 4, 5)]]
    assert _answered(slots, postings)
    # Present in the collection (another article's body), "syrie" counts fully: no answer.
    assert not _answered(slots, [*postings, _posting(6, "syrie", "body")])


def test_absent_words_that_outnumber_the_present_ones_leave_the_query_unanswered():
    slots = [_slot("diploma"), _slot("syrie"), _slot("damascus")]
    assert not _answered(slots, [_posting(1, "diploma")])


def test_a_common_word_in_the_summary_does_not_answer_for_an_absent_word():
    slots = [_slot("verkeersboete"), _slot("common")]
    assert not _answered(slots, [_posting(1, "common")])


def test_key_words_spread_over_two_articles_are_no_answer():
    slots = [_slot("belasting"), _slot("aangifte")]
    postings = [_posting(1, "belasting"), _posting(2, "aangifte", "body")]
    assert not _answered(slots, postings)
    assert _answered(slots, [*postings, _posting(1, "aangifte", "body")])


def test_a_short_word_is_corrected_by_one_edit_only_when_other_words_were_found():
    vocabulary = [("dient", "dient", 5), ("client", "client", 1)]
    assert closest("clent", vocabulary[1:], strict=True) == ("client", "client")
    assert closest("client", [vocabulary[0]]) == ("dient", "dient")
    assert closest("client", [vocabulary[0]], strict=True) is None
