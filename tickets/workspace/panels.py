"""The workspace's panels and what they show: the thread, triage, closing with an outcome, and a
composer with preview, drafts, answer templates and article links; related articles and
questions. The views (tickets.workspace.views) change the question through tickets.lifecycle
only, then show the page or, with JavaScript, the panels that changed (`fragments`)."""

import functools
import hashlib
import json
import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.http import Http404, JsonResponse
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from backoffice import admin_chrome, page_cache
from backoffice.models import AuditEvent, ContentGeneration
from search import registry as search_registry
from search import service as search_service
from tickets import access, lifecycle, promotion
from tickets.documents import handover
from tickets.models import AnswerTemplate, Consent, Message, MessageDraft, Question, Status
from tickets.templatetags import documents
from tickets.workspace import kept_fields
from tickets.workspace.forms import CloseForm, StaffMessageForm, TriageForm

RELATED_ITEMS_SECONDS = 600


def related_items(question, user, generation=None, key=None) -> dict:
    """`find_related_items`, kept for RELATED_ITEMS_SECONDS: a specialist opens the same workspace
    again after every reply, and finding similar texts among 100,000 questions is the slowest
    part of the page. The key holds what decides what the user may read (account, roles,
    scope) and what the search looks for (the question's text, domain and language),
    so a change of either is seen at once; a reply or a status change does not change what is
    similar, so the page shown right after "Send" reuses the list. A newly indexed question or
    article shows up within the timeout."""
    key = key or related_key(question, user, generation)
    items = cache.get(key)
    if items is None:
        items = find_related_items(question, user)
        # The links to insert are kept with the suggestions: they depend on the same content
        # (the generation in the key) and on the question's language and reader.
        links = suggested_links(question, items.get("suggested_articles"))
        for hit in items.get("suggested_articles") or []:
            hit.insert_link = links.get(str(hit.object_id))
        items["expires"] = time.time() + RELATED_ITEMS_SECONDS
        cache.set(key, items, RELATED_ITEMS_SECONDS)
    return items


RELATED_TEMPLATE = "tickets/admin/_related.html"


def related_html(question, user, generation=None) -> str:
    """The suggestions (_related.html) as rendered from `related_items`, kept under the same
    key, the page's language and time zone and the template's version, and never longer than
    the items they were rendered from."""
    key = related_key(question, user, generation)
    html_key = ":".join(
        (
            key,
            "html",
            template_version(RELATED_TEMPLATE),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )
    html = cache.get(html_key)
    if html is None:
        items = related_items(question, user, generation, key)
        html = render_to_string(RELATED_TEMPLATE, items)
        left = int(items.get("expires", 0) - time.time())
        if left > 0:
            cache.set(html_key, html, left)
    return mark_safe(html)  # noqa: S308 - rendered by the template above


def related_key(question, user, generation=None) -> str:
    """What decides the suggestions of `question` for `user` (see `related_items`)."""

    def ids(user):
        read = getattr(question, "_ws_groups", None)  # with the question, for this user?
        if read is not None and getattr(question, "_ws_lists_of", None) == user.pk:
            return ",".join(str(row[0]) for row in json_rows(read))
        return ",".join(str(pk) for pk in sorted(user.groups.values_list("pk", flat=True)))

    def scope_key(scope):
        # What the user may read of the questions (the kept scope: no query).
        domains = "all" if scope.domains is None else ",".join(map(str, sorted(scope.domains)))
        return f"{int(scope.everything)}/{','.join(map(str, sorted(scope.regions)))}/{domains}"

    # The content generation: an anonymised question (tickets.privacy.anonymisation) moves it on, so
    # no kept list shows its title or answer any more.
    searched = hashlib.sha256(
        "\0".join(
            str(part)
            for part in (
                question.subject,
                question.body,
                question.legal_domain_id,
                question.contact_language,
                question.anonymised_at,
            )
        ).encode()
    ).hexdigest()[:16]
    key = ":".join(
        str(part)
        for part in (
            "related",
            page_cache.generation() if generation is None else generation,
            question.pk,
            searched,
            user.pk,
            int(user.is_superuser),
            ids(user),
            scope_key(access.staff_scope(user)),
        )
    )
    return key


def find_related_items(question, user) -> dict:
    """Suggested articles and similar earlier questions with their last public answer, for
    templates/tickets/admin/_related.html (through the search service, within what the user
    may read)."""
    articles = []
    if "article" in search_registry.kinds():
        articles = search_service.similar(question, ["article"], user)
    hits = search_service.similar(question, ["question"], user)
    answers = {
        str(message.question_id): message
        for message in Message.objects.filter(
            question_id__in=[hit.object_id for hit in hits],
            kind=Message.Kind.PUBLIC,
            author_kind=Message.AuthorKind.STAFF,
        ).order_by("created_at")
    }
    return {
        "suggested_articles": articles,
        "similar_questions": [(hit, answers.get(hit.object_id)) for hit in hits],
    }


def scoped_question(request, pk) -> Question | None:
    """The question in the user's staff scope, with what the page shows of its relations, and
    the content and chrome generations (`generations`) read with it."""
    found = list(
        access.staff_questions(request.user)
        .filter(pk=pk)
        # Joined: what every page shows. Not joined (PostgreSQL's planning time grows fast with
        # each join): a consult's organisation (read when there is one) and the article
        # proposal (whether there is one is read below).
        .select_related("legal_domain", "region", "municipality", "assignee")
        .annotate(
            **side_relations_present(), **own_draft_present(request.user), **generations_read(),
            **lists_read(request.user),
        )
        .order_by()[:1]  # one row by its key: no sorting
    )  # fmt: skip
    if not found:
        return None
    question = found[0]
    question._ws_lists_of = request.user.pk  # whose groups lists_read read
    if not question.has_article_proposal:  # the promotion panel: none, as select_related says
        Question._meta.get_field("article_proposal").set_cached_value(question, None)
    return question


def visible_question(request, pk) -> Question:
    question = scoped_question(request, pk)
    if question is None or not request.user.has_perm("tickets.view_question"):
        raise Http404
    return question


def fill_placeholders(text: str, question: Question) -> str:
    """Only {reference}, {region} and {deadline}: templates carry no personal data."""
    values = {
        "{reference}": question.reference,
        "{region}": question.region.name,
        "{deadline}": question.legal_deadline.strftime("%d/%m/%Y")
        if question.legal_deadline
        else "",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


ANSWER_TEMPLATES_SECONDS = 3600


def answer_template_rows(legal_domain_id, generation=None) -> list[tuple]:
    """(id, title, language, body) of the templates for a domain and those for every domain,
    kept per domain under the content generation, which every saved or deleted template moves
    on (tickets.workspace.kept_fields.connect)."""
    if generation is None:
        generation = page_cache.generation()
    key = f"workspace-answer-templates:{generation}:{legal_domain_id}"
    rows = cache.get(key)
    if rows is None:
        rows = list(
            AnswerTemplate.objects.filter(
                Q(legal_domain=legal_domain_id) | Q(legal_domain__isnull=True)
            ).values_list("pk", "title", "language", "body")
        )
        cache.set(key, rows, ANSWER_TEMPLATES_SECONDS)
    return rows


def answer_templates(question: Question, generation=None) -> list[dict]:
    """The templates for the question's domain, those in the requester's contact language first
    (`own_language`: the list's default is one of them, never a template in another language),
    then the others by language name; each labelled with its language by name."""
    from tickets.languages import language_name

    templates = []
    for pk, title, language, body in answer_template_rows(question.legal_domain_id, generation):
        name = language_name(language, own_name=False)  # AnswerTemplate.language_name
        templates.append(
            {
                "id": pk,
                "label": f"{title} ({name})",
                "text": fill_placeholders(body, question),
                "own_language": language == question.contact_language,
                "language_name": name,
                "title": title,
            }
        )
    templates.sort(key=lambda t: (not t["own_language"], t["language_name"].casefold(), t["title"]))
    return templates


ARTICLE_LINKS_SHOWN = 30


def article_links(question, query: str = "") -> list:
    """The articles the requester of `question` may be sent, in their contact language first
    (then originals, marked with their language), each with its public link."""
    if not apps.is_installed("knowledge"):
        return []
    from knowledge import linking

    return linking.linkable_articles(
        question.contact_language,
        lifecycle.requester_reader(question),
        query=query,
        limit=ARTICLE_LINKS_SHOWN,
    )


ARTICLE_LINKS_SECONDS = 600


def cached_article_links(question, query: str = "") -> list:
    """`article_links` as the composer first shows it (no search typed), kept per contact
    language and reader: the same for every question in that language, and the slowest part
    of the composer. The content generation in the key (backoffice.page_cache, moved on by
    every change to pages and their view restrictions) makes a published, changed or
    restricted article show at once. A search (`query`) is not kept."""
    if query or not apps.is_installed("knowledge"):
        return article_links(question, query)
    key = ":".join(
        (
            "article-links",
            str(page_cache.generation()),
            question.contact_language,
            lifecycle.requester_reader(question),
        )
    )
    links = cache.get(key)
    if links is None:
        links = article_links(question)
        cache.set(key, links, ARTICLE_LINKS_SECONDS)
    return links


ARTICLE_LINKS_ITEMS = "tickets/admin/_article_links_items.html"


def cached_article_links_html(question, generation=None) -> str:
    """The composer's article list as first shown (no search typed), rendered: kept under the
    key of `cached_article_links` (content generation, contact language, reader) and the
    language of the page (its "Insert" buttons), and the template's version."""
    if not apps.is_installed("knowledge"):
        return ""
    key = ":".join(
        (
            "article-links-html",
            template_version(ARTICLE_LINKS_ITEMS),
            str(page_cache.generation() if generation is None else generation),
            question.contact_language,
            lifecycle.requester_reader(question),
            translation.get_language(),
        )
    )
    html = cache.get(key)
    if html is None:
        links = cached_article_links(question)
        html = render_to_string(ARTICLE_LINKS_ITEMS, {"article_links": links})
        cache.set(key, html, ARTICLE_LINKS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template above


def suggested_links(question, suggested_articles) -> dict:
    """For the suggested articles panel: object id -> the link to insert for this requester
    (absent when the requester may not read the article)."""
    if not apps.is_installed("knowledge") or not suggested_articles:
        return {}
    from knowledge import linking
    from knowledge.models import ArticlePage

    reader = lifecycle.requester_reader(question)
    pages = ArticlePage.objects.filter(
        pk__in=[hit.object_id for hit in suggested_articles if str(hit.object_id).isdigit()]
    ).only("pk", "translation_key")
    found = linking.links_for(pages, question.contact_language, reader)
    return {str(pk): link for pk, link in found.items()}


def last_message_id(question) -> int:
    known = getattr(question, "_ws_last_message_id", None)  # read with the thread (thread_key)
    if known is not None:
        return known
    return question.messages.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- Panels -------------------------------------------------------------------------------------
#
# The page is made of panels (templates/tickets/admin/workspace/, each in a [data-ws-panel] box).
# The full page renders them all; with JavaScript, "Send" and "Save draft" get back only the
# panels their change touched, as HTML fragments in JSON (tickets/static/tickets/workspace.js
# puts them in place). Each panel's context is built by its own function, so a fragment costs
# only what it shows.

FRAGMENTS_HEADER = "X-Workspace-Fragments"

PANEL_TEMPLATES = {
    "facts": "tickets/admin/workspace/_facts.html",
    "thread": "tickets/admin/workspace/_thread.html",
    "composer": "tickets/admin/workspace/_composer.html",
    "triage": "tickets/admin/workspace/_triage.html",
    "closing": "tickets/admin/workspace/_closing.html",
    "promotion": "tickets/admin/_promotion.html",
    "documents": "tickets/admin/_documents.html",
    "audit": "tickets/admin/workspace/_audit.html",
}


def changed_by_message(request, before: Question, after: Question, message) -> list[str]:
    """The panels a message added to the thread changed: the thread and the facts (status, due
    dates) always; triage when it gave the question an assignee (who answers, handles it);
    closing when it can be closed now and could not before; the answers a letter or an article
    is made from when it was public; the audit trail for those who read it. The composer is
    emptied in the browser (its lists do not change), which saves rendering it again."""
    names = ["thread", "facts"]
    if before.assignee_id != after.assignee_id:
        names.append("triage")
    if can_close(before) != can_close(after):
        names.append("closing")  # a closed question answered again can be closed again
    if message.kind == Message.Kind.PUBLIC:
        names += ["promotion", "documents"]
    if request.user.has_perm("backoffice.view_auditevent"):
        names.append("audit")
    return names


def wants_fragments(request) -> bool:
    """Sent by workspace.js: answer with the changed panels instead of a redirect."""
    return request.headers.get(FRAGMENTS_HEADER) == "1"


def action_urls(question) -> dict:
    """Where each of the workspace's forms posts: one view per action
    (tickets.workspace.viewset)."""
    return {
        name: reverse(f"tickets_workspace_{name}", args=[question.pk])
        for name in ("status", "compose", "take", "triage", "close")
    }


def question_consents(question) -> list:
    """The question's consents (in their order), each with `handover_pk`: the handover that
    used it, if any. Read once for the facts (all of them) and for the documents and referrals
    panels (`unused_consents`)."""
    return list(question.consents.annotate(handover_pk=F("handover__pk")))


def unused_consents(consents) -> list:
    """tickets.documents.handover.unused_consents, of consents read by `question_consents`."""
    return [
        consent
        for consent in consents
        if consent.purpose == Consent.Purpose.HANDOVER and consent.handover_pk is None
    ]


def facts_context(request, question, consents=None, **given) -> dict:
    return {
        "consents": question.consents.all() if consents is None else consents,
        "told_by_email": lifecycle.requester_told_of_answers(question),
        "statuses": [
            (value, label)
            for value, label in Status.choices
            if value in lifecycle.TRANSITIONS[question.status] and value != Status.CLOSED
        ],
    }


THREAD_SECONDS = 3600
THREAD_FILE_FIELDS = ("id", "message", "original_name", "size", "sha256")
THREAD_TEMPLATE = "tickets/admin/workspace/_thread_rendered.html"


@functools.cache
def template_version(name: str) -> str:
    """A digest of a template's source, read once per process: a kept fragment rendered by
    another version of the code (before a deploy, in a shared cache) is not shown."""
    source = get_template(name).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def thread_key(question) -> str:
    """What the thread shows, read in two light queries (no message bodies): the question's
    text, every message's id, kind, author (and the name shown), time and the length of its
    text, every file's id, name, size and checksum, the anonymisation, the language and time
    zone it is written in. Any change to what the panel shows gives another key, so a kept
    thread is never stale; nothing in it depends on the reader (the view has checked access
    before), so one copy serves every specialist who may open the question."""
    messages = question.messages.order_by("pk").values_list(
        "author_id", "author__username", Length("body_html"),
        *documents.answer_columns(),  # pk, kind, author kind, time, start and length of the body
    )  # fmt: skip
    files = json_rows(getattr(question, "_ws_files", None))  # read with the question
    if files is None:
        files = question.attachments.order_by("pk").values_list(*THREAD_FILE_FIELDS)
    parts = (
        question.subject,
        question.body,
        question.anonymised_at,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        (messages := list(messages)),
        [tuple(row) for row in files],
    )
    # The newest message's id, for the composer (last_message_id), and the answers of the
    # documents panel (side_panels), read here already.
    question._ws_answer_rows = [row[3:] for row in messages]
    question._ws_last_message_id = max((row[3] for row in messages), default=0)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"workspace-thread:{template_version(THREAD_TEMPLATE)}:{question.pk}:{digest}"


def thread_html(question) -> str:
    """The thread panel's HTML (_thread_rendered.html), kept under `thread_key` for
    THREAD_SECONDS: the page after every reply shows the same twenty messages again."""
    key = thread_key(question)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            THREAD_TEMPLATE,
            {
                "question": question,
                "thread": question.messages.select_related("author").prefetch_related(
                    "attachments"
                ),
                "question_files": question.attachments.filter(message__isnull=True),
            },
        )
        cache.set(key, html, THREAD_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template above


def thread_context(request, question, **given) -> dict:
    return {"thread_html": thread_html(question)}


def composer_context(
    request, question, form=None, preview_html="", concurrent=False, generation=None, **given
) -> dict:
    draft = None
    if getattr(question, "has_own_draft", None) is not False:  # scoped_question found one
        draft = MessageDraft.objects.filter(question=question, author=request.user).first()
    if form is None:
        form = StaffMessageForm(
            initial={
                "body": draft.body if draft else "",
                "internal": "1" if draft and draft.internal else "0",
                "last_seen": last_message_id(question),
            }
        )
    query = request.GET.get("links", "")[:100]
    return {
        "form": form,
        "draft": draft,
        "preview_html": preview_html,
        "concurrent": concurrent,
        "templates": answer_templates(question, generation),
        # Without a search, the list as kept rendered; a search is read and rendered now.
        "article_links": article_links(question, query) if query else None,
        "article_links_html": "" if query else cached_article_links_html(question, generation),
        "article_links_query": query,
    }


ASSIGNEES_SECONDS = 600


def eligible_assignees(request, question) -> list[tuple[int, str]]:
    """(id, name shown) of lifecycle.eligible_assignees, in its order. Kept per region and
    domain under the admin chrome's generation (backoffice.admin_chrome), which every change
    to who may handle a question replaces: accounts (active, names, superuser), groups and
    membership, profiles' regions and legal domains; and under the domains setting. Read
    when the chrome's copies are off."""

    def read():
        return [
            (user.pk, user.get_full_name() or user.get_username())
            for user in lifecycle.eligible_assignees(question)
        ]

    if not admin_chrome.enabled():
        return read()
    key = ":".join(
        str(part)
        for part in (
            "workspace-assignees",
            admin_chrome.generation(request),
            int(settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS),
            question.region_id,
            question.legal_domain_id,
        )
    )
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, ASSIGNEES_SECONDS)
    return found


def triage_context(request, question, triage_form=None, generation=None, **given) -> dict:
    if triage_form is not None:  # bound to what was posted, with the service's refusal
        return {
            "triage_form": triage_form,
            "can_take": question.assignee_id != request.user.pk
            and lifecycle.can_be_assigned(question, request.user),
        }
    # The eligible assignees (lifecycle.eligible_assignees) read once: the select's options
    # and "Take this question" (lifecycle.can_be_assigned: the user is one of them).
    assignees = eligible_assignees(request, question)

    def form():
        triage_form = TriageForm(instance=question)
        field = triage_form.fields["assignee"]
        field.choices = [("", field.empty_label), *assignees]
        return triage_form

    if generation is None:
        generation = page_cache.generation()
    return {
        "triage_form": SimpleLazyObject(form),
        # The fields as kept for these values and assignees (tickets.workspace.kept_fields).
        "triage_fields_html": kept_fields.triage_fields(question, form, assignees, generation),
        "can_take": question.assignee_id != request.user.pk
        and any(pk == request.user.pk for pk, _name in assignees),
    }


def can_close(question) -> bool:
    return Status.CLOSED in lifecycle.TRANSITIONS[question.status]


def closing_context(request, question, close_form=None, generation=None, **given) -> dict:
    closable = can_close(question)
    fields_html = ""
    if close_form is None and closable:  # the empty form, as kept (kept_fields)
        if generation is None:
            generation = page_cache.generation()
        fields_html = kept_fields.close_fields(generation)
    return {
        # Lazy: the directory's services are read only when the form is rendered.
        "close_form": close_form or SimpleLazyObject(CloseForm),
        "close_fields_html": fields_html,
        "can_close": closable,
    }


def promotion_context(request, question, **given) -> dict:
    return {"can_propose_article": promotion.can_propose(question)}


def audit_context(request, question, **given) -> dict:
    if not request.user.has_perm("backoffice.view_auditevent"):
        return {"audit_trail": None}
    return {"audit_trail": _audit_trail(question)}


PANEL_CONTEXTS = {
    "facts": facts_context,
    "thread": thread_context,
    "composer": composer_context,
    "triage": triage_context,
    "closing": closing_context,
    "promotion": promotion_context,
    "audit": audit_context,
}


def panels_context(request, question, names, **given) -> dict:
    """The context of the panels `names`; `given` are forms bound to what was posted
    (form, triage_form, close_form...), passed to the panel that shows them."""
    context = {"question": question, "urls": action_urls(question), "request": request}
    if given.get("generation") is None:  # read with the question (scoped_question)
        given["generation"] = generations(request, question)
    for name in names:
        build = PANEL_CONTEXTS.get(name)
        if build is None:
            continue
        context.update(build(request, question, **given))
    return context


def side_panels(request, question, generation=None, consents=None) -> dict:
    """What the documents, referrals, support network and privacy panels show, gathered once
    for the page (their template tags use it instead of reading it again): the unused handover
    consents are read once for documents and referrals."""
    from tickets.templatetags import privacy, referral_tags

    user = request.user
    if not access.can_hand_over(user, question):
        consents = None
    elif consents is None:
        consents = list(handover.unused_consents(question))
    else:  # the question's consents as the page read them (question_consents)
        consents = unused_consents(consents)
    absent = absent_relations(question)
    return {
        "question_pk": question.pk,
        "documents": documents.documents_data(
            user, question, consents, absent, getattr(question, "_ws_answer_rows", None)
        ),
        "referrals": referral_tags.referral_rows(user, question, consents, absent),
        "network": referral_tags.network_data(user, question, absent, generation),
        "privacy": privacy.privacy_data(user, question, absent),
    }


# What the side panels list of a question; most questions have none of them.
SIDE_RELATIONS = (
    "article_proposal",
    "documents",
    "handovers",
    "referrals",
    "support_contacts",
    "legal_holds",
    "erasure_requests",
)


@functools.cache
def _side_relations_sql() -> tuple:
    """EXISTS (SELECT 1 FROM <table> WHERE <question column> = <the question's id>) for each
    of SIDE_RELATIONS, written once per process from the models' metadata (compiling six
    Exists() querysets on every request cost more than the queries it saves)."""
    question_id = (
        f"{connection.ops.quote_name(Question._meta.db_table)}."
        f"{connection.ops.quote_name(Question._meta.pk.column)}"
    )
    out = []
    for name in SIDE_RELATIONS:
        related = Question._meta.get_field(name).related_model
        column = related._meta.get_field("question").column
        table = connection.ops.quote_name(related._meta.db_table)
        where = f"{table}.{connection.ops.quote_name(column)} = {question_id}"
        # Names from the models' metadata, quoted; no input in it.
        out.append(f"EXISTS (SELECT 1 FROM {table} WHERE {where})")  # noqa: S608
    return tuple(out)


def side_relations_present() -> dict:
    """Annotations for the question's query (`scoped_question`): whether it has any row of each
    of SIDE_RELATIONS, read with the question itself instead of one query each."""
    return {
        f"has_{name}": RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 - as above
        for name, sql in zip(SIDE_RELATIONS, _side_relations_sql(), strict=True)
    }


@functools.cache
def _own_draft_sql() -> str:
    question_id = (
        f"{connection.ops.quote_name(Question._meta.db_table)}."
        f"{connection.ops.quote_name(Question._meta.pk.column)}"
    )
    table = connection.ops.quote_name(MessageDraft._meta.db_table)
    question = connection.ops.quote_name(MessageDraft._meta.get_field("question").column)
    author = connection.ops.quote_name(MessageDraft._meta.get_field("author").column)
    # Names from the models' metadata, quoted; the user's id is a parameter.
    return f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{question} = {question_id} AND {table}.{author} = %s)"  # noqa: S608, E501


def own_draft_present(user) -> dict:
    """An annotation for the question's query (`scoped_question`): whether the user has a draft
    of it; most openings have none, and the composer then does not look for it."""
    return {
        "has_own_draft": RawSQL(_own_draft_sql(), (user.pk,), output_field=BooleanField())  # noqa: S611
    }


def absent_relations(question) -> frozenset:
    """The relations of SIDE_RELATIONS the question has no row of at all, when its query said
    so (`scoped_question`; else nothing is known and every panel reads its own): the side
    panels then skip reading them. Only "no row at all" is known here; what the panels show of
    existing rows (an active hold, a pending request...) is still theirs to read."""
    flags = {name: getattr(question, f"has_{name}", None) for name in SIDE_RELATIONS}
    if any(flag is None for flag in flags.values()):
        return frozenset()
    return frozenset(name for name, present in flags.items() if not present)


def _json_rows_sql(table: str, columns: tuple, where: str) -> str | None:
    """A scalar sub-query: the rows of `table` matching `where`, each as a JSON array of
    `columns`, in one JSON array (as text; in no particular order). None on a database without
    JSON aggregation (then the rows are read in a query of their own)."""
    quote = connection.ops.quote_name
    cols = ", ".join(f"{quote(table)}.{quote(column)}" for column in columns)
    # Names from the models' metadata, quoted; values are parameters.
    if connection.vendor == "postgresql":
        return (
            f"(SELECT COALESCE(json_agg(json_build_array({cols})), '[]'::json)::text "  # noqa: S608
            f"FROM {quote(table)} WHERE {where})"
        )
    if connection.vendor == "sqlite":
        return f"(SELECT json_group_array(json_array({cols})) FROM {quote(table)} WHERE {where})"  # noqa: S608
    return None


@functools.cache
def _lists_sql() -> dict:
    quote = connection.ops.quote_name
    question_id = f"{quote(Question._meta.db_table)}.{quote(Question._meta.pk.column)}"
    files = Question._meta.get_field("attachments").related_model
    memberships = get_user_model().groups.through
    return {
        "_ws_files": _json_rows_sql(
            files._meta.db_table,
            tuple(files._meta.get_field(name).column for name in THREAD_FILE_FIELDS),
            f"{quote(files._meta.db_table)}.{quote(files._meta.get_field('question').column)}"
            f" = {question_id}",
        ),
        "_ws_groups": _json_rows_sql(
            memberships._meta.db_table,
            (memberships._meta.get_field("group").column,),
            f"{quote(memberships._meta.db_table)}."
            f"{quote(memberships._meta.get_field('user').column)} = %s",
        ),
    }


def lists_read(user) -> dict:
    """Annotations for the question's query (`scoped_question`): the question's files (for the
    thread's key) and the ids of the user's groups (for the suggestions' key), read with the
    question instead of in two queries (`json_rows` reads them back)."""
    sql = _lists_sql()
    if sql["_ws_files"] is None:
        return {}
    return {
        "_ws_files": RawSQL(sql["_ws_files"], (), output_field=TextField()),  # noqa: S611
        "_ws_groups": RawSQL(sql["_ws_groups"], (user.pk,), output_field=TextField()),  # noqa: S611
    }


def json_rows(text) -> list[tuple] | None:
    """What `lists_read` read: the rows as tuples, in order (None: not read)."""
    if text is None:
        return None
    return sorted(tuple(row) for row in json.loads(text))


@functools.cache
def _generation_sql() -> str:
    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    value = connection.ops.quote_name(ContentGeneration._meta.get_field("value").column)
    key = connection.ops.quote_name(ContentGeneration._meta.pk.column)
    # Names from the model's metadata, quoted; the row's id is a parameter.
    return f"(SELECT {table}.{value} FROM {table} WHERE {table}.{key} = %s)"  # noqa: S608


def generations_read() -> dict:
    """Annotations for the question's query (`scoped_question`): the content generation and
    the admin chrome's, read with the question instead of in a query of their own."""
    return {
        f"_ws_{name}_generation": RawSQL(_generation_sql(), (row,), output_field=BigIntegerField())  # noqa: S611
        for name, row in (("content", page_cache.CONTENT), ("chrome", admin_chrome.CHROME))
    }


def generations(request, question=None) -> int:
    """The content generation (backoffice.page_cache.generation), and the admin chrome's
    (backoffice.admin_chrome.generation, kept on the request as it keeps it), read with the
    question (`scoped_question`) or else in one query. Read at the start of the request, as
    the chrome reads its own."""
    content = getattr(question, "_ws_content_generation", False)
    if content is not False:
        chrome = question._ws_chrome_generation
        if admin_chrome.enabled() and not hasattr(request, "_admin_chrome_generation"):
            request._admin_chrome_generation = chrome or 0
        return content or 0
    if not admin_chrome.enabled() or hasattr(request, "_admin_chrome_generation"):
        return page_cache.generation()
    rows = dict(
        ContentGeneration.objects.filter(
            pk__in=(page_cache.CONTENT, admin_chrome.CHROME)
        ).values_list("pk", "value")
    )
    request._admin_chrome_generation = rows.get(admin_chrome.CHROME) or 0
    return rows.get(page_cache.CONTENT) or 0


HEADER_TEMPLATE = "wagtailadmin/shared/header.html"


def header_html(question) -> str:
    """Wagtail's page header (the reference, the subject, the icon), kept under what it shows
    and the template's version (tickets.workspace.kept_fields.kept adds the language)."""
    return kept_fields.kept(
        "header",
        (template_version(HEADER_TEMPLATE), question.reference, question.subject),
        lambda: render_to_string(
            HEADER_TEMPLATE,
            {"title": question.reference, "subtitle": question.subject, "icon": "help"},
        ),
    )


def page_context(request, question, **given) -> dict:
    """The whole page: every panel, the suggested articles and similar questions."""
    # The content generation read once for the suggestions and the composer's article list.
    generation = generations(request, question)
    consents = question_consents(question)  # for the facts, documents and referrals
    return {
        **panels_context(
            request, question, PANEL_CONTEXTS, generation=generation, consents=consents, **given
        ),
        "side_panels": side_panels(request, question, generation, consents),
        "header_title": question.reference,
        "header_html": header_html(question),
        # The suggestions, rendered as kept (related_html).
        "related_html": related_html(question, request.user, generation),
    }


def fragments(
    request,
    question,
    names,
    *,
    message="",
    level="success",
    focus="",
    status=200,
    reset=None,
    **given,
):
    """The JSON answer of the fetch path: the panels `names` rendered as the full page renders
    them, the messages-framework text (shown in the admin's live region), and where to move the
    focus."""
    context = panels_context(request, question, names, **given)
    return JsonResponse(
        {
            "panels": {
                name: render_to_string(PANEL_TEMPLATES[name], context, request=request)
                for name in names
            },
            "message": str(message),
            "level": level,
            "focus": focus,
            "reset": reset,
        },
        status=status,
    )


def _audit_trail(question):
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Question), target_id=str(question.pk)
        )
        .select_related("actor")
        .order_by("-time")[:100]
    )


# The first thing to fix: the message box when it is what is wrong, else the form's alert.
ERROR_FOCUS = "#composer .w-field--error textarea, #composer [role=alert]"


def error_texts(form) -> list[str]:
    return [str(text) for errors in form.errors.values() for text in errors]
