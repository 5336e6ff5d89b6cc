"""The demo specialist who sends answers in bench/send_answer.py and bench/send_in_browser.py:
signed in (password and MFA step done), a municipality of their region for new questions, and
a Markdown link to a live public article to put in the answer. Call after django.setup()."""

from dataclasses import dataclass


@dataclass
class DemoSender:
    specialist: object
    municipality: object
    domain: object
    article_link: str
    client: object


def demo_sender(*extra_hosts: str) -> DemoSender:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from backoffice.models import LegalDomain
    from knowledge.models import ArticlePage
    from tests.mfa import verify_session

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", *extra_hosts]
    specialist = get_user_model().objects.get(username="specialist.antwerpen")
    article = (
        ArticlePage.objects.live()
        .filter(locale__language_code="nl", audience="public")
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(specialist)
    verify_session(client, specialist)
    return DemoSender(
        specialist=specialist,
        municipality=specialist.profile.regions.get().municipalities.order_by("name").first(),
        domain=LegalDomain.objects.get(slug="residence"),
        article_link=(
            f"[{article.title}]({settings.PUBLIC_BASE_URL}{article.get_url(None) or article.url})"
        ),
        client=client,
    )
