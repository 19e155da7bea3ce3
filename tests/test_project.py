"""The project around the code: compose file, gunicorn's settings, `make run`'s links, deploy checks,
embedded defaults, the service check and the OpenAPI schema.

None of these needs a Docker engine or the test database: they parse the compose file and run
manage.py, gunicorn and make in subprocesses with an environment they build themselves. (`make lint`
runs ruff, import-linter and mypy; no test runs them again.)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from ruamel.yaml import YAML

from config.health import healthz

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


def bare_env(**extra: str) -> dict[str, str]:
    """Only PATH and HOME from the outside world, plus what the test says."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(Path.home()))}
    env.update(extra)
    return env


def run(args: list[str], *, env: dict[str, str], cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def tool(name: str) -> str:
    """A console script of the interpreter running the tests (the project's virtualenv)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run `make install-dev`")
    return found


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env=env)


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


# --- docker-compose.yml ----------------------------------------------------------------------

INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}")


def interpolate(value: str) -> str:
    """Compose's variable interpolation, as if no variable were set: the values a fresh `up` gets."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        op = match.group("op") or ""
        return match.group("arg") if op.endswith("-") else ""

    return INTERPOLATION.sub(substitute, value)


def load_compose(path: Path = COMPOSE_FILE) -> dict:
    return YAML(typ="safe").load(path.read_text())  # resolves the anchors and << merges


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: interpolate(str(value)) for key, value in env.items()}


def command_text(service: dict) -> str:
    command = service.get("command") or ""
    return interpolate(" ".join(command) if isinstance(command, list) else str(command))


def depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on") or {}
    return {name: {} for name in deps} if isinstance(deps, list) else dict(deps)


def service_by_image(services: dict, prefix: str) -> str | None:
    return next((name for name, svc in services.items() if str(svc.get("image", "")).startswith(prefix)), None)


def wsgi_problems(command: str, root: Path, where: str) -> list[str]:
    """gunicorn must name a module:attribute that exists in the project, and a config file that does."""
    match = re.search(r"gunicorn\s+(?:\S+\s+)*?([A-Za-z_][\w.]*):([A-Za-z_]\w*)", command)
    if "gunicorn" not in command or not match:
        return [f"{where}: runs no `gunicorn module:application` ({command!r})"]
    config = re.search(r"(?:-c|--config)[ =](\S+)", command)
    if config and not (root / config.group(1)).is_file():
        return [f"{where}: gunicorn's config file {config.group(1)} does not exist"]
    module, attribute = match.groups()
    path = root / (module.replace(".", "/") + ".py")
    if not path.exists():
        return [f"{where}: gunicorn's module {module} does not exist ({path.relative_to(root)})"]
    if not re.search(rf"^{attribute}\s*=", path.read_text(), re.MULTILINE):
        return [f"{where}: {module} defines no {attribute}"]
    return []


def celery_problems(command: str, role: str, root: Path, where: str) -> list[str]:
    """`celery -A <app> worker|beat` with an app that exists."""
    match = re.search(rf"celery\s+(?:-A|--app)[ =](\S+)\s+(?:\S+\s+)*?{role}\b", command)
    if not match:
        return [f"{where}: does not run `celery -A <app> {role}` ({command!r})"]
    app = match.group(1).split(":")[0]
    package = root / app.replace(".", "/")
    if not ((package / "celery.py").exists() or package.with_suffix(".py").exists()):
        return [f"{where}: celery app {app} not found in the project"]
    return []


def compose_problems(doc: dict, root: Path = ROOT) -> list[str]:
    """What a Docker engine would only tell us at `up` time, or would not tell us at all."""
    problems: list[str] = []
    services: dict = doc.get("services") or {}
    for required in (*APP_SERVICES, "postgres", "redis", "mailpit"):
        if required not in services:
            problems.append(f"no service {required!r}")

    for name, svc in services.items():
        if "image" not in svc and "build" not in svc:
            problems.append(f"{name}: has neither image nor build")
        build = svc.get("build")
        if build is not None:
            context = root / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not (context / dockerfile).is_file():
                problems.append(f"{name}: build file {dockerfile} not found in {context}")
        for dep in depends_on(svc):
            if dep not in services:
                problems.append(f"{name}: depends_on names an undefined service {dep!r}")
            elif dep == name:
                problems.append(f"{name}: depends on itself")

    pg_name = service_by_image(services, "postgres")
    redis_name = service_by_image(services, "redis")
    mail_name = service_by_image(services, "axllent/mailpit")
    if not pg_name:
        problems.append("no service runs a postgres image")
    elif "healthcheck" not in services[pg_name]:
        problems.append(f"{pg_name}: has no healthcheck")
    if not redis_name:
        problems.append("no service runs a redis image")
    if mail_name:
        published = " ".join(str(p) for p in services[mail_name].get("ports", []))
        for port in ("1025", "8025"):
            if f":{port}" not in published:
                problems.append(f"{mail_name}: does not publish {port}")
    else:
        problems.append("no service runs a mailpit image")

    pg_env = environment(services[pg_name]) if pg_name else {}
    # The app reaches PostgreSQL through PgBouncer when the file has one (then in transaction mode, and said so to
    # the settings with DATABASE_POOLER), else directly.
    pooler_name = service_by_image(services, PGBOUNCER_IMAGE)
    db_host = pooler_name or pg_name
    if pooler_name:
        problems += pooler_problems(services, pooler_name, pg_name)
    for name in APP_SERVICES:
        svc = services.get(name)
        if svc is None:
            continue
        env = environment(svc)
        db = urlsplit(env.get("DATABASE_URL", ""))
        if db.scheme not in ("postgres", "postgresql", "pgsql") or db.hostname != db_host:
            problems.append(f"{name}: DATABASE_URL {env.get('DATABASE_URL')!r} does not point at the {db_host} service")
        elif pooler_name and env.get("DATABASE_POOLER") != "transaction":
            problems.append(f"{name}: connects through {pooler_name} without DATABASE_POOLER=transaction")
        elif pg_env:
            expected = (pg_env.get("POSTGRES_USER", "postgres"), pg_env.get("POSTGRES_PASSWORD"),
                        pg_env.get("POSTGRES_DB", pg_env.get("POSTGRES_USER", "postgres")))
            if (db.username, db.password, db.path.lstrip("/")) != expected:
                problems.append(f"{name}: DATABASE_URL credentials or database differ from the {pg_name} service's")
        redis = urlsplit(env.get("REDIS_URL", ""))
        if redis.scheme != "redis" or redis.hostname != redis_name:
            problems.append(f"{name}: REDIS_URL {env.get('REDIS_URL')!r} does not point at the {redis_name} service")
        mail = urlsplit(env.get("EMAIL_URL", ""))
        if not mail.scheme.startswith("smtp") or mail.hostname != mail_name or mail.port != 1025:
            problems.append(f"{name}: EMAIL_URL {env.get('EMAIL_URL')!r} does not point at {mail_name}:1025")
        deps = depends_on(svc)
        for backing in (db_host, redis_name):
            if backing and backing not in deps:
                problems.append(f"{name}: does not depend on {backing}")
        if db_host in deps and deps[db_host].get("condition") != "service_healthy":
            problems.append(f"{name}: starts before {db_host} is healthy")

    if "web" in services:
        problems += wsgi_problems(command_text(services["web"]), root, "web")
    for role in ("worker", "beat"):
        if role in services:
            problems += celery_problems(command_text(services[role]), role, root, role)

    # Migrations and the demo data: a one-shot service the others wait for, or web itself.
    migrators = [n for n, s in services.items() if "manage.py migrate" in command_text(s)]
    if not migrators:
        problems.append("no service runs `manage.py migrate`")
    for migrator in migrators:
        if "seed_demo" not in command_text(services[migrator]):
            problems.append(f"{migrator}: runs migrate but not seed_demo")
        if migrator != "web":
            for name in APP_SERVICES:
                condition = depends_on(services.get(name, {})).get(migrator, {}).get("condition")
                if condition != "service_completed_successfully":
                    problems.append(f"{name}: does not wait for {migrator} to complete")
    return problems


PGBOUNCER_IMAGE = "edoburu/pgbouncer"


def pooler_problems(services: dict, pooler: str, pg_name: str | None) -> list[str]:
    """PgBouncer in front of the postgres service, in transaction mode, healthy before the app starts."""
    problems = []
    svc = services[pooler]
    env = environment(svc)
    if env.get("POOL_MODE") != "transaction":
        problems.append(f"{pooler}: POOL_MODE is {env.get('POOL_MODE')!r}, not 'transaction'")
    if env.get("DB_HOST") != pg_name:
        problems.append(f"{pooler}: DB_HOST {env.get('DB_HOST')!r} is not the {pg_name} service")
    if depends_on(svc).get(pg_name or "", {}).get("condition") != "service_healthy":
        problems.append(f"{pooler}: starts before {pg_name} is healthy")
    if "healthcheck" not in svc:
        problems.append(f"{pooler}: has no healthcheck")
    return problems


def test_compose_file_matches_the_compose_spec_schema():
    result = run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        env=bare_env(),
    )
    assert result.returncode == 0, output(result)


def test_compose_schema_check_catches_a_typo(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    image: clinic\n    comand: gunicorn config.wsgi\n")
    result = run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(broken)],
        env=bare_env(),
    )
    assert result.returncode == 1, output(result)
    assert "comand" in result.stdout + result.stderr


def test_compose_file_is_coherent():
    assert compose_problems(load_compose()) == []


def _drop_image(doc):
    doc["services"]["redis"].pop("image")


def _depend_on_ghost(doc):
    doc["services"]["worker"]["depends_on"]["db"] = {"condition": "service_started"}


def _wrong_database_host(doc):
    doc["services"]["beat"]["environment"] = {
        **doc["services"]["beat"]["environment"], "DATABASE_URL": "postgres://clinic:clinic@localhost:5432/clinic"
    }


def _wrong_wsgi_module(doc):
    doc["services"]["web"]["command"] = "gunicorn clinic.wsgi:application --bind 0.0.0.0:8000"


def _wrong_celery_app(doc):
    doc["services"]["worker"]["command"] = "celery -A nowhere worker --loglevel INFO"


def _no_healthcheck(doc):
    doc["services"]["postgres"].pop("healthcheck")


def _missing_gunicorn_config(doc):
    doc["services"]["web"]["command"] = "gunicorn -c gunicorn.toml config.wsgi:application"


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_drop_image, "redis: has neither image nor build"),
        (_depend_on_ghost, "worker: depends_on names an undefined service 'db'"),
        (_wrong_database_host, "beat: DATABASE_URL"),
        (_wrong_wsgi_module, "web: gunicorn's module clinic.wsgi does not exist"),
        (_wrong_celery_app, "worker: celery app nowhere not found"),
        (_no_healthcheck, "postgres: has no healthcheck"),
        (_missing_gunicorn_config, "web: gunicorn's config file gunicorn.toml does not exist"),
    ],
)
def test_compose_checks_catch_mistakes(break_it, expected):
    doc = load_compose()
    break_it(doc)
    problems = compose_problems(doc)
    assert any(expected in problem for problem in problems), problems


def test_compose_web_health_check_asks_the_health_view():
    """The URL compose polls is the app's health check (database and broker), not merely a page that renders."""
    check = " ".join(load_compose()["services"]["web"]["healthcheck"]["test"])
    urls = re.findall(r"https?://[^\s'\"]+", check)
    assert len(urls) == 1, check
    assert resolve(urlsplit(urls[0]).path).func is healthz


# --- docker-compose.yml: many processes (replicas, one entry point, PgBouncer, one beat) ----------------

PROXY_IMAGES = ("nginx", "caddy")
# A tag that names a version (digits), not `latest` or none: what `up` pulls today is what it pulls next year.
PINNED_IMAGE = re.compile(r"^[\w./-]+:(?!latest$)[\w.-]*\d[\w.-]*$")
# Every service that keeps running must say when it is ready; the one-shot migrate and the queue consumers
# (whose readiness nothing waits on) need not.
HEALTHCHECKED = ("web", "proxy", "pgbouncer", "postgres", "redis")


def replicas(service: dict) -> int:
    return int((service.get("deploy") or {}).get("replicas", 1))


def runs_beat(command: str) -> bool:
    """A `celery beat`, or a worker with an embedded beat (-B, --beat)."""
    return bool(re.search(r"\bcelery\b.*(\sbeat\b|\s-B\b|\s--beat\b)", command))


def scale_problems(doc: dict, root: Path = ROOT) -> list[str]:
    """Several web and worker replicas behind one published entry point; one beat; every image pinned."""
    problems: list[str] = []
    services: dict = doc.get("services") or {}
    for name, at_least in (("web", 2), ("worker", 2)):
        if name in services and replicas(services[name]) < at_least:
            problems.append(f"{name}: runs {replicas(services[name])} replica(s), not at least {at_least}")
    beats = sum(replicas(svc) for svc in services.values() if runs_beat(command_text(svc)))
    if beats != 1:
        problems.append(f"{beats} beat processes start; one does (more only as standbys, --scale beat=2)")

    proxies = [n for n, svc in services.items() if str(svc.get("image", "")).split(":")[0] in PROXY_IMAGES]
    if len(proxies) != 1:
        problems.append(f"not exactly one entry point (nginx or caddy service): {proxies}")
    publishing = sorted(n for n, svc in services.items() if any(str(p).endswith(":8000") for p in svc.get("ports", [])))
    if publishing != proxies[:1]:
        problems.append(f"port 8000 is published by {publishing}, not by the entry point alone")
    for proxy in proxies[:1]:
        svc = services[proxy]
        if "127.0.0.1:8000:8000" not in [str(p) for p in svc.get("ports", [])]:
            problems.append(f"{proxy}: does not publish 127.0.0.1:8000")
        if depends_on(svc).get("web", {}).get("condition") != "service_healthy":
            problems.append(f"{proxy}: starts before web is healthy")
        configs = [root / str(v).split(":")[0] for v in svc.get("volumes", []) if str(v).startswith("./")]
        if not configs or not all(path.is_file() for path in configs):
            problems.append(f"{proxy}: its configuration file {[str(c) for c in configs]} does not exist")
        elif not any("http://web:8000" in path.read_text() for path in configs):
            problems.append(f"{proxy}: its configuration does not proxy to http://web:8000")

    for name in HEALTHCHECKED:
        if name in services and "healthcheck" not in services[name]:
            problems.append(f"{name}: has no healthcheck")
    for name, svc in services.items():
        image = str(svc.get("image", ""))
        if image and "build" not in svc and not PINNED_IMAGE.match(image):
            problems.append(f"{name}: image {image!r} is not pinned to a version")
    return problems


def test_compose_runs_many_processes_behind_one_entry_point():
    assert scale_problems(load_compose()) == []


def test_compose_app_goes_through_pgbouncer_in_transaction_mode_and_migrate_does_not():
    services = load_compose()["services"]
    assert environment(services["pgbouncer"])["POOL_MODE"] == "transaction"
    for name in APP_SERVICES:
        env = environment(services[name])
        assert urlsplit(env["DATABASE_URL"]).hostname == "pgbouncer", name
        assert env["DATABASE_POOLER"] == "transaction", name
    # Schema changes need no pooler, and some (CREATE INDEX CONCURRENTLY) cannot run in one.
    migrate = environment(services["migrate"])
    assert urlsplit(migrate["DATABASE_URL"]).hostname == "postgres"
    assert migrate.get("DATABASE_POOLER", "") == ""


def test_the_beat_compose_starts_sends_only_while_it_holds_the_lease():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULER == "periodic.scheduler:LeaderScheduler"


def _web_single(doc):
    doc["services"]["web"]["deploy"] = {"replicas": 1}


def _two_beats(doc):
    doc["services"]["beat"]["deploy"] = {"replicas": 2}


def _worker_with_embedded_beat(doc):
    doc["services"]["worker"]["command"] = "celery -A config worker -B --loglevel INFO"


def _web_published(doc):
    doc["services"]["web"]["ports"] = ["127.0.0.1:8001:8000", "127.0.0.1:8000:8000"]


def _proxy_unpinned(doc):
    doc["services"]["proxy"]["image"] = "nginx:latest"


def _proxy_config_missing(doc):
    doc["services"]["proxy"]["volumes"] = ["./compose/missing.conf:/etc/nginx/conf.d/default.conf:ro"]


def _pgbouncer_session_mode(doc):
    doc["services"]["pgbouncer"]["environment"]["POOL_MODE"] = "session"


def _pgbouncer_unchecked(doc):
    doc["services"]["pgbouncer"].pop("healthcheck")


def _worker_around_pgbouncer(doc):
    doc["services"]["worker"]["environment"] = {
        **doc["services"]["worker"]["environment"], "DATABASE_URL": "postgres://clinic:clinic@postgres:5432/clinic"
    }


def _no_pooler_setting(doc):
    env = dict(doc["services"]["web"]["environment"])
    env.pop("DATABASE_POOLER")
    doc["services"]["web"]["environment"] = env


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_web_single, "web: runs 1 replica(s)"),
        (_two_beats, "2 beat processes start"),
        (_worker_with_embedded_beat, "3 beat processes start"),
        (_web_published, "port 8000 is published by ['proxy', 'web']"),
        (_proxy_unpinned, "proxy: image 'nginx:latest' is not pinned"),
        (_proxy_config_missing, "proxy: its configuration file"),
        (_pgbouncer_session_mode, "pgbouncer: POOL_MODE is 'session'"),
        (_pgbouncer_unchecked, "pgbouncer: has no healthcheck"),
        (_worker_around_pgbouncer, "worker: DATABASE_URL"),
        (_no_pooler_setting, "web: connects through pgbouncer without DATABASE_POOLER=transaction"),
    ],
)
def test_compose_scale_checks_catch_mistakes(break_it, expected):
    doc = load_compose()
    break_it(doc)
    problems = compose_problems(doc) + scale_problems(doc)
    assert any(expected in problem for problem in problems), problems


# --- gunicorn.conf.py: the one set of gunicorn settings (Procfile, image, compose) ----------------


@pytest.mark.slow  # starts processes (gunicorn, make, the service check)
def test_gunicorn_conf_binds_web_host_and_port_and_serves_the_health_check(tmp_path):
    port = closed_port()
    home = tmp_path / "home"
    home.mkdir()
    env = bare_env(HOME=str(home), CLINIC_VAR_DIR=str(tmp_path / "var"), WEB_HOST="127.0.0.1", PORT=str(port),
                   WEB_CONCURRENCY="1")
    web = subprocess.Popen(
        [tool("gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        answer = None
        started = time.monotonic()
        while answer is None and web.poll() is None and time.monotonic() - started < 60:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{port}/healthz?q=Jane+Doe+1985-05-17",
                        headers={"Referer": f"http://127.0.0.1:{port}/patients/?q=Jane+Doe"},
                    ),
                    timeout=30,
                ) as response:
                    answer = (response.status, json.loads(response.read()))
            except OSError:  # not listening yet (URLError, ConnectionError), or its worker still booting
                time.sleep(0.2)
    finally:
        web.terminate()
        stdout, stderr = web.communicate(timeout=30)
    assert answer == (200, {"status": "ok", "database": "ok", "broker": "ok"}), f"{answer}\n{stdout}\n{stderr}"
    assert "GET /healthz HTTP" in stdout, f"no access log on stdout:\n{stdout}\n{stderr}"
    # A search's words never reach the log: no query string, no Referer.
    assert "Jane" not in stdout + stderr and "1985" not in stdout + stderr, stdout
    assert not (home / ".gunicorn").exists(), "gunicorn opened a control socket"


# --- make run: the links in emails follow the port ---------------------------------------------

# Rules evaluated by make after the Makefile: what `make run` hands honcho, and the SITE_URL in the
# settings of a process started as honcho starts the worker (with a PORT of its own, web's + 100).
SHOW_SITE_URL = 'show-site-url: ; @echo "$$SITE_URL"'
SHOW_WORKER_SITE_URL = (
    "show-worker-site-url: ; @PORT=$$(( $$PORT + 100 )) $(PY) manage.py shell --no-imports"
    " -c 'from django.conf import settings; print(settings.SITE_URL)'"
)


def make_eval(tmp_path: Path, rule: str, *args: str, **env: str) -> str:
    make = shutil.which("make")
    if not make:
        pytest.fail("make is not installed")
    target = rule.split(":", 1)[0]
    result = run([make, "-s", "--no-print-directory", "--eval", rule, target, *args],
                 env=bare_env(CLINIC_VAR_DIR=str(tmp_path / "var"), **env))
    assert result.returncode == 0, output(result)
    return result.stdout.strip()


@pytest.mark.slow  # starts processes (gunicorn, make, the service check)
def test_make_run_links_to_the_port_it_serves(tmp_path):
    assert make_eval(tmp_path, SHOW_SITE_URL, "PORT=8123") == "http://127.0.0.1:8123"
    assert make_eval(tmp_path, SHOW_SITE_URL, WEB_HOST="localhost", PORT="8124") == "http://localhost:8124"
    # The worker, which writes the emails, links to web's port, not to the one honcho gave it.
    assert make_eval(tmp_path, SHOW_WORKER_SITE_URL, "PORT=8123") == "http://127.0.0.1:8123"


def test_make_run_keeps_a_site_url_given(tmp_path):
    assert make_eval(tmp_path, SHOW_SITE_URL, "PORT=8123", SITE_URL="https://clinic.example.com") == (
        "https://clinic.example.com"
    )


# --- Deployment settings ---------------------------------------------------------------------


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return bare_env(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="clinic.example.com",
        CLINIC_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, SITE_URL="https://clinic.example.com"))
    assert result.returncode == 0, output(result)
    assert "no issues" in result.stdout, output(result)
    assert "WARNING" not in result.stdout + result.stderr, output(result)


@pytest.mark.slow
@pytest.mark.parametrize("site_url", ["http://clinic.example.com", "https://", "clinic.example.com"])
def test_check_deploy_warns_when_patients_links_would_not_be_https(tmp_path, site_url):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, SITE_URL=site_url))
    assert result.returncode != 0, output(result)
    assert "notifications.W001" in result.stderr + result.stdout, output(result)


def deployment_env(tmp_path: Path) -> dict[str, str]:
    """What a production deployment sets (README's configuration table), and nothing of the test run's own:
    its services on other hosts (no connection is made), behind one TLS-terminating proxy."""
    return production_env(
        tmp_path,
        DJANGO_CSRF_TRUSTED_ORIGINS="https://clinic.example.com",
        DATABASE_URL="postgres://clinic:s3cret@db.internal.invalid:5432/clinic",
        REDIS_URL="redis://redis.internal.invalid:6379/0",
        EMAIL_URL="smtp+tls://mailer:s3cret@smtp.internal.invalid:587",
        DEFAULT_FROM_EMAIL="appointments@clinic.example.com",
        SITE_URL="https://clinic.example.com",
        EMAIL_MESSAGE_ID_DOMAIN="clinic.example.com",
        TRUSTED_PROXY_COUNT="1",
    )


SHOW_HARDENING = """
import json
from django.conf import settings as s
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS",
         "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_NAME",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_NAME", "SILENCED_SYSTEM_CHECKS"]
print(json.dumps({n: getattr(s, n) for n in names}))
"""


@pytest.mark.slow
def test_check_deploy_is_clean_with_a_deployments_environment(tmp_path):
    """`check --deploy` at its strictest (warnings fail) with everything a deployment sets: no issue at all."""
    env = deployment_env(tmp_path)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, output(result)
    assert "System check identified no issues (0 silenced)." in result.stdout, output(result)

    shown = manage("shell", "--no-imports", "-c", SHOW_HARDENING, env=env)
    assert shown.returncode == 0, output(shown)
    hardening = json.loads(shown.stdout)
    assert hardening == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SILENCED_SYSTEM_CHECKS": [],
    }


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"DJANGO_DEBUG": "true"}, "security.W018"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "security.W009"),
    ],
)
@pytest.mark.slow
def test_check_deploy_catches_a_weakened_deployment(tmp_path, change, warning):
    """The check above would fail if the hardening were turned off: it is not clean by accident."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**deployment_env(tmp_path), **change})
    assert result.returncode != 0, output(result)
    assert warning in result.stdout + result.stderr, output(result)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- Embedded mode: nothing but Python -------------------------------------------------------


SHOW_EMBEDDED_SETTINGS = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "transaction_mode": db.get("OPTIONS", {}).get("transaction_mode"),
    "broker": s.CELERY_BROKER_URL,
    "broker_folders": {k: v for k, v in s.CELERY_BROKER_TRANSPORT_OPTIONS.items() if k.endswith("folder") or "folder_" in k},
    "email": s.EMAIL_BACKEND,
    "email_dir": str(s.EMAIL_FILE_PATH),
}))
"""


@pytest.mark.slow
def test_embedded_defaults_migrate_and_check_on_sqlite(tmp_path):
    var = tmp_path / "var"
    env = bare_env(CLINIC_VAR_DIR=str(var))

    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, output(migrated)
    checked = manage("check", env=env)
    assert checked.returncode == 0, output(checked)

    shown = manage("shell", "--no-imports", "-c", SHOW_EMBEDDED_SETTINGS, env=env)
    assert shown.returncode == 0, output(shown)
    settings = json.loads(shown.stdout)
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["transaction_mode"] == "IMMEDIATE"
    assert settings["broker"] == "filesystem://"
    assert settings["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(settings["email_dir"]).is_relative_to(var)
    assert (var / "clinic.sqlite3").is_file()
    # kombu falls back to folders relative to the working directory (./control, ./data_in) for any
    # it is not given: all of them must be set, and inside CLINIC_VAR_DIR.
    folders = settings["broker_folders"]
    assert {"data_folder_in", "data_folder_out", "control_folder"} <= set(folders)
    for name, folder in folders.items():
        assert Path(folder).is_relative_to(var), f"{name} {folder} is outside CLINIC_VAR_DIR"


# --- make test's service check ---------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # starts processes (gunicorn, make, the service check)
def test_service_check_says_plainly_what_is_missing():
    env = bare_env(
        TEST_DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/clinic",
        TEST_REDIS_URL=f"redis://127.0.0.1:{closed_port()}/15",
    )
    result = run([sys.executable, "scripts/check_services.py"], env=env, timeout=60)
    assert result.returncode == 1, output(result)
    assert "PostgreSQL and Redis are not available" in result.stderr
    assert "Start PostgreSQL" in result.stderr and "Start Redis" in result.stderr


def test_service_check_says_how_to_install_pgbouncer(monkeypatch, capsys):
    """The pooler tests need the pgbouncer program; without it the check names it and says how to install it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_services", ROOT / "scripts" / "check_services.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.check_pgbouncer_binary() is None  # installed here (make test's own check)
    monkeypatch.setattr(check, "PGBOUNCER_PLACES", ())
    monkeypatch.setattr(check.shutil, "which", lambda name: None)
    monkeypatch.setattr(check, "check_postgres", lambda url: None)
    monkeypatch.setattr(check, "check_redis", lambda url: None)
    assert check.main() == 1
    err = capsys.readouterr().err
    assert "pgbouncer: the pgbouncer program is not installed" in err
    assert "apt-get install -y pgbouncer" in err


@pytest.mark.slow
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    """drf-spectacular finds every view documented: no guessed serializer, no unnamed enum, a valid schema."""
    env = production_env(tmp_path)
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), env=env)
    assert result.returncode == 0, output(result)
    assert "/api/v1/cycles/" in (tmp_path / "schema.yaml").read_text()
