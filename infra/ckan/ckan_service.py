"""A real, throwaway CKAN 2.12 for development and tests, searching PostgreSQL instead of Solr.

    with CkanService() as ckan:
        print(ckan.url, ckan.sysadmin_token)
        editor_token = ckan.create_user("editor")

CKAN runs from its own cached virtualenv (``CDX_CKAN_VENV``, default
``~/.cache/cdx/ckan-2.12.0-venv``) with the ``pgsearch`` plugin from ``ckanext-pgsearch``
next to this file. It uses the local PostgreSQL (127.0.0.1:5432, user postgres, trust
auth) and Redis (127.0.0.1:6379), or starts throwaway ones when those do not answer.
Each service gets a fresh database, dropped on exit. Standard library only.

``CkanService(variant="dcat")`` also runs ckanext-scheming with ckanext-dcat's DCAT-AP
schema and RDF endpoints (profile ``euro_dcat_ap_3``), installed into the same
virtualenv next to CKAN; the plain variant does not enable them.

Run ``python infra/ckan/ckan_service.py [plain|dcat]`` to start one by hand.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CKAN_VERSION = "2.12.0"
PLUGIN_SOURCE = Path(__file__).resolve().parent / "ckanext-pgsearch"
BOOTSTRAP_SCRIPT = Path(__file__).resolve().parent / "ckan_bootstrap.py"
DEFAULT_VENV = Path.home() / ".cache" / "cdx" / f"ckan-{CKAN_VERSION}-venv"
LOOPBACK = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
START_TIMEOUT_S = 90.0
# The DCAT variant's extensions, pinned; installed additively (the plain variant ignores them).
DCAT_EXTENSIONS = ("ckanext-dcat==2.4.4", "ckanext-scheming==3.1.0")
PLUGINS = {
    # activity: the dataset activity streams (package_activity_list), so tests can show
    # that a no-op publish leaves no trace.
    "plain": ["activity pgsearch"],
    "dcat": [
        "activity scheming_datasets dcat dcat_json_interface structured_data pgsearch",
        "scheming.dataset_schemas = ckanext.dcat.schemas:dcat_ap_full.yaml",
        "scheming.presets = ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml",
        "ckanext.dcat.rdf.profiles = euro_dcat_ap_3",
    ],
}
HTTP_TIMEOUT_S = 30.0


class CkanServiceError(RuntimeError):
    """CKAN (or something it needs) could not be installed, started or called."""


class CkanService:
    """A running CKAN with a sysadmin; a context manager that removes everything on exit."""

    def __init__(
        self, venv: Path | None = None, port: int | None = None, variant: str = "plain"
    ) -> None:
        if variant not in PLUGINS:
            raise CkanServiceError(f"unknown CKAN variant {variant!r}: {', '.join(PLUGINS)}")
        self.variant = variant
        self.venv = venv or Path(os.environ.get("CDX_CKAN_VENV") or DEFAULT_VENV)
        self.port = port or _free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.sysadmin_name = "cdx_sysadmin"
        self.sysadmin_token = ""
        self.database = f"cdx_ckan_{secrets.token_hex(6)}"
        self._stack = contextlib.ExitStack()
        self._workdir = Path()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def config_path(self) -> Path:
        return self._workdir / "ckan.ini"

    @property
    def log_path(self) -> Path:
        return self._workdir / "ckan.log"

    def __enter__(self) -> CkanService:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def create_user(self, name: str, *, sysadmin: bool = False) -> str:
        """Create a user (email ``name@example.org``) and return a fresh API token for it."""
        user = {"name": name, "email": f"{name}@example.org", "password": secrets.token_urlsafe(16)}
        self.call_action("user_create", {**user, "sysadmin": sysadmin})
        return self.create_token(name)

    def create_token(self, user: str, label: str = "cdx-tests") -> str:
        return str(self.call_action("api_token_create", {"user": user, "name": label})["token"])

    def revoke_token(self, token: str) -> None:
        self.call_action("api_token_revoke", {"token": token})

    def call_action(self, action: str, data: dict[str, Any], token: str | None = None) -> Any:
        """POST to /api/3/action/ACTION as the sysadmin (or ``token``); returns ``result``."""
        request = urllib.request.Request(
            f"{self.url}/api/3/action/{action}",
            data=json.dumps(data).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": token or self.sysadmin_token,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return json.load(response)["result"]
        except urllib.error.HTTPError as e:
            raise CkanServiceError(f"{action} failed ({e.code}): {e.read().decode()}") from e

    def _start(self) -> None:
        venv = install_ckan(self.venv, dcat=self.variant == "dcat")
        self._workdir = Path(tempfile.mkdtemp(prefix="cdx-ckan-"))
        self._stack.callback(shutil.rmtree, self._workdir, ignore_errors=True)
        postgres_port = self._stack.enter_context(local_postgres())
        redis_url = self._stack.enter_context(local_redis())
        _psql(postgres_port, f'CREATE DATABASE "{self.database}"')
        self._stack.callback(_psql, postgres_port, f'DROP DATABASE "{self.database}" WITH (FORCE)')
        storage = self._workdir / "storage"
        storage.mkdir()
        spec = {
            "config": str(self.config_path),
            "options": [
                f"sqlalchemy.url = postgresql://postgres@{LOOPBACK}:{postgres_port}/{self.database}",
                f"ckan.site_url = {self.url}",
                f"ckan.site_id = {self.database}",
                f"ckan.storage_path = {storage}",
                f"ckan.redis.url = {redis_url}",
                "solr_url = http://127.0.0.1:8983/solr/unused-replaced-by-pgsearch",
                f"ckan.plugins = {PLUGINS[self.variant][0]}",
                *PLUGINS[self.variant][1:],
                "ckan.views.default_views = ",
                f"ckan.devserver.host = {LOOPBACK}",
            ],
            "sysadmin": {
                "name": self.sysadmin_name,
                "email": f"{self.sysadmin_name}@example.org",
                "password": secrets.token_urlsafe(16),
            },
        }
        bootstrap = [str(venv / "bin" / "python"), str(BOOTSTRAP_SCRIPT), json.dumps(spec)]
        self.sysadmin_token = _run(bootstrap, env=_ckan_env()).split()[-1]
        self._stack.enter_context(self._server(venv / "bin" / "ckan"))
        self._wait_until_ready()

    @contextlib.contextmanager
    def _server(self, ckan_bin: Path) -> Iterator[None]:
        with self.log_path.open("wb") as log:
            # -r: no reloader, so one process to stop; -t: threads, so requests overlap.
            run = f"run -H {LOOPBACK} -p {self.port} -r -t".split()
            process = subprocess.Popen(
                [str(ckan_bin), "-c", str(self.config_path), *run],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_ckan_env(),
                start_new_session=True,
            )
        self._process = process
        try:
            yield
        finally:
            _stop(process)

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if (returncode := self._process.poll()) is not None:
                raise CkanServiceError(f"CKAN exited ({returncode}):\n{self._log_tail()}")
            with contextlib.suppress(OSError):
                status_url = f"{self.url}/api/3/action/status_show"
                with urllib.request.urlopen(status_url, timeout=5) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise CkanServiceError(
            f"CKAN did not answer within {START_TIMEOUT_S} s:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


# --- Installing CKAN ------------------------------------------------------------------


def install_ckan(venv: Path, *, dcat: bool = False) -> Path:
    """Make sure ``venv`` holds CKAN and the current pgsearch plugin; returns ``venv``.

    With ``dcat``, also ckanext-dcat and ckanext-scheming (``DCAT_EXTENSIONS``), added to
    the same venv: a later plain install keeps them, a plain CKAN just leaves them off.
    """
    venv.parent.mkdir(parents=True, exist_ok=True)
    marker = venv / ".cdx-install.json"
    wanted = {"ckan": CKAN_VERSION, "plugin": _plugin_digest()}
    with _file_lock(venv.with_name(venv.name + ".lock")):
        installed = json.loads(marker.read_text()) if marker.exists() else {}
        pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
        if {key: installed.get(key) for key in wanted} != wanted:
            installed = _install_ckan_and_plugin(venv, pip, installed) | wanted
            marker.write_text(json.dumps(installed))
        if dcat and installed.get("dcat") != list(DCAT_EXTENSIONS):
            print(f"Installing {', '.join(DCAT_EXTENSIONS)} into {venv} …", file=sys.stderr)
            _run([*pip, "install", *DCAT_EXTENSIONS])
            marker.write_text(json.dumps(installed | {"dcat": list(DCAT_EXTENSIONS)}))
    return venv


def _install_ckan_and_plugin(
    venv: Path, pip: list[str], installed: dict[str, Any]
) -> dict[str, Any]:
    """CKAN itself (a fresh venv when its version differs) and the pgsearch plugin."""
    if installed.get("ckan") != CKAN_VERSION:
        installed = {}
        _ensure_build_tools()
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        print(f"Installing ckan[requirements]=={CKAN_VERSION} into {venv} …", file=sys.stderr)
        _run([*pip, "install", f"ckan[requirements]=={CKAN_VERSION}", "wheel"])
    with tempfile.TemporaryDirectory() as build_dir:
        # Build from a copy: setuptools leaves build/ and *.egg-info beside the source.
        source = Path(build_dir) / "ckanext-pgsearch"
        shutil.copytree(PLUGIN_SOURCE, source, ignore=_not_source)
        _run(
            [*pip, "install", "--no-deps", "--no-build-isolation", "--force-reinstall", str(source)]
        )
    return installed


def _not_source(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("build", "__pycache__") or n.endswith(".egg-info")]


def _plugin_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PLUGIN_SOURCE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml"):
            digest.update(str(path.relative_to(PLUGIN_SOURCE)).encode() + path.read_bytes())
    return digest.hexdigest()


def _ensure_build_tools() -> None:
    """psycopg2 is built from source: it needs pg_config (libpq-dev) and a C compiler."""
    missing = [tool for tool in ("pg_config", "gcc") if shutil.which(tool) is None]
    if not missing:
        return
    packages = ["libpq-dev", "gcc"]
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise CkanServiceError(
            f"Installing CKAN builds psycopg2, which needs {', '.join(missing)}. "
            f"Install them first, e.g. `sudo apt-get install -y {' '.join(packages)}`."
        )
    _run(["apt-get", "update"])
    _run(["apt-get", "install", "-y", "--no-install-recommends", *packages])


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# --- PostgreSQL and Redis -------------------------------------------------------------


@contextlib.contextmanager
def local_postgres() -> Iterator[int]:
    """The port of a PostgreSQL on 127.0.0.1 that trusts user postgres: local or throwaway."""
    if _postgres_answers(POSTGRES_PORT):
        yield POSTGRES_PORT
        return
    bindir = _postgres_bindir()
    datadir = Path(tempfile.mkdtemp(prefix="cdx-pgdata-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise CkanServiceError(
                "No PostgreSQL answers on 127.0.0.1:5432, and a throwaway one cannot be "
                "started as root without a 'postgres' system user."
            ) from None
        os.chown(datadir, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    pg_ctl = [*as_owner, str(bindir / "pg_ctl"), "-D", str(datadir)]
    try:
        initdb = [str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust"]
        _run([*as_owner, *initdb, "--encoding=UTF8", "--no-sync"])
        options = f"-p {port} -k {datadir} -c listen_addresses={LOOPBACK} -c fsync=off"
        _run([*pg_ctl, "-l", str(datadir / "server.log"), "-w", "start", "-o", options])
        yield port
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(datadir, ignore_errors=True)


def _postgres_answers(port: int) -> bool:
    if not _port_open(port):
        return False
    result = subprocess.run(
        [*_psql_command(port), "-Atc", "SELECT 1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "3"},
        check=False,
    )
    return result.returncode == 0


def _postgres_bindir() -> Path:
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    if not candidates:
        raise CkanServiceError(
            "No PostgreSQL answers on 127.0.0.1:5432 and initdb is not installed "
            "(apt-get install postgresql)."
        )
    return candidates[-1].parent


def _psql_command(port: int) -> list[str]:
    return ["psql", "-h", LOOPBACK, "-p", str(port), "-U", "postgres", "-d", "postgres"]


def _psql(port: int, sql: str) -> None:
    _run([*_psql_command(port), "-v", "ON_ERROR_STOP=1", "-qc", sql])


@contextlib.contextmanager
def local_redis() -> Iterator[str]:
    """The URL of a Redis on 127.0.0.1: the local one, or a throwaway ``redis-server``."""
    if _redis_answers(REDIS_PORT):
        yield f"redis://{LOOPBACK}:{REDIS_PORT}/0"
        return
    if shutil.which("redis-server") is None:
        raise CkanServiceError("No Redis answers on 127.0.0.1:6379 and redis-server is missing.")
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            LOOPBACK,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not _redis_answers(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise CkanServiceError(f"redis-server did not start on port {port}")
            time.sleep(0.1)
        yield f"redis://{LOOPBACK}:{port}/0"
    finally:
        _stop(process)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- Processes and ports ----------------------------------------------------------------


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise CkanServiceError(
            f"Command failed ({result.returncode}): {' '.join(command)}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _ckan_env() -> dict[str, str]:
    """The environment without anything that would redirect CKAN (CKAN_* overrides, venvs)."""
    dropped = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("CKAN_")}


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group we started, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((LOOPBACK, port)) == 0


def main() -> None:
    # SIGTERM exits through the context manager, so the server stops and the database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    started = time.monotonic()
    variant = sys.argv[1] if len(sys.argv) > 1 else "plain"
    with CkanService(variant=variant) as ckan:
        print(f"CKAN {CKAN_VERSION} ({variant}) ready in {time.monotonic() - started:.1f} s")
        print(f"URL:             {ckan.url}")
        print(f"Sysadmin:        {ckan.sysadmin_name}")
        print(f"Sysadmin token:  {ckan.sysadmin_token}")
        print(f"Config:          {ckan.config_path}")
        print(f"Server log:      {ckan.log_path}")
        print("Ctrl-C stops it and drops its database.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
