import json
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from demo import datagen, datagen_articles


class Command(BaseCommand):
    help = (
        "Fill a fresh database with a large, realistic, deterministic data set for benchmarks: "
        "N questions over two years with their threads, 50 organisations, 300 people and, once "
        "the knowledge base exists, 2,000 articles. Refuses a database with real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="The data set's 'today' (YYYY-MM-DD; default today): ages count back from it.",
        )
        parser.add_argument("--users", type=int, default=300)
        parser.add_argument("--organisations", type=int, default=50)
        parser.add_argument("--articles", type=int, default=2_000)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--known-codes",
            type=int,
            default=200,
            help="How many newcomers' access codes to write to the manifest (for the benchmark).",
        )
        parser.add_argument("--long-threads", type=int, default=20)
        parser.add_argument(
            "--password",
            default="",
            help="Password of every generated account (default: DEMO_PASSWORD).",
        )
        parser.add_argument("--manifest", type=Path, help="Write the summary as JSON here.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds data that was not generated.",
        )

    def handle(self, *args, **options):
        from django.conf import settings

        if options["questions"] < 1:
            raise CommandError("--questions must be at least 1")
        reason = datagen.refuse_reason()
        if reason and not options["force"]:
            raise CommandError(f"Refusing to generate data: {reason}. Use --force to go on.")
        opts = datagen.Options(
            questions=options["questions"],
            seed=options["seed"],
            anchor=options["anchor"],
            users=options["users"],
            organisations=options["organisations"],
            batch_size=options["batch_size"],
            known_codes=options["known_codes"],
            long_threads=options["long_threads"],
            password=options["password"] or settings.DEMO_PASSWORD,
            progress=not options["no_progress"],
        )
        started = time.monotonic()
        manifest = datagen.generate(opts)
        manifest["seconds_questions"] = round(time.monotonic() - started, 1)
        self.stdout.write(
            f"{manifest['questions']:,} questions, {manifest['messages']:,} messages, "
            f"{manifest['attachments']:,} attachments, {manifest['organisations']} organisations, "
            f"{sum(manifest['users'].values())} people in {manifest['seconds_questions']} s"
        )
        # The knowledge base is a separate step: it exists only once its issue has landed.
        if options["articles"]:
            started = time.monotonic()
            articles = datagen_articles.generate_articles(
                options["articles"],
                seed=opts.seed,
                anchor=opts.anchor,
                progress=opts.progress,
            )
            manifest.update(articles)
            if articles.get("skipped"):
                self.stdout.write(f"Articles skipped: {articles['skipped']}.")
            else:
                manifest["seconds_articles"] = round(time.monotonic() - started, 1)
                self.stdout.write(
                    f"{articles['articles']:,} articles in {manifest['seconds_articles']} s"
                )
                manifest["article_votes"] = datagen.generate_votes(opts)
                manifest["article_reads"] = datagen.generate_reads(opts)
                manifest["article_proposals"] = datagen.generate_proposals(opts)
        if options["manifest"]:
            options["manifest"].parent.mkdir(parents=True, exist_ok=True)
            options["manifest"].write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            self.stdout.write(f"Manifest: {options['manifest']}")
