"""How long "Send" takes in the workspace, on the demo data, as the server sees it.

    DEBUG=true DATABASE_URL=postgres://… .venv/bin/python bench/send_answer.py [--profile]

Needs `manage.py seed_demo` on that database. Each run creates a fresh question in the demo
specialist's region (as the public form would), opens its workspace as that specialist (signed
in, second factor verified), and sends a first public answer with a link to a demo article,
the way the composer does (with --in-place as its JavaScript does: the changed panels back as
JSON, no redirect): the POST and the workspace page it redirects to are timed apart and
together, and the medians printed. With --profile one more send is profiled (cProfile, the
slowest functions by cumulative time). The browser's view of the same click is measured by
tests/browser/test_journey_specialist.py.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="send as the composer's JavaScript does (X-Workspace-Fragments: the changed "
        "panels as JSON, no redirect and no page after it)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from demo_sender import demo_sender
    from django.conf import settings

    from tickets import lifecycle

    sender = demo_sender()
    municipality, domain = sender.municipality, sender.domain
    link, client = sender.article_link, sender.client

    def one_send() -> tuple[float, float]:
        question = lifecycle.create_question(
            legal_domain=domain,
            subject="Mijn verblijfskaart vervalt",
            body="Ik wacht op een afspraak bij de gemeente. Verlies ik mijn verblijf?",
            contact_language="nl",
            processing_consent=True,
            municipality=municipality,
        ).question
        url = f"/admin/questions/{question.pk}/workspace/"
        page = client.get(url).content.decode()
        last_seen = re.search(r'name="last_seen" value="(\d*)"', page).group(1)
        started = time.perf_counter()
        sent = client.post(
            url,
            {
                "action": "compose",
                "intent": "send",
                "internal": "0",
                "last_seen": last_seen,
                "body": f"Uw kaart blijft geldig zolang de verlenging loopt. Lees ook {link}.",
            },
            **({"HTTP_X_WORKSPACE_FRAGMENTS": "1"} if args.in_place else {}),
        )
        posted = time.perf_counter()
        if args.in_place:
            assert sent.status_code == 200 and "Uw kaart" in sent.json()["panels"]["thread"]
            return (posted - started) * 1000, 0.0
        errors = re.findall(r'class="help-block help-critical"[^>]*>(.*?)</div>', sent.text, re.S)
        assert sent.status_code == 302, (sent.status_code, errors)
        shown = client.get(sent["Location"])
        assert shown.status_code == 200
        return (posted - started) * 1000, (time.perf_counter() - posted) * 1000

    one_send()  # warm caches and imports, as a running server has them
    timings = [one_send() for _ in range(args.runs)]
    post = statistics.median(t[0] for t in timings)
    page = statistics.median(t[1] for t in timings)
    total = statistics.median(t[0] + t[1] for t in timings)
    print(f"runs={args.runs} database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(
        f"median send POST {post:.0f} ms, workspace page after it {page:.0f} ms, "
        f"both {total:.0f} ms"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        one_send()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
