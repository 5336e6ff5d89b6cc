"""Locust clients for one endpoint of bench/endpoints.py (chosen by BENCH_ENDPOINT).

Run by bench/run, one endpoint at a time, so each row of the table is that page alone under N
concurrent clients. The clients talk plain HTTP to gunicorn as a TLS-terminating proxy would
(X-Forwarded-Proto: https), so the app runs with its production settings (secure cookies,
HTTPS-only CSRF); the cookie jar therefore accepts and returns secure cookies over HTTP.
"""

import http.cookiejar
import itertools
import json
import os
import re
import sys
import uuid
from pathlib import Path

from locust import HttpUser, constant, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoints import BY_KEY  # noqa: E402

ENDPOINT = BY_KEY[os.environ["BENCH_ENDPOINT"]]
MANIFEST = json.loads(Path(os.environ["BENCH_MANIFEST"]).read_text())
STATUS_FILE = Path(os.environ["BENCH_STATUS_FILE"])
PASSWORD = os.environ["BENCH_PASSWORD"]
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_codes = itertools.cycle(MANIFEST.get("known_codes") or [{}])
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _secure_ok(policy, cookie, request):
    return True


# The proxy in front would speak HTTPS; here the client returns secure cookies over HTTP.
# requests copies the session's jar into a new one per request (with the default policy), so
# the policy is changed in this load-tool process itself, not on one jar.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = _secure_ok


def _skip(message: str):
    STATUS_FILE.write_text(json.dumps({"skipped": message}))
    raise StopUser()


class Client(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": self._origin()})
        # A browser's User-Agent: the article page counts a browser's read (knowledge.reads),
        # not a script's, and the benchmark measures the page as readers get it.
        self.client.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) wegwijs-bench"
        if ENDPOINT.needs and not MANIFEST.get(ENDPOINT.needs):
            _skip(f"no {ENDPOINT.needs} in the data set")
        long_threads = MANIFEST.get("long_threads") or [{}]
        thread = long_threads[0]
        code = next(_codes)
        self.values = {
            "article_url": (MANIFEST.get("article_urls") or [""])[0],
            "reference": code.get("reference", ""),
            "long_thread_pk": thread.get("pk", 0),
            "domain_pk": next(iter(MANIFEST["form"]["domains"].values())),
        }
        if ENDPOINT.session in ("staff", "letter"):
            # bench/run signed the specialist in once; without it, each client signs in.
            session = os.environ.get("BENCH_STAFF_SESSION")
            if session:
                self.client.cookies.set("sessionid", session)
            else:
                self._sign_in(MANIFEST["specialist_by_region"][thread["region"]])
        elif ENDPOINT.session == "coordinator":
            session = os.environ.get("BENCH_COORDINATOR_SESSION")
            if session:
                self.client.cookies.set("sessionid", session)
            else:
                self._sign_in(MANIFEST["accounts"]["coordinator"][0])
        elif ENDPOINT.session == "follow_up":
            self._open_question(code)
        elif ENDPOINT.session == "intake":
            self.csrf = self._csrf("/nl/ask/")  # the CSRF cookie outlives each submission
        self.path = ENDPOINT.path.format(**self.values)
        if ENDPOINT.session == "letter":
            self.csrf = self._csrf(f"/admin/questions/{self.values['long_thread_pk']}/workspace/")
        elif ENDPOINT.session != "intake":
            # Redirects are not followed: a page that sends the client elsewhere (to sign in, to
            # the MFA step) is a failure, not a measurement of another page.
            with self.client.get(
                self.path, name="probe", catch_response=True, allow_redirects=False
            ) as response:
                if response.status_code == 404:
                    response.success()
                    _skip(f"{self.path} answers 404 (not built yet)")
                if response.status_code != 200:
                    response.failure(f"probe {response.status_code}")

    def _origin(self):
        return self.host.replace("http://", "https://")

    def _csrf(self, path):
        response = self.client.get(path, name="setup")
        match = _CSRF_INPUT.search(response.text)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def _sign_in(self, username):
        token = self._csrf("/nl/login/")
        response = self.client.post(
            "/nl/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="setup",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {username} failed: {response.status_code}")

    def _open_question(self, code):
        token = self._csrf("/nl/follow-up/")
        response = self.client.post(
            "/nl/follow-up/",
            data={
                "reference": code["reference"],
                "code": code["code"],
                "csrfmiddlewaretoken": token,
            },
            name="setup",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"opening {code['reference']} failed: {response.status_code}")

    @task
    def measure(self):
        if ENDPOINT.session == "intake":
            self._submit()
        elif ENDPOINT.session == "letter":
            self._letter()
        else:
            with self.client.get(
                self.path, name=ENDPOINT.key, catch_response=True, allow_redirects=False
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")

    def _letter(self):
        with self.client.post(
            self.path,
            data={"csrfmiddlewaretoken": self.csrf},
            name=ENDPOINT.key,
            catch_response=True,
        ) as response:
            docx = "officedocument.wordprocessingml" in response.headers.get("Content-Type", "")
            if response.status_code == 200 and docx and response.content[:2] == b"PK":
                response.success()
            else:
                response.failure(f"status {response.status_code}, not a DOCX")

    def _submit(self):
        form = MANIFEST["form"]
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "legal_domain": form["legal_domain"],
            "subject": "Verlenging van mijn verblijfskaart",
            "body": "Mijn kaart verloopt over drie weken. Wat moet ik doen?",
            "municipality": form["municipality"],
            "contact_language": "nl",
            "submission_token": str(uuid.uuid4()),
            "processing_consent": "on",
            "website": "",
        }
        files = {"files": ("brief.pdf", PDF, "application/pdf")}
        with self.client.post(
            "/nl/ask/",
            data=data,
            files=files,
            name=ENDPOINT.key,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/ask/done/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"status {response.status_code}")
