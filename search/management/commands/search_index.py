"""manage.py search_index rebuild [--kind K] [--only database|elasticsearch] | status"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import registry, service


class Progress:
    """A one-line progress bar on a terminal, a line every 10% elsewhere."""

    def __init__(self, stream, label, total, width=30):
        self.stream, self.label, self.total, self.width = stream, label, max(total, 1), width
        self.done = 0
        self.last_tenth = -1
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def step(self):
        self.done += 1
        fraction = min(self.done / self.total, 1)
        if self.tty:
            if self.done % 50 == 0 or self.done >= self.total:
                filled = int(fraction * self.width)
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
                self.stream.flush()
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(f"{self.label}: {self.done}/{self.total}\n")

    def finish(self):
        if self.tty and self.done:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Rebuild the search index or show its state."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status"])
        parser.add_argument("--kind", action="append", help="only this kind (repeatable)")
        parser.add_argument(
            "--only",
            choices=service.TARGETS,
            help="rebuild only this copy (default: the database's and, when ELASTICSEARCH_URL "
            "is set, Elasticsearch's)",
        )

    def handle(self, *args, action, kind=None, only=None, **options):
        kinds = kind or list(registry.kinds())
        for name in kinds:
            if name not in registry.kinds():
                raise CommandError(f"Unknown kind {name!r}; known: {', '.join(registry.kinds())}")
        if action == "status":
            state = service.status()
            self.stdout.write(f"backend: {state['backend']}")
            for name in kinds:
                counts = state["kinds"][name]
                line = ", ".join(f"{key} {value}" for key, value in counts.items())
                self.stdout.write(f"{name}: {line}")
                if "analysis" in state:
                    described = state["analysis"].get(name) or "unreachable"
                    self.stdout.write(f"  analysis: {described}")
            return
        targets = (only,) if only else service.TARGETS
        if targets == ("elasticsearch",) and service.primary().name == "database":
            raise CommandError("--only elasticsearch needs ELASTICSEARCH_URL")
        stream = sys.stdout if self.stdout._out is sys.stdout else self.stdout
        for name in kinds:
            source = registry.get(name).get_queryset()
            total = len(source) if isinstance(source, list | tuple) else source.count()
            bars, started = {}, {}

            def step(target, name=name, total=total, bars=bars, started=started):
                if target not in bars:
                    for bar in bars.values():
                        bar.finish()
                    bars[target] = Progress(stream, f"{name} ({target})", total)
                    started[target] = time.monotonic()
                bars[target].step()

            begun = time.monotonic()
            count = service.rebuild(name, on_progress=step, targets=targets)
            for bar in bars.values():
                bar.finish()
            for target, bar in bars.items():
                seconds = max(time.monotonic() - started[target], 0.001)
                following = list(bars)[list(bars).index(target) + 1 :]
                if following:  # ended when the next pass began
                    seconds = max(started[following[0]] - started[target], 0.001)
                self.stdout.write(
                    f"{name} ({target}): {bar.done} read in {seconds:.1f} s "
                    f"({bar.done / seconds:.0f}/s)"
                )
            self.stdout.write(
                f"{name}: {count} indexed of {total} in {time.monotonic() - begun:.1f} s"
            )
