"""Knowledge base: audience rule, listings, sitemap, import, translations, votes, reading."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.utils.html import escape
from django.utils.translation import gettext, override
from wagtail.models import Locale

from knowledge.audiences import readable_articles, readable_audiences
from knowledge.importing import import_directory, parse_file
from knowledge.models import ArticlePage, ArticleVote
from knowledge.translations import outdated_translations
from tests.conftest import make_user

DATA = Path(__file__).parent / "data" / "articles"
PUBLIC_URL = "/nl/kennisbank/residence/test-gezinshereniging/"
ARABIC_URL = "/ar/knowledge/residence/test-gezinshereniging/"
PROFESSIONALS_URL = "/nl/kennisbank/social-law/test-leefloon-professionals/"
INTERNAL_URL = "/nl/kennisbank/nationality/test-interne-werkwijze/"


@pytest.fixture
def articles(db):
    report = import_directory(DATA)
    assert report.ok, report.errors
    return {page.slug + "@" + page.locale.language_code: page for page in ArticlePage.objects.all()}


def shown(text: str, language: str = "nl") -> str:
    """`text` as a reader of `language` sees it in the HTML (after the catalogues are made)."""
    with override(language):
        return escape(gettext(text))


def article(slug, language="nl"):
    return ArticlePage.objects.get(slug=slug, locale__language_code=language)


# --- the audience rule ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", ["public"]),
        ("professional", ["public", "professionals"]),
        ("specialist", ["public", "professionals", "internal"]),
        ("editor", ["public", "professionals", "internal"]),
        ("coordinator", ["public", "professionals", "internal"]),
        ("superuser", ["public", "professionals", "internal"]),
    ],
)
def test_readable_audiences(user_for_role, role, expected):
    user = user_for_role(role) or AnonymousUser()
    assert readable_audiences(user) == expected


def test_readable_articles_only_live(articles):
    draft = article("test-gezinshereniging")
    draft.unpublish()
    slugs = set(readable_articles(AnonymousUser()).values_list("slug", flat=True))
    assert slugs == {"test-gezinshereniging"}  # only the Arabic one is still live
    assert readable_articles(AnonymousUser()).get().locale.language_code == "ar"


def test_index_and_landing_list_only_readable_articles(articles, client):
    response = client.get("/nl/kennisbank/social-law/")
    assert b"test-leefloon-professionals" not in response.content
    response = client.get("/nl/kennisbank/?situation=money")
    assert b"test-leefloon-professionals" not in response.content

    client.force_login(make_user("professional"))
    assert b"test-leefloon-professionals" in client.get("/nl/kennisbank/social-law/").content
    assert b"test-leefloon-professionals" in client.get("/nl/kennisbank/?situation=money").content
    assert b"test-interne-werkwijze" not in client.get("/nl/kennisbank/nationality/").content

    client.force_login(make_user("specialist"))
    assert b"test-interne-werkwijze" in client.get("/nl/kennisbank/nationality/").content


def test_landing_browses_by_life_situation(articles, client):
    html = client.get("/nl/kennisbank/").content.decode()
    assert "?situation=family" in html and "?situation=residence-papers" in html
    assert "?situation=nationality" not in html  # its only article is internal
    assert 'href="/nl/kennisbank/residence/"' in html  # by domain too
    selected = client.get("/nl/kennisbank/?situation=family").content.decode()
    assert PUBLIC_URL in selected


def test_sitemap_lists_public_articles_only(articles, client):
    client.force_login(make_user("superuser"))  # the sitemap never depends on who asks
    xml = client.get("/sitemap.xml").content.decode()
    assert PUBLIC_URL in xml and ARABIC_URL in xml
    assert PROFESSIONALS_URL not in xml and INTERNAL_URL not in xml


# --- reading ---


def test_article_shows_summary_first_review_date_and_demo_notice(articles, client):
    html = client.get(PUBLIC_URL).content.decode()
    summary = html.index("Een erkende vluchteling kan zijn gezin")
    assert summary < html.index("Gezinshereniging betekent")  # summary before the body
    assert "15 oktober 2026" in html
    assert "kb-notice--demo" in html
    for rendered in ("kb-checklist", "kb-steps", "kb-legal", "kb-warning", "kb-where"):
        assert rendered in html
    assert 'href="/nl/ask/?domain=residence"' in html


def test_arabic_article_is_rtl(articles, client):
    html = client.get(ARABIC_URL).content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html


def test_body_text_and_review_due_date(articles):
    page = article("test-gezinshereniging")
    text = page.body_text()
    assert "Geldig paspoort – altijd" in text
    assert "Maak een afspraak bij de ambassade." in text
    assert "Wet van 15 december 1980 (Vreemdelingenwet) art. 10" in text
    assert "<" not in text
    assert page.review_due_date == datetime.date(2027, 4, 15)
    professionals = article("test-leefloon-professionals")
    assert professionals.review_due_date == datetime.date(2027, 9, 1)


# --- import ---


def test_import_is_idempotent(articles, tmp_path):
    pages = ArticlePage.objects.count()
    revisions = {page.pk: page.latest_revision_id for page in ArticlePage.objects.all()}
    report = import_directory(DATA)
    assert len(report.unchanged) == 4 and not report.created and not report.updated
    assert ArticlePage.objects.count() == pages == 4
    assert {page.pk: page.latest_revision_id for page in ArticlePage.objects.all()} == revisions

    # A changed file updates its article in place.
    copy = tmp_path / "articles"
    shutil.copytree(DATA, copy)
    source_file = copy / "nl" / "test-gezinshereniging.md"
    source_file.write_text(
        source_file.read_text().replace("Testartikel gezinshereniging", "Nieuwe titel"), "utf-8"
    )
    report = import_directory(copy)
    assert report.updated == ["nl/test-gezinshereniging"] and len(report.unchanged) == 3
    assert ArticlePage.objects.count() == 4
    assert article("test-gezinshereniging").title == "Nieuwe titel"


def test_import_publishes_reviewed_translations(articles):
    source = article("test-gezinshereniging")
    translation = article("test-gezinshereniging", "ar")
    assert source.live and translation.live
    assert translation.translation_key == source.translation_key
    assert translation.get_parent().specific.legal_domain.slug == "residence"
    assert translation.get_parent().locale.language_code == "ar"
    assert translation.last_review_date == datetime.date(2026, 10, 15)
    assert source.reviewer == "Testjurist" and source.is_demo
    assert set(source.tags.names()) == {"gezinshereniging", "visum D"}
    assert source.situation_keys() == ["residence-papers", "family"]
    assert article("test-interne-werkwijze").review_interval_months == 6  # the default


def test_import_reports_bad_files_and_goes_on(db, tmp_path, capsys):
    (tmp_path / "nl").mkdir()
    shutil.copy(DATA / "nl" / "test-interne-werkwijze.md", tmp_path / "nl")
    good = (DATA / "nl" / "test-leefloon-professionals.md").read_text()
    (tmp_path / "nl" / "bad-domain.md").write_text(
        good.replace("domains: social-law", "domains: social-law, astrology"), "utf-8"
    )
    (tmp_path / "nl" / "open-block.md").write_text(
        good.replace("slug: test-leefloon-professionals", "slug: open-block").replace(
            "art. 3 |\n:::", "art. 3 |\n"
        ),
        "utf-8",
    )
    (tmp_path / "nl" / "no-front-matter.md").write_text("Just text\n", "utf-8")

    with pytest.raises(CommandError, match="3 errors"):
        call_command("import_articles", str(tmp_path))
    output = capsys.readouterr()
    assert "[1/4] nl/bad-domain... ERROR" in output.out
    assert "bad-domain.md:5: unknown legal domain(s): astrology" in output.err
    assert "open-block.md:17: block 'legal' is not closed" in output.err
    assert "no-front-matter.md:1:" in output.err
    assert "nl/test-interne-werkwijze... created" in output.out
    assert ArticlePage.objects.filter(slug="test-interne-werkwijze").exists()


def test_translation_needs_its_source(db, tmp_path):
    (tmp_path / "ar").mkdir()
    shutil.copy(DATA / "ar" / "test-gezinshereniging.md", tmp_path / "ar")
    report = import_directory(tmp_path)
    assert "does not exist" in str(report.errors[0])
    assert not ArticlePage.objects.exists()


def test_markdown_is_sanitised(db, tmp_path):
    path = tmp_path / "x.md"
    text = (DATA / "nl" / "test-interne-werkwijze.md").read_text()
    path.write_text(text + "\n<script>alert(1)</script>\n[x](javascript:alert(1))\n", "utf-8")
    html = str(parse_file(path).body)
    assert "<script" not in html and "javascript:" not in html


# --- outdated translations ---


def test_translation_outdated_when_source_published_later(articles, client):
    translation = article("test-gezinshereniging", "ar")
    assert not translation.is_outdated_translation
    assert not outdated_translations().exists()
    assert "kb-notice--outdated" not in client.get(ARABIC_URL).content.decode()

    source = article("test-gezinshereniging")
    source.summary = "Gewijzigde samenvatting."
    source.save_revision().publish()

    translation.refresh_from_db()
    assert translation.is_outdated_translation
    assert list(outdated_translations()) == [translation]
    html = client.get(ARABIC_URL).content.decode()
    assert "kb-notice--outdated" in html and PUBLIC_URL in html  # links to the original

    # An editor brings the translation up to date and publishes it.
    translation.save_revision().publish()
    translation.refresh_from_db()
    assert not translation.is_outdated_translation
    assert not outdated_translations().exists()


def test_simple_translation_copy_records_the_source_version(articles):
    source = article("test-gezinshereniging")
    french = source.copy_for_translation(Locale.objects.get(language_code="fr"), copy_parents=True)
    french.refresh_from_db()
    assert french.translation_source_published_at == source.last_published_at
    assert not french.is_outdated_translation


# --- votes ---


def vote_url(page):
    return f"/nl/knowledge-vote/{page.pk}/"


def test_one_vote_per_article_and_visitor(articles, client):
    page = article("test-gezinshereniging")
    response = client.post(vote_url(page), {"helpful": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == PUBLIC_URL
    assert shown("Thank you for your answer. It helps us improve this page.") in (
        response.content.decode()
    )
    assert shown("You answered: yes, this was helpful.") in response.content.decode()
    client.post(vote_url(page), {"helpful": "no"})
    vote = ArticleVote.objects.get()
    assert vote.helpful is False  # changed, not added

    # Without the cookie, from the same connection: still the same visitor.
    client.cookies.pop("wegwijs_visitor")
    client.post(vote_url(page), {"helpful": "yes"})
    assert ArticleVote.objects.count() == 1

    # Another visitor counts separately; the address is never stored raw.
    client.cookies.pop("wegwijs_visitor")
    client.post(vote_url(page), {"helpful": "yes"}, REMOTE_ADDR="10.1.2.3")
    assert ArticleVote.objects.count() == 2
    assert not ArticleVote.objects.filter(client_hash__contains="10.1.2.3").exists()


def test_votes_are_rate_limited(articles, client, settings):
    settings.ARTICLE_VOTES_PER_HOUR = 2
    page = article("test-gezinshereniging")
    for number in range(3):
        client.cookies.pop("wegwijs_visitor", None)
        response = client.post(
            vote_url(page), {"helpful": "yes"}, follow=True, HTTP_USER_AGENT=f"ua{number}"
        )
    limited = "Many answers came from this connection. Please try again later."
    assert shown(limited) in response.content.decode()
    assert ArticleVote.objects.count() == 1  # same address: one vote, then the limit


def test_vote_respects_audience(articles, client):
    internal = article("test-interne-werkwijze")
    assert client.post(vote_url(internal), {"helpful": "yes"}).status_code == 404
    assert client.get(vote_url(article("test-gezinshereniging"))).status_code == 405
    assert not ArticleVote.objects.exists()


def test_vote_needs_an_answer(articles, client):
    response = client.post(vote_url(article("test-gezinshereniging")), {}, follow=True)
    assert shown("Choose “Yes” or “No”.") in response.content.decode()
    assert not ArticleVote.objects.exists()


# --- ask a question about this ---


@pytest.mark.django_db
def test_ask_form_prefills_the_domain(client):
    html = client.get("/nl/ask/?domain=housing").content.decode()
    checked = [line for line in html.splitlines() if "checked" in line and "legal_domain" in line]
    assert len(checked) == 1
    from backoffice.models import LegalDomain

    housing = LegalDomain.objects.get(slug="housing")
    assert f'value="{housing.pk}"' in checked[0]

    html = client.get("/nl/ask/?domain=nonsense").content.decode()
    assert not [line for line in html.splitlines() if "checked" in line and "legal_domain" in line]


def test_home_links_to_the_knowledge_base(articles, client):
    assert 'href="/nl/kennisbank/"' in client.get("/nl/").content.decode()
    assert 'href="/ar/knowledge/"' in client.get("/ar/").content.decode()


def test_language_switcher_leads_to_the_translation_or_its_section(articles, client):
    html = client.get(PUBLIC_URL).content.decode()
    assert f'href="{ARABIC_URL}" lang="ar"' in html
    assert 'href="/fr/" lang="fr"' in html  # no French article, no French section yet
    html = client.get(INTERNAL_URL.replace("test-interne-werkwijze/", "")).content.decode()
    assert 'href="/ar/knowledge/" lang="ar"' in html  # the Arabic landing


def test_seed_demo_builds_the_tree_and_imports_the_content(db, monkeypatch):
    from demo import knowledge_base as demo
    from knowledge.models import KnowledgeIndexPage, KnowledgeLandingPage

    monkeypatch.setattr(demo, "CONTENT_DIR", DATA)
    assert "4 created" in demo.seed_demo("unused")
    assert "4 unchanged" in demo.seed_demo("unused")
    assert KnowledgeLandingPage.objects.live().count() == 5
    landings = KnowledgeLandingPage.objects.all()
    assert len({landing.translation_key for landing in landings}) == 1
    assert KnowledgeIndexPage.objects.filter(locale__language_code="uk").count() == 8
    assert ArticlePage.objects.count() == 4


def test_editor_edits_and_adds_articles_in_the_admin(articles, client):
    client.force_login(make_user("editor"))
    page = article("test-gezinshereniging")
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert 'name="situations"' in response.content.decode()
    index_page = page.get_parent()
    assert client.get(f"/admin/pages/add/knowledge/articlepage/{index_page.pk}/").status_code == 200
    # Articles only go under a domain index.
    landing = index_page.get_parent()
    response = client.get(f"/admin/pages/add/knowledge/articlepage/{landing.pk}/")
    assert response.status_code in (302, 403) and "/edit/" not in response.get("Location", "")


def test_import_moves_an_article_when_its_first_domain_changes(articles, tmp_path):
    copy = tmp_path / "articles"
    shutil.copytree(DATA, copy)
    path = copy / "nl" / "test-gezinshereniging.md"
    path.write_text(
        path.read_text().replace("domains: residence, family-ipr", "domains: family-ipr"), "utf-8"
    )
    report = import_directory(copy)
    assert report.updated == ["nl/test-gezinshereniging"]
    page = article("test-gezinshereniging")
    assert page.url == "/nl/kennisbank/family-ipr/test-gezinshereniging/"
    assert [domain.slug for domain in page.legal_domains.all()] == ["family-ipr"]
    assert page.live and not page.has_unpublished_changes


def test_editors_see_an_outdated_translation_in_its_edit_form(articles, client):
    client.force_login(make_user("editor"))
    translation = article("test-gezinshereniging", "ar")
    url = f"/admin/pages/{translation.pk}/edit/"
    assert "kb-translation-outdated" not in client.get(url).content.decode()
    source = article("test-gezinshereniging")
    source.save_revision().publish()
    html = client.get(url).content.decode()
    assert "kb-translation-outdated" in html
    assert f"/admin/pages/{source.pk}/edit/" in html


def test_one_index_per_legal_domain_and_language(articles):
    from django.core.exceptions import ValidationError

    from knowledge.models import KnowledgeIndexPage

    existing = article("test-gezinshereniging").get_parent().specific
    twin = KnowledgeIndexPage(
        title="Twin", slug="twin", locale=existing.locale, legal_domain=existing.legal_domain
    )
    with pytest.raises(ValidationError):
        existing.get_parent().add_child(instance=twin)


def test_professional_signs_in_and_lands_on_the_article(articles, client):
    from tests.conftest import PASSWORD

    make_user("professional", "pro")
    response = client.get(PROFESSIONALS_URL)
    login_url = response["Location"]
    assert login_url.startswith("/nl/login/?next=")
    response = client.post(login_url, {"username": "pro", "password": PASSWORD})
    assert response["Location"] == PROFESSIONALS_URL
    assert client.get(PROFESSIONALS_URL).status_code == 200


def test_block_fields(articles):
    professionals = article("test-leefloon-professionals")
    reference = professionals.body[-1].value  # written with an empty last field: "art. 3 |"
    assert reference["article"] == "art. 3" and reference["url"] == ""
    checklist = [block.value for block in article("test-gezinshereniging").body][1]
    assert [(entry["item"], entry["when_needed"]) for entry in checklist] == [
        ("Geldig paspoort", "altijd"),
        ("Huurcontract", "als u een woning huurt"),
    ]


def test_add_months_clamps_to_the_end_of_the_month():
    from knowledge.models import add_months

    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 10, 15), 12) == datetime.date(2027, 10, 15)
