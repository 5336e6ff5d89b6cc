"""bench/faults.py (`make bench-faults`): issue 21's scenario 1 at a small size, through the
public intake form. Served as production does (gunicorn, 2 workers, qcluster, DEBUG=false), on
the database broker and on Redis: clients post questions while the worker is killed (SIGKILL)
and, with Redis, Redis is stopped and started again empty. Then it waits for the outbox to
drain and counts:

  submitted   POSTs sent
  accepted    answered with the "question received" redirect
  stored      questions in the database
  lost        accepted but not stored
  duplicates  questions stored more than once for one submission
  mails       expected (requester + each specialist, per stored question) / sent / duplicated
  indexed     stored questions in the search index

Requests refused while Redis is down (an error page) count as submitted, not accepted: whether
the public site stays up without Redis is measured by the pages' own fail-open work.
Everything it starts is stopped at the end. Figures: docs/benchmarks.md.
"""

import argparse
import email
import email.policy
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from runner import (  # noqa: E402
    BENCH_DIR,
    BIN,
    environment,
    free_port,
    log,
    manage,
    stop,
    wait_for,
)

SPECIALISTS = ["sam@example.org", "noor@example.org"]

SETUP = """
from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Region
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
region = Region.objects.create(name="Gent", slug="gent")
place = Municipality.objects.create(name="Gent", postcode="9000", region=region)
for address in %r:
    user = get_user_model().objects.create_user(username=address, email=address)
    user.groups.add(Group.objects.get(name=roles.SPECIALIST))
    user.profile.regions.set([region])
print("form", LegalDomain.objects.get(slug="housing").pk, place.pk)
"""

STATE = """
from backoffice.models import OutboxTask
from search.models import SearchDocument
from tickets.models import Question
rows = OutboxTask.objects.filter(done_at=None, given_up_at=None).count()
print("waiting", rows)
for pk, token, address, reference in Question.objects.values_list(
        "pk", "submission_token", "requester_email", "reference"):
    print("question", pk, token, address, reference)
for object_id in SearchDocument.objects.filter(kind="question").values_list("object_id", flat=True):
    print("indexed", object_id)
"""


class Redis:
    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise SystemExit("redis-server is not installed")
        self.folder, self.port, self.process = folder, free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def shell(env, code: str) -> str:
    return manage(env, "shell", "-c", code, capture_output=True, text=True).stdout


def start_worker(env, logs: Path):
    return subprocess.Popen(
        [str(BIN / "python"), "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "qcluster.log", "a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def submit(host: str, form: dict, number: int, outcome: list) -> None:
    import requests

    token = str(uuid.uuid4())
    try:
        # Behind a TLS proxy, as in production (secure cookies): the cookie is handed back by
        # hand, since the client speaks plain HTTP to gunicorn.
        proxy = {"X-Forwarded-Proto": "https", "Origin": host.replace("http://", "https://")}
        page = requests.get(f"{host}/nl/ask/", headers=proxy, timeout=30)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        cookie = f"csrftoken={page.cookies['csrftoken']}"
        response = requests.post(
            f"{host}/nl/ask/",
            data={
                "csrfmiddlewaretoken": csrf,
                "legal_domain": form["domain"],
                "municipality": form["municipality"],
                "subject": "Huurwaarborg",
                "body": "Mijn verhuurder houdt de waarborg.",
                "contact_language": "nl",
                "email": f"asker{number}@example.org",
                "submission_token": token,
                "processing_consent": "on",
                "website": "",
            },
            headers={**proxy, "Cookie": cookie},
            allow_redirects=False,
            timeout=60,
        )
        accepted = response.status_code == 302 and "/ask/done/" in response.headers.get(
            "Location", ""
        )
    except Exception:  # an error page or a refused connection: not accepted
        accepted = False
    outcome.append((token, accepted))


def mails(folder: Path) -> Counter:
    sent = Counter()
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if "Subject:" not in chunk:
                continue
            message = email.message_from_string(chunk.strip(), policy=email.policy.default)
            reference = re.search(r"WW-\d{4}-\d+", str(message["Subject"]))
            sent[(str(message["To"]), reference.group(0) if reference else "")] += 1
    return sent


def scenario(broker: str, args) -> dict:
    var_dir = BENCH_DIR / f"faults-{broker}"
    shutil.rmtree(var_dir, ignore_errors=True)
    (var_dir / "mail").mkdir(parents=True)
    logs = var_dir
    env = environment(f"sqlite:///{var_dir / 'faults.sqlite3'}", var_dir)
    env.update(
        {
            "EMAIL_URL": f"file://{var_dir / 'mail'}",
            "OUTBOX_LEASE_SECONDS": str(args.lease),
            "OUTBOX_RETRY_SECONDS": str(args.lease),
            "LOG_LEVEL": "INFO",
        }
    )
    env.pop("REDIS_URL", None)
    redis = None
    if broker == "redis":
        redis = Redis(var_dir)
        redis.start()
        env["REDIS_URL"] = redis.url
    log(f"{broker}: migrate")
    manage(env, "migrate", "--noinput", "-v0")
    if not (BENCH_DIR / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    words = shell(env, SETUP % (SPECIALISTS,)).split("form", 1)[1].split()
    form = {"domain": words[0], "municipality": words[1]}
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    worker = start_worker(env, logs)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "backoffice.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--forwarded-allow-ips", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    outcome: list = []
    try:
        wait_for(f"{host}/health/")
        log(f"{broker}: {args.questions} questions from {args.clients} clients, with faults")
        numbers = iter(range(args.questions))
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                submit(host, form, number, outcome)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(args.fault_after)
        kill(worker)  # a crash, mid-work
        log(f"{broker}: worker killed")
        if redis is not None:
            time.sleep(args.worker_down / 3)
            redis.stop()
            log(f"{broker}: Redis stopped")
            time.sleep(args.worker_down / 3)
            redis.start()  # empty: what it held is gone
            log(f"{broker}: Redis back, empty")
            time.sleep(args.worker_down / 3)
        else:
            time.sleep(args.worker_down)
        worker = start_worker(env, logs)
        log(f"{broker}: worker started again")
        for thread in threads:
            thread.join()
        log(f"{broker}: waiting for the outbox to drain (at most {args.drain} s)")
        deadline = time.monotonic() + args.drain
        started = time.monotonic()
        while time.monotonic() < deadline:
            state = shell(env, STATE)
            if "waiting 0" in state:
                break
            time.sleep(5)
        drained_after = round(time.monotonic() - started)
    finally:
        kill(worker)
        stop(server)
        if redis is not None:
            redis.stop()
    questions = [line.split()[1:] for line in state.splitlines() if line.startswith("question")]
    indexed = {line.split()[1] for line in state.splitlines() if line.startswith("indexed")}
    stored_tokens = Counter(token.replace("-", "") for _pk, token, _a, _r in questions)
    accepted = [token for token, ok in outcome if ok]
    expected = Counter()
    for _pk, _token, address, reference in questions:
        expected[(address, reference)] += 1
        for specialist in SPECIALISTS:
            expected[(specialist, reference)] += 1
    sent = mails(var_dir / "mail")
    waiting = int(state.split("waiting", 1)[1].split()[0])
    return {
        "broker": broker,
        "submitted": len(outcome),
        "accepted": len(accepted),
        "stored": len(questions),
        "lost": sum(1 for token in accepted if token.replace("-", "") not in stored_tokens),
        "duplicates": sum(count - 1 for count in stored_tokens.values()),
        "mails expected": sum(expected.values()),
        "mails sent": sum(min(sent[key], 1) for key in expected),
        "mails duplicated": sum(count - 1 for count in sent.values() if count > 1),
        "indexed": len(indexed & {pk for pk, _t, _a, _r in questions}),
        "still waiting": waiting,
        "drained after s": drained_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", default="database,redis")
    parser.add_argument("--questions", type=int, default=120)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fault-after", type=float, default=4, help="seconds into the load")
    parser.add_argument("--worker-down", type=float, default=15, help="seconds")
    parser.add_argument("--lease", type=int, default=15, help="OUTBOX_LEASE/RETRY_SECONDS")
    parser.add_argument("--drain", type=int, default=300, help="seconds to wait at most")
    args = parser.parse_args()
    rows = [scenario(broker, args) for broker in args.brokers.split(",")]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in columns) + " |")


if __name__ == "__main__":
    main()
