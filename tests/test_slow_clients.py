"""Issue 21, defect 6: slow request bodies do not stall the server.

gunicorn (two sync workers, backoffice/gunicorn_conf.py) serves the app; nginx runs the very
proxy configuration the deployment guide gives (docs/nginx/wegwijs-proxy.conf) in front of it.
Clients that send their body one byte a second hold both workers when they reach gunicorn
directly, so an ordinary GET waits for them; through nginx, which reads bodies whole first,
the same GET is answered at once.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_rate_limits_workers import GUNICORN, _database_url, _free_port, _stop

REPO = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 6
BODY_BYTES = 8  # one a second: each slow request takes 8 s to arrive


def _wait_for(url: str, process, log: Path) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=60)  # noqa: S310
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"stopped: {log.read_text()[-2000:]}")
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer")


@pytest.fixture
def app_and_proxy(django_db_setup, tmp_path):
    if not Path(GUNICORN).exists() or not Path(NGINX).exists():
        pytest.skip("gunicorn or nginx is not installed (.ci/run installs nginx-light)")
    app_port, proxy_port = _free_port(), _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        DEBUG="true",
        SECRET_KEY="slow-clients-test-key",
        DATABASE_URL=_database_url(),
        VAR_DIR=str(tmp_path),
        TRUSTED_PROXIES="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="WARNING",
    )
    gunicorn_log = tmp_path / "gunicorn.log"
    app = subprocess.Popen(
        [GUNICORN, "-c", "python:backoffice.gunicorn_conf", "backoffice.wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=gunicorn_log.open("w"),
        start_new_session=True,
    )
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    upstream wegwijs_app {{ server 127.0.0.1:{app_port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{proxy_port};
        server_name localhost;
        include {REPO}/docs/nginx/wegwijs-proxy.conf;
    }}
}}
"""
    )
    proxy = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "nginx.log").open("w"),
        start_new_session=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{app_port}/nl/follow-up/", app, gunicorn_log)
        _wait_for(f"http://127.0.0.1:{proxy_port}/nl/follow-up/", proxy, tmp_path / "nginx.log")
        yield app_port, proxy_port
    finally:
        _stop(proxy)
        _stop(app)


def _slow_post(port: int, started: threading.Event) -> None:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            (
                "POST /nl/follow-up/ HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {BODY_BYTES}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        started.set()
        for _ in range(BODY_BYTES):
            time.sleep(1)
            sock.sendall(b"x")
        sock.settimeout(30)
        sock.recv(1024)


def _get_seconds_while_slow_clients_send(port: int) -> float:
    threads, events = [], []
    for _ in range(SLOW_CLIENTS):
        started = threading.Event()
        thread = threading.Thread(target=_slow_post, args=(port, started), daemon=True)
        thread.start()
        started.wait(5)
        threads.append(thread)
        events.append(started)
    time.sleep(0.5)  # the slow requests are in: let the server take them
    began = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/nl/follow-up/", timeout=60) as page:  # noqa: S310
        assert page.status == 200
    took = time.monotonic() - began
    for thread in threads:
        thread.join(timeout=60)
    return took


def test_slow_bodies_hold_gunicorn_alone_but_not_behind_the_proxy(app_and_proxy):
    app_port, proxy_port = app_and_proxy
    through_proxy = _get_seconds_while_slow_clients_send(proxy_port)
    direct = _get_seconds_while_slow_clients_send(app_port)
    assert direct > 4, f"gunicorn alone answered in {direct:.1f} s: the test shows nothing"
    assert through_proxy < 2, f"behind nginx the GET took {through_proxy:.1f} s"
