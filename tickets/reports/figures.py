"""The coordinators' figures: the one place that computes them. The dashboard, its CSV/XLSX
exports, the monthly report and the home page all read them here; nothing here changes data.

Definitions (a period is a range of calendar days in Brussels time, both ends included):

- received / answered / closed: questions created / answered / closed in the period;
- open now, overdue now, waiting now: today's state (the period does not apply);
- time to first response: working days (tickets.sla) from the day a question came in to the day
  of the first staff reply, for questions received in the period that had one; time to answer:
  to the day it was answered, or closed when it was closed without an answer. Median and 90th
  percentile (nearest rank);
- within the service level: of the questions received in the period whose due day has passed or
  that were handled, the share handled on or before the due day;
- legal deadlines in the period: met when answered (or closed) on or before the deadline,
  missed when that day has passed without, pending otherwise;
- interpreters needed: contact languages the site does not speak (tickets.languages.FIRST);
- channel: how a question reached the team that holds it: the public form (a newcomer), the
  professionals' portal (a consult), or handed over by another region (tickets.documents.handover);
- top topics: the key terms of the subjects received (search.text.key_terms), counted once per
  question;
- knowledge base: articles read (knowledge.reads: page views by readers outside the team, per
  article language version and day), helpful votes given in the period, searches with no result.
  The knowledge base is shared by every region and its readers are anonymous: of the filters,
  only the period applies to these figures.

Privacy: the screen shows the team the exact figures; everything that leaves the team (exports,
reports) goes through `suppressed`, which hides counts below FIGURES_MIN_COUNT (and medians,
percentiles and shares computed from fewer questions than that).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Organisation
from tickets import access, languages
from tickets.models import (
    OPEN_STATUSES,
    ArticleProposal,
    Outcome,
    PolicySignal,
    Question,
    RequesterKind,
    SignalCategory,
    Status,
    overdue_q,
)
from tickets.reports.days import LocalDate
from tickets.sla import calendar

COUNT, DAYS, PERCENT, TEXT, HIDDEN = "count", "days", "percent", "text", "hidden"


@dataclass(frozen=True)
class Cell:
    """One value of a table. `base` is how many questions a median or share is computed from."""

    value: object
    kind: str = TEXT
    base: int | None = None

    def __str__(self):
        if self.kind == HIDDEN:
            return f"< {self.value}"
        if self.value is None:
            return "–"
        if self.kind == PERCENT:
            return f"{self.value:.0f} %"
        if self.kind == DAYS and isinstance(self.value, float):
            return f"{self.value:.1f}".rstrip("0").rstrip(".")
        return str(self.value)

    @property
    def number(self) -> float:
        """The value a chart draws (0 for a hidden or empty value)."""
        if self.kind in (HIDDEN, TEXT) or self.value is None:
            return 0
        return float(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: str = ""  # "bar" (first column: labels, second: values), "line", or none
    keys: list[str] = field(default_factory=list)  # a stable name per row (the overview)
    note: str = ""  # what the reader should know to read the table right
    # Rows whose count is hidden are left out entirely when the label itself could say too
    # much (the text people searched for).
    drop_hidden_rows: bool = False

    def values(self) -> list[list[str]]:
        return [[str(cell) for cell in row] for row in self.rows]


@dataclass
class Report:
    filters: Filters
    tables: list[Table] = field(default_factory=list)
    suppressed_below: int = 0  # 0: exact figures (for the team only)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def headline(self) -> dict[str, Cell]:
        overview = self.table("overview")
        return {key: row[1] for key, row in zip(overview.keys, overview.rows, strict=True)}


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # included
    region: int | None = None
    municipality: int | str | None = None  # a pk, or "none" for questions without one
    legal_domain: int | None = None
    contact_language: str = ""
    requester: str = ""  # "newcomer", "professional" or "org:<organisation kind>"
    outcome: str = ""
    channel: str = ""  # a key of CHANNELS

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


CHANNELS = {
    "form": _("Public form"),
    "portal": _("Professionals' portal"),
    "handover": _("Handed over by another region"),
}


def _handed_over():
    """The question came to its present region through a handover (tickets.documents.handover)."""
    from tickets.models import Handover

    return Exists(
        Handover.objects.filter(
            question=OuterRef("pk"), kind=Handover.Kind.INTERNAL, to_region=OuterRef("region")
        )
    )


def last_month(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def may_see_figures(user) -> bool:
    """The dashboard and reports are the coordinators' (of their regions) and superusers'."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=roles.COORDINATOR).exists()


def scope(user, filters: Filters):
    """The questions the figures are about: what the user may see, narrowed by the filters
    (the period is applied per figure). `user=None` is the system (the monthly report of the
    worker, always for one region)."""
    questions = Question.objects.all() if user is None else access.staff_questions(user)
    if filters.region:
        questions = questions.filter(region=filters.region)
    if filters.municipality == "none":
        questions = questions.filter(municipality__isnull=True)
    elif filters.municipality:
        questions = questions.filter(municipality=filters.municipality)
    if filters.legal_domain:
        questions = questions.filter(legal_domain=filters.legal_domain)
    if filters.contact_language:
        questions = questions.filter(contact_language=filters.contact_language)
    if filters.requester.startswith("org:"):
        questions = questions.filter(
            requester_kind=RequesterKind.PROFESSIONAL, organisation__kind=filters.requester[4:]
        )
    elif filters.requester:
        questions = questions.filter(requester_kind=filters.requester)
    if filters.outcome:
        questions = questions.filter(outcome=filters.outcome)
    if filters.channel == "handover":
        questions = questions.filter(_handed_over())
    elif filters.channel in ("form", "portal"):
        kind = RequesterKind.NEWCOMER if filters.channel == "form" else RequesterKind.PROFESSIONAL
        questions = questions.filter(~_handed_over(), requester_kind=kind)
    return questions


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    return values[max(0, math.ceil(share * len(values)) - 1)]


def _duration_cells(pairs: dict[tuple[date, date], int]) -> tuple[Cell, Cell, int]:
    days = []
    for (start, end), count in pairs.items():
        days.extend([calendar.working_days_between(start, end)] * count)
    days.sort()
    base = len(days)
    if not days:
        return Cell(None, DAYS, 0), Cell(None, DAYS, 0), 0
    return (
        Cell(statistics.median(days), DAYS, base),
        Cell(percentile(days, 0.9), DAYS, base),
        base,
    )


def _share(part: int, whole: int) -> Cell:
    return Cell(100 * part / whole if whole else None, PERCENT, whole)


def _day_pairs(queryset, end) -> Counter:
    """(day in, day done) → questions, counted by the database (tickets.reports.days): a few
    hundred pairs come back instead of a row per question."""
    return Counter(
        {
            (day_in, day_done): n
            for day_in, day_done, n in queryset.annotate(
                day_in=LocalDate("created_at"), day_done=LocalDate(end)
            )
            .values_list("day_in", "day_done")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )


def compute(user, filters: Filters, today: date | None = None, sections: str = "all") -> Report:
    """The figures; `sections="overview"` computes the headline table only (the home page)."""
    today = today or timezone.localdate()
    questions = scope(user, filters)
    begin, stop = filters.bounds
    in_period = Q(created_at__gte=begin, created_at__lt=stop)
    received = questions.filter(in_period).order_by()
    report = Report(filters)

    done_at = Coalesce("answered_at", "closed_at")
    # Speed (p95 ≤ 300 ms at 100,000 questions): every query reads one index range: the
    # period's figures by the time column they count (created_at, answered_at, closed_at,
    # legal_deadline: all indexed), today's state by status (the open questions are a small
    # share of all). One aggregate over everything would read every question of the scope.
    # The received count and the service level's shares: one pass over the period's questions.
    # "Handled by the due day" compares the day of the moment (LocalDate: native SQL on both
    # databases) with the due day; Django's `__date` calls Python per row on SQLite.
    first_day, done_day = LocalDate("first_response_at"), LocalDate(done_at)
    sla_counts = received.aggregate(
        received=Count("pk"),
        first_base=Count(
            "pk", filter=Q(first_response_at__isnull=False) | Q(first_response_due__lt=today)
        ),
        first_within=Count("pk", filter=Q(first_response_due__gte=first_day)),
        answer_base=Count(
            "pk",
            filter=Q(answered_at__isnull=False)
            | Q(closed_at__isnull=False)
            | Q(answer_due__lt=today),
        ),
        answer_within=Count("pk", filter=Q(answer_due__gte=done_day)),
    )
    counts = {
        "received": sla_counts["received"],
        "answered": questions.filter(answered_at__gte=begin, answered_at__lt=stop)
        .order_by()
        .count(),
        "closed": questions.filter(closed_at__gte=begin, closed_at__lt=stop).order_by().count(),
        **questions.filter(status__in=OPEN_STATUSES)
        .order_by()
        # Counting a column of tickets.0016's index (never NULL) instead of the id lets
        # PostgreSQL answer from that index alone (SQLite does either way).
        .aggregate(
            open=Count("status"),
            overdue=Count("status", filter=overdue_q(today)),
            waiting=Count("status", filter=Q(status=Status.WAITING)),
        ),
    }
    deadlines = (
        questions.filter(legal_deadline__gte=filters.start, legal_deadline__lte=filters.end)
        .order_by()
        .aggregate(
            total=Count("pk"),
            met=Count("pk", filter=Q(legal_deadline__gte=done_day)),
            missed=Count(
                "pk",
                filter=Q(legal_deadline__lt=today)
                & (
                    Q(answered_at__isnull=True, closed_at__isnull=True)
                    | Q(legal_deadline__lt=done_day)
                ),
            ),
        )
    )
    first_median, first_p90, _first_n = _duration_cells(
        _day_pairs(received.filter(first_response_at__isnull=False), "first_response_at")
    )
    answer_median, answer_p90, _answer_n = _duration_cells(
        _day_pairs(
            received.filter(Q(answered_at__isnull=False) | Q(closed_at__isnull=False)), done_at
        )
    )

    keys = []

    def row(key, label, cell):
        keys.append(key)
        return [Cell(str(label)), cell]

    report.tables.append(
        Table(
            "overview",
            str(_("Overview")),
            [str(_("Figure")), str(_("Value"))],
            [
                row("received", _("Questions received"), Cell(counts["received"], COUNT)),
                row("answered", _("Questions answered"), Cell(counts["answered"], COUNT)),
                row("closed", _("Questions closed"), Cell(counts["closed"], COUNT)),
                row("open", _("Open now"), Cell(counts["open"], COUNT)),
                row("overdue", _("Overdue now"), Cell(counts["overdue"], COUNT)),
                row("waiting", _("Waiting for the requester now"), Cell(counts["waiting"], COUNT)),
                row(
                    "first_median",
                    _("Time to first response, median (working days)"),
                    first_median,
                ),
                row("first_p90", _("Time to first response, 90th percentile"), first_p90),
                row("answer_median", _("Time to answer, median (working days)"), answer_median),
                row("answer_p90", _("Time to answer, 90th percentile"), answer_p90),
                row(
                    "first_within",
                    _("First response within the service level"),
                    _share(sla_counts["first_within"], sla_counts["first_base"]),
                ),
                row(
                    "answer_within",
                    _("Answer within the service level"),
                    _share(sla_counts["answer_within"], sla_counts["answer_base"]),
                ),
                row(
                    "deadlines_met",
                    _("Legal deadlines in the period: met"),
                    Cell(deadlines["met"], COUNT),
                ),
                row(
                    "deadlines_missed",
                    _("Legal deadlines in the period: missed"),
                    Cell(deadlines["missed"], COUNT),
                ),
                row(
                    "deadlines_pending",
                    _("Legal deadlines in the period: still to come"),
                    Cell(deadlines["total"] - deadlines["met"] - deadlines["missed"], COUNT),
                ),
            ],
            keys=keys,
        )
    )
    if sections == "overview":
        return report
    report.tables.extend(_trends(questions, filters, begin, stop))
    report.tables.extend(_distributions(received, questions, begin, stop))
    from knowledge import reads

    read = reads.summary(filters.start, filters.end, limit=15)
    report.tables.append(_knowledge(questions, read, begin, stop))
    report.tables.extend(_reading(read, begin, stop))
    report.tables.append(_searches(filters))
    report.tables.append(_signals(user, filters))
    return report


def _searches(filters: Filters) -> Table:
    from search import querylog

    return Table(
        "searches",
        str(_("Searches with no result")),
        [str(_("Search")), str(_("Language")), str(_("Searches"))],
        [
            [Cell(query), Cell(language), Cell(count, COUNT)]
            for query, language, count in querylog.top_without_result(
                filters.start, filters.end, limit=20
            )
        ],
        drop_hidden_rows=True,
    )


def _signals(user, filters: Filters) -> Table:
    from tickets import policy_signals

    visible = PolicySignal.objects.all() if user is None else policy_signals.visible_to(user)
    signals = policy_signals.in_period(visible, filters.start, filters.end)
    if filters.region:
        signals = signals.filter(region=filters.region)
    if filters.municipality == "none":
        signals = signals.filter(municipality__isnull=True)
    elif filters.municipality:
        signals = signals.filter(municipality=filters.municipality)
    categories = dict(SignalCategory.choices)
    rows = [
        [
            Cell(f"{row['municipality__postcode']} {row['municipality__name']}"
                 if row["municipality__name"] else str(_("Unknown"))),
            Cell(str(categories.get(row["category"], row["category"]))),
            Cell(row["n"], COUNT),
        ]
        for row in policy_signals.per_municipality(signals)
    ]  # fmt: skip
    return Table(
        "signals",
        str(_("Policy signals")),
        [str(_("Municipality")), str(_("Category")), str(_("Signals"))],
        rows,
    )


def _per_day(queryset, field_name, begin, stop) -> Counter:
    """day → questions, counted by the database."""
    return Counter(
        dict(
            queryset.filter(**{f"{field_name}__gte": begin, f"{field_name}__lt": stop})
            .annotate(day=LocalDate(field_name))
            .values_list("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )


def _trends(questions, filters: Filters, begin, stop) -> list[Table]:
    received = _per_day(questions, "created_at", begin, stop)
    answered = _per_day(questions, "answered_at", begin, stop)
    closed = _per_day(questions, "closed_at", begin, stop)
    weeks: dict[date, list[int]] = {}
    months: dict[date, list[int]] = {}
    day = filters.start
    while day <= filters.end:
        week = day - timedelta(days=day.weekday())
        month = day.replace(day=1)
        for buckets, key in ((weeks, week), (months, month)):
            counts = buckets.setdefault(key, [0, 0, 0])
            counts[0] += received[day]
            counts[1] += answered[day]
            counts[2] += closed[day]
        day += timedelta(days=1)
    columns = [str(_("Received")), str(_("Answered")), str(_("Closed"))]
    return [
        Table(
            "weeks",
            str(_("Per week")),
            [str(_("Week of")), *columns],
            [
                [Cell(date_format(week, "SHORT_DATE_FORMAT"))]
                + [Cell(count, COUNT) for count in counts]
                for week, counts in weeks.items()
            ],
            chart="line",
        ),
        Table(
            "months",
            str(_("Per month")),
            [str(pgettext_lazy("figures", "Month")), *columns],
            [
                [Cell(date_format(month, "YEAR_MONTH_FORMAT"))]
                + [Cell(count, COUNT) for count in counts]
                for month, counts in months.items()
            ],
            chart="bar",
        ),
    ]


def _grouped(received, field_name) -> list[tuple[object, int]]:
    rows = received.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name)
    return [(row[field_name], row["n"]) for row in rows]


def _distributions(received, questions, begin, stop) -> list[Table]:
    number = str(_("Questions"))
    domain_names = {domain.pk: domain.name for domain in LegalDomain.objects.all()}
    municipalities = {m.pk: str(m) for m in Municipality.objects.all()}
    language_names = dict(languages.contact_language_choices())
    by_language = _grouped(received, "contact_language")
    interpreter = sum(n for code, n in by_language if code not in languages.FIRST)
    organisation_kinds = dict(Organisation.Kind.choices)
    requesters = Counter()
    for kind, organisation_kind, n in (
        received.values_list("requester_kind", "organisation__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if kind == RequesterKind.NEWCOMER:
            requesters[str(RequesterKind.NEWCOMER.label)] += n
        else:
            label = organisation_kinds.get(organisation_kind, _("No organisation"))
            requesters[f"{RequesterKind.PROFESSIONAL.label}: {label}"] += n
    outcomes = dict(Outcome.choices)
    closed = questions.filter(closed_at__gte=begin, closed_at__lt=stop).order_by()
    channels = Counter()
    for kind, handed, n in (
        received.annotate(handed=_handed_over())
        .values_list("requester_kind", "handed")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        channel = "handover" if handed else "form" if kind == RequesterKind.NEWCOMER else "portal"
        channels[channel] += n
    return [
        Table(
            "domains",
            str(_("Legal domains")),
            [str(_("Legal domain")), number],
            [
                [Cell(domain_names.get(pk, "?")), Cell(n, COUNT)]
                for pk, n in _grouped(received, "legal_domain")
            ],
            chart="bar",
        ),
        Table(
            "municipalities",
            str(_("Where questions come from")),
            [str(_("Municipality")), number],
            [
                [Cell(municipalities.get(pk, str(_("Unknown")))), Cell(n, COUNT)]
                for pk, n in _grouped(received, "municipality")
            ],
            chart="bar",
        ),
        Table(
            "languages",
            str(_("Contact languages")),
            [str(_("Contact language")), number],
            [[Cell(language_names.get(code, code)), Cell(n, COUNT)] for code, n in by_language]
            + [[Cell(str(_("Interpreter needed (other languages)"))), Cell(interpreter, COUNT)]],
            chart="bar",
        ),
        Table(
            "requesters",
            str(_("Who asks")),
            [str(_("Requester")), number],
            [[Cell(label), Cell(n, COUNT)] for label, n in requesters.most_common()],
            chart="bar",
        ),
        Table(
            "channels",
            str(_("Channels")),
            [str(_("Channel")), number],
            [
                [Cell(str(CHANNELS[key])), Cell(n, COUNT)]
                for key, n in sorted(channels.items(), key=lambda item: (-item[1], item[0]))
            ],
            chart="bar",
        ),
        _topics(received),
        Table(
            "outcomes",
            str(_("How closed questions ended")),
            [str(_("Outcome")), number],
            [
                [Cell(str(outcomes.get(code, _("Not recorded")))), Cell(n, COUNT)]
                for code, n in _grouped(closed, "outcome")
            ],
            chart="bar",
        ),
    ]


def _topics(received, limit: int = 15) -> Table:
    """The key terms of the subjects received, each counted once per question. Leaving the
    team, a rare term is left out with its row (a word can say who asked)."""
    from search.text import key_terms

    counts = Counter()
    # The same subject comes back often (the form's examples, recurring questions): the
    # database counts each subject once, its key terms are taken once.
    for subject, n in received.values_list("subject").annotate(n=Count("pk")).order_by():
        for term in key_terms(subject, "", limit=4):
            counts[term] += n
    return Table(
        "topics",
        str(_("Top topics")),
        [str(_("Key term of the subject")), str(_("Questions"))],
        [
            [Cell(term), Cell(n, COUNT)]
            for term, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        ],
        chart="bar",
        drop_hidden_rows=True,
    )


def _knowledge_note() -> str:
    return str(
        _(
            "The knowledge base serves every region and its readers are anonymous: only the "
            "period applies to these figures."
        )
    )


def _knowledge(questions, read, begin, stop) -> Table:
    from knowledge.models import ArticleVote

    votes = ArticleVote.objects.filter(created__gte=begin, created__lt=stop).aggregate(
        # Counted on the index's own column (knowledge.0006): PostgreSQL reads the index alone.
        yes=Count("created", filter=Q(helpful=True)),
        no=Count("created", filter=Q(helpful=False)),
    )
    # The period's proposals are few: their questions are checked against the scope by id
    # (a subquery over the scope would read every question of it).
    proposed_ids = list(
        ArticleProposal.objects.filter(created_at__gte=begin, created_at__lt=stop).values_list(
            "question_id", flat=True
        )
    )
    proposed = questions.filter(pk__in=proposed_ids).count() if proposed_ids else 0
    rows = [
        [Cell(str(_("Articles read"))), Cell(read.total, COUNT)],
        [Cell(str(_("Articles found helpful (votes)"))), Cell(votes["yes"], COUNT)],
        [Cell(str(_("Articles not found helpful (votes)"))), Cell(votes["no"], COUNT)],
        [Cell(str(_("Articles proposed from answers"))), Cell(proposed, COUNT)],
    ]
    return Table(
        "knowledge",
        str(_("Knowledge base")),
        [str(_("Figure")), str(_("Value"))],
        rows,
        note=str(
            _(
                "Articles read and votes are of the whole knowledge base (it serves every region "
                "and its readers are anonymous): only the period applies to them."
            )
        ),
    )


def _reading(read, begin, stop) -> list[Table]:
    """The most read articles (each language version apart) with the helpful votes given in the
    period next to them, and the reads per language of the articles (knowledge.reads.summary)."""
    from knowledge import votes

    def name(code):
        return languages.language_name(code, own_name=False)

    top = read.most_read
    tallies = votes.tallies([article.pk for article, _n in top], begin, stop)
    nothing = {"helpful": 0, "not_helpful": 0}
    return [
        Table(
            "articles_read",
            str(_("Most read articles")),
            [
                str(_("Article")),
                str(_("Reads")),
                str(_("Found helpful (votes)")),
                str(_("Not found helpful (votes)")),
                str(_("Language")),
            ],
            [
                [
                    Cell(article.title),
                    Cell(n, COUNT),
                    Cell(tallies.get(article.pk, nothing)["helpful"], COUNT),
                    Cell(tallies.get(article.pk, nothing)["not_helpful"], COUNT),
                    Cell(name(article.locale.language_code)),
                ]
                for article, n in top
            ],
            chart="bar",
            note=_knowledge_note(),
        ),
        Table(
            "reads_languages",
            str(_("Articles read per language")),
            [str(_("Language")), str(_("Reads"))],
            [[Cell(name(code)), Cell(n, COUNT)] for code, n in read.per_language],
            chart="bar",
            note=_knowledge_note(),
        ),
    ]


def suppressed(report: Report, threshold: int | None = None) -> Report:
    """The report as it may leave the team: every count from 1 to threshold - 1 is hidden, and
    so is every median, percentile or share computed from fewer questions than the threshold."""
    threshold = settings.FIGURES_MIN_COUNT if threshold is None else threshold

    def hide(cell: Cell) -> Cell:
        if cell.kind == COUNT and cell.value and 0 < cell.value < threshold:
            return Cell(threshold, HIDDEN)
        if cell.kind in (DAYS, PERCENT) and cell.base is not None and 0 < cell.base < threshold:
            return Cell(threshold, HIDDEN)
        return cell

    tables = []
    for table in report.tables:
        rows = [[hide(cell) for cell in row] for row in table.rows]
        if table.drop_hidden_rows:
            rows = [row for row in rows if not any(cell.kind == HIDDEN for cell in row)]
        tables.append(replace(table, rows=rows))
    return replace(report, tables=tables, suppressed_below=threshold)
