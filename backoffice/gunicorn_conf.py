"""gunicorn settings for production: `gunicorn -c python:backoffice.gunicorn_conf
backoffice.wsgi:application`, behind a reverse proxy that buffers whole requests
(docs/deployment.md). Every value can be set from the environment.

gunicorn's sync workers handle one request at a time, reading its body as it arrives: a client
that sends its body one byte a second holds a worker the whole time, and a few such clients
hold them all (issue 21, defect 6). The proxy reads bodies first and hands gunicorn only whole
requests over a local connection, so a worker's time is the app's time; the timeout below then
only ends requests that hang in the app, and the request-line and header limits refuse
malformed requests before Django sees them.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "sync"
# Seconds a worker may spend on one request before it is replaced (the proxy has already read
# the whole body, so this is time in the app: the slowest page or export is a few seconds).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Workers are replaced now and then, so that memory a long run gathers is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The app is loaded once, in the master, and each worker is a fork of it: a worker replaced
# after max_requests serves again within milliseconds, not after the seconds that loading
# Django, Wagtail and the catalogues takes (seen as a stall in a busy minute's slowest requests).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in {"0", "false", "no"}
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy's address: gunicorn takes X-Forwarded-Proto from it (Django's TRUSTED_PROXIES
# decides which X-Forwarded-For address is the client).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")


def when_ready(server):
    """With the app preloaded: also load what its first request would (URL patterns, every
    language's catalogue), let go of any connection loading opened (a forked worker must never
    share the master's socket), and freeze the result so that workers share its memory pages."""
    if not preload_app:
        return
    import gc

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Wegwijs")
    connections.close_all()
    caches.close_all()
    gc.freeze()


def post_worker_init(worker):
    """Move what loading the app made (about 200,000 objects: modules, URL patterns, templates,
    translation catalogues) out of the garbage collector's sight. They live as long as the
    worker, yet every full collection walked them all: about 100 ms of one request now and then,
    seen as the slowest requests of every page. gc.freeze is Python's tool for this case."""
    import gc

    gc.freeze()
    worker.log.info(
        "%d objects of the loaded app frozen (gc.freeze); app %s",
        gc.get_freeze_count(),
        "preloaded in the master" if preload_app else "loaded in this worker",
    )
