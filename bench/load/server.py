"""gunicorn on a free loopback port with the project's gunicorn.conf.py, and the desks' sign-ins through it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the bench database; its access log (statuses, no query strings) goes to `log`."""

    def __init__(self, *, database_url: str, workers: int, var_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "SITE_URL"))}
        env.update(DATABASE_URL=database_url, WEB_HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY=str(workers),
                   DJANGO_DEBUG="false", CLINIC_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
        self._out = open(log, "w")  # noqa: SIM115 (open for the server's whole life)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "config.wsgi:application"],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        """Until /healthz answers 200; a server that exits meanwhile is an error (its log says why)."""
        import requests

        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see {self.log}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=30).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User and system CPU time of the workers so far (the master's is idle bookkeeping): with the requests
        served, the server's own cost, whatever else the machine runs."""
        import psutil  # type: ignore[import-untyped]  # locust brings it; its stubs are a package we do not add

        total = 0.0
        for worker in psutil.Process(self.process.pid).children():
            try:
                times = worker.cpu_times()
            except psutil.NoSuchProcess:  # a worker gunicorn replaced meanwhile: its time is lost, and says so in the log
                continue
            total += times.user + times.system
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()


def sign_in(url: str, username: str, password: str) -> dict:
    """One desk signed in as a person would: the sign-in form (session cookie and CSRF cookie), and an API token."""
    import requests

    with requests.Session() as browser:
        browser.get(f"{url}/login/", timeout=120).raise_for_status()
        csrf = browser.cookies["csrftoken"]
        answer = browser.post(f"{url}/login/", data={"username": username, "password": password,
                                                      "csrfmiddlewaretoken": csrf}, allow_redirects=False, timeout=120)
        if answer.status_code != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"{username}: the sign-in form answered {answer.status_code}")
        cookies = {"sessionid": browser.cookies["sessionid"], "csrftoken": browser.cookies["csrftoken"]}
    token = requests.post(f"{url}/api/v1/auth/token/", json={"username": username, "password": password,
                                                             "device": "load test"}, timeout=120)
    token.raise_for_status()
    return {"cookies": cookies, "token": token.json()["token"]}


def sign_in_all(url: str, usernames: list[str], password: str, *, parallel: int) -> tuple[dict[str, dict], float]:
    """Every desk signed in (a few at a time: each sign-in hashes the password), and how long it took."""
    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        found = dict(zip(usernames, pool.map(lambda u: sign_in(url, u, password), usernames), strict=True))
    return found, time.perf_counter() - started
