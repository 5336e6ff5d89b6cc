"""Issue 15 item 10: links to articles in answers — only articles the requester may read, in
their language first, public links (not admin or sign-in), a one-click insert from the
suggestions too, and a server-side refusal of internal links in public replies."""

import pytest
from wagtail.models import Locale
from wagtail.rich_text import RichText

from backoffice import roles
from backoffice.models import LegalDomain, Region
from knowledge import linking, tree
from knowledge.models import ArticlePage
from search import service
from tests import factories
from tests.conftest import make_user
from tickets import lifecycle
from tickets.models import Message


def article(title, slug, *, language="nl", audience="public", source=None):
    domain = LegalDomain.objects.get(slug="residence")
    locale = Locale.objects.get(language_code=language)
    index_page = tree.ensure_index(locale, domain)
    if source is not None:
        page = source.copy_for_translation(locale)
        page.title, page.slug, page.summary = title, slug, title
        page.save_revision().publish()
        return ArticlePage.objects.get(pk=page.pk)
    page = ArticlePage(
        title=title,
        slug=slug,
        locale=locale,
        summary=title,
        body=[("rich_text", RichText(f"<p>{title}</p>"))],
        audience=audience,
    )
    page.legal_domains = [domain]
    index_page.add_child(instance=page)
    page.save_revision().publish()  # reviewed test content, like an import
    return ArticlePage.objects.get(pk=page.pk)


@pytest.fixture
def world(db, settings):
    settings.PUBLIC_BASE_URL = "https://wegwijs.example"
    place = factories.place("antwerpen")
    region = place.region
    card = article("Verblijfskaart verlengen", "verblijfskaart-verlengen")
    card_ar = article("تجديد بطاقة الإقامة", "تجديد-بطاقة-الإقامة", language="ar", source=card)
    income = article("Leefloon aanvragen", "leefloon-aanvragen")
    pro = article("Verblijfskaart: checklist voor begeleiders", "checklist-begeleiders",
                  audience="professionals")  # fmt: skip
    internal = article("Verblijfskaart: interne nota", "interne-nota", audience="internal")
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    professional = make_user(roles.PROFESSIONAL, "olga", regions=[region])

    def ask(language, professional_user=None):
        return factories.question(
            subject="بطاقة الإقامة انتهت" if language == "ar" else "Verblijfskaart vervalt",
            body="بطاقة الإقامة انتهت ماذا أفعل" if language == "ar" else "Mijn kaart vervalt.",
            contact_language=language,
            municipality=place,
            professional=professional_user,
            client_pseudonym="cliënt A" if professional_user else "",
            client_consent=bool(professional_user),
        )

    return {
        "card": card, "card_ar": card_ar, "income": income, "pro": pro, "internal": internal,
        "specialist": specialist, "professional": professional, "ask": ask,
    }  # fmt: skip


def test_a_newcomer_is_offered_public_articles_in_their_language_first(world):
    links = linking.linkable_articles("ar", linking.NEWCOMER)
    assert [link.pk for link in links] == [world["card_ar"].pk, world["income"].pk]
    first, second = links
    assert first.translated and first.url.startswith("https://wegwijs.example/ar/")
    assert not second.translated and "(Nederlands)" in second.label
    assert "/admin/" not in first.url + second.url


def test_a_professional_is_offered_professional_articles_but_never_internal(world):
    pks = {link.pk for link in linking.linkable_articles("nl", linking.PROFESSIONAL)}
    assert world["pro"].pk in pks and world["internal"].pk not in pks
    assert world["pro"].pk not in {
        link.pk for link in linking.linkable_articles("nl", linking.NEWCOMER)
    }


def test_the_workspace_lists_links_for_the_requester_and_inserts_from_suggestions(client, world):
    question = world["ask"]("ar")
    service.rebuild("article")
    client.force_login(world["specialist"])
    html = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert world["card_ar"].title in html
    assert "https://wegwijs.example/ar/" in html
    assert "interne nota" not in html.split('id="article-links"')[1].split("</details>")[0]
    # The suggested Arabic article has a one-click insert of its public link.
    related = html.split('id="related-articles"')[1]
    assert world["card_ar"].title in related
    assert 'data-insert-link="[' in related
    fragment = client.get(
        f"/admin/questions/{question.pk}/article-links/", {"q": "Leefloon"}
    ).content.decode()
    assert "Leefloon aanvragen" in fragment and world["card_ar"].title not in fragment


@pytest.mark.parametrize("which", ["internal", "pro", "admin"])
def test_a_public_reply_to_a_newcomer_cannot_link_what_they_may_not_read(client, world, which):
    question = world["ask"]("ar")
    target = {
        "internal": "https://wegwijs.example" + (world["internal"].url or ""),
        "pro": "https://wegwijs.example" + (world["pro"].url or ""),
        "admin": f"https://wegwijs.example/admin/pages/{world['card'].pk}/edit/",
    }[which]
    body = f"Lees dit: [nota]({target})"
    client.force_login(world["specialist"])
    response = client.post(
        f"/admin/questions/{question.pk}/workspace/",
        {"action": "compose", "intent": "send", "body": body, "internal": "0"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "may not read" in html or "mag niet" in html or "niet mag lezen" in html
    assert target in html  # the text is kept
    assert not question.messages.filter(kind=Message.Kind.PUBLIC).exists()
    # An internal note may link anything.
    lifecycle.add_message(
        question, body=body, author_kind="staff", author=world["specialist"], internal=True
    )
    assert question.messages.filter(kind=Message.Kind.INTERNAL).exists()


def test_a_consult_may_link_a_professional_article_but_not_an_internal_one(world):
    from django.core.exceptions import ValidationError

    question = world["ask"]("nl", world["professional"])
    pro = "https://wegwijs.example" + world["pro"].url
    lifecycle.add_message(
        question, body=f"[checklist]({pro})", author_kind="staff", author=world["specialist"]
    )
    with pytest.raises(ValidationError):
        lifecycle.add_message(
            question,
            body=f"[nota](https://wegwijs.example{world['internal'].url})",
            author_kind="staff",
            author=world["specialist"],
        )


def test_the_letter_prints_the_public_arabic_link(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    question = world["ask"]("ar")
    link = linking.link_for(world["card"], "ar", linking.NEWCOMER)
    assert link.pk == world["card_ar"].pk
    lifecycle.add_message(
        question,
        body=f"اقرأ: {link.markdown}",
        author_kind="staff",
        author=world["specialist"],
    )
    client.force_login(world["specialist"])
    from tests.test_documents import download

    letter = download(client, client.post(f"/admin/questions/{question.pk}/letter/"))
    urls = [h.url for p in letter.paragraphs for h in p.hyperlinks]
    assert link.url in urls and all("/admin/" not in url for url in urls)
    assert link.url.startswith("https://wegwijs.example/ar/")


@pytest.mark.parametrize("role", ["other_region", roles.EDITOR, roles.PROFESSIONAL, "anonymous"])
def test_the_article_links_list_is_only_for_who_handles_the_question(client, world, role):
    question = world["ask"]("ar")
    url = f"/admin/questions/{question.pk}/article-links/"
    if role == "other_region":
        gent = Region.objects.create(name="Gent", slug="gent")
        client.force_login(make_user(roles.SPECIALIST, "gina", regions=[gent]))
    elif role != "anonymous":
        client.force_login(make_user(role, f"{role}-user"))
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    assert "تجديد بطاقة الإقامة" not in response.content.decode()
