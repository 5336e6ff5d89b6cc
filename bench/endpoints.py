"""The one table of what the benchmark measures. Add a page here when its feature lands.

`path` is formatted with the manifest of the data set (`generate_data --manifest`) plus:
`{article_url}` a public article, `{reference}` a newcomer's question the client opened with its
code, `{long_thread_pk}` a question with 20 messages, `{domain_pk}` a legal domain.
An endpoint whose page answers 404 (its feature has not landed), or whose data is missing (no
articles yet), is skipped with a message; nothing else needs changing when it lands.

`session`: what the simulated client does first: None (anonymous), "staff" (signs in as a
specialist of the long threads' region), "follow_up" (opens a question with reference + code),
"intake" (posts the question form with a small PDF instead of a GET), "letter" (a signed-in
specialist posts the letter form and downloads the DOCX it redirects to), "coordinator" (signs
in as the data set's first coordinator).
`target_p95_ms`: the issue's target at 100,000 questions on 2 cores (None: no target).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    session: str | None = None
    target_p95_ms: int | None = None
    needs: str | None = None  # a manifest key that must be non-empty


ENDPOINTS = [
    Endpoint("home", "public home", "/nl/", target_p95_ms=50),
    Endpoint("article", "article page", "{article_url}", target_p95_ms=50, needs="article_urls"),
    Endpoint("public_search", "public search", "/nl/search/?q=verblijfskaart", target_p95_ms=100),
    # What the intake form asks while the visitor types (search.service.suggest).
    Endpoint(
        "intake_suggestions",
        "intake suggestions",
        "/nl/search/suggestions/?q=mijn+verblijfskaart+verlengen",
        target_p95_ms=100,
    ),
    Endpoint(
        "follow_up",
        "follow-up page",
        "/nl/follow-up/{reference}/",
        session="follow_up",
        target_p95_ms=30,
        needs="known_codes",
    ),
    Endpoint("queue", "staff queue", "/admin/questions/", session="staff", target_p95_ms=150),
    Endpoint(
        "queue_filtered",
        "staff queue, filtered",
        "/admin/questions/?status=open&legal_domain={domain_pk}",
        session="staff",
        target_p95_ms=150,
    ),
    Endpoint(
        "queue_page_50",
        "staff queue, page 50",
        "/admin/questions/?status=closed&p=50",
        session="staff",
        target_p95_ms=150,
    ),
    # The queue's search box goes through the search service (search.service.matching_q).
    Endpoint(
        "staff_search",
        "staff search",
        "/admin/questions/?q=gezinshereniging",
        session="staff",
        target_p95_ms=150,
    ),
    Endpoint(
        "workspace",
        "workspace (20 messages)",
        "/admin/questions/{long_thread_pk}/workspace/",
        session="staff",
        target_p95_ms=150,
        needs="long_threads",
    ),
    # Letters are made at once (tickets.documents.jobs): one measured request is the POST
    # that makes the letter of the question's last answer and the download it redirects to.
    Endpoint(
        "docx_letter",
        "DOCX answer letter",
        "/admin/questions/{long_thread_pk}/letter/",
        session="letter",
        needs="long_threads",
    ),
    # The coordinators' dashboard (tickets.reports.figures): the last 30 days of every region,
    # as the first coordinator of the data set (who holds all regions) sees it.
    Endpoint(
        "dashboard",
        "coordinator dashboard",
        "/admin/dashboard/",
        session="coordinator",
        target_p95_ms=300,
    ),
    # Last: the background work each stored question queues (indexing, notifications) would
    # otherwise run during the next endpoints' measurements.
    Endpoint("intake", "intake POST", "/nl/ask/", session="intake", target_p95_ms=100),
]

BY_KEY = {endpoint.key: endpoint for endpoint in ENDPOINTS}
# What `bench/run --search elasticsearch` measures on Elasticsearch (the workspace shows the
# similar questions and suggested articles).
SEARCH_ENDPOINTS = ("public_search", "intake_suggestions", "staff_search", "workspace")

# Growth 10,000 -> 100,000 questions: p95 may grow at most this much.
GROWTH_LIMIT = 1.3
# The intake must sustain this many submissions per second with nothing lost.
INTAKE_MIN_RPS = 50
