"""Start and stop a real Medusa v2 server (with its own PostgreSQL 15) for integration tests.

The npm project (``package.json`` + ``package-lock.json`` beside this file) is installed with
``npm ci`` and the pinned Node from .venv (npm.py) once into a cache folder outside the repository,
keyed by a hash of the lock file, so later runs on the same machine (CI included) only pay for
PostgreSQL, the migrations and the server start.

Each run gets a fresh temporary folder holding the PostgreSQL data directory, the logs and a tiny
Medusa project whose ``node_modules`` is a symlink into the cache. Everything listens on 127.0.0.1,
and ``stop()`` ends exactly the process groups this object started.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from . import npm
from .npm import CACHE_ENV, InstallResult, MedusaHarnessError, cache_root
from .npm import tail as _tail
from .procs import _as_db_user, _is_root, _pg_owner, _stop_group, free_port

HARNESS_DIR = Path(__file__).resolve().parent
MEDUSA_VERSION = "2.21.2"
PROJECT_FILES = ("package.json", "package-lock.json", "tsconfig.json", "medusa-config.ts")

SKIP_ENV = "TILLDESK_SKIP_MEDUSA"
KEEP_DIR_ENV = "TILLDESK_KEEP_MEDUSA_DIR"

def install_key() -> str:
    """Hash of the lock file plus what makes native bindings differ (OS, CPU, Node major).

    @swc/core and friends ship per-platform binaries, so one cache must not serve another platform.
    """
    return npm.install_key(HARNESS_DIR)


def ensure_node_modules(timeout: float = 1200.0) -> InstallResult:
    """``npm ci`` of this harness's lock once per install key, with the pinned Node (see npm.py)."""
    return npm.ensure_install(HARNESS_DIR, "medusa", MEDUSA_VERSION, timeout)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


def _preflight() -> None:
    """The pinned Node (linked into .venv/bin, new enough) and PostgreSQL's programs on PATH."""
    npm.check_node()
    missing = [tool for tool in ("initdb", "postgres") if shutil.which(tool) is None]
    if _is_root() and shutil.which("runuser") is None:
        missing.append("runuser")
    if missing:
        raise MedusaHarnessError(
            "the Medusa harness needs PostgreSQL 15 (initdb, postgres) on PATH; "
            f"missing: {', '.join(missing)}"
        )


@dataclass
class MedusaTimings:
    """Seconds spent in each set-up step (for the report and the benchmark, never asserted)."""

    npm_install: float = 0.0
    npm_install_cached: bool = False
    initdb: float = 0.0
    postgres_start: float = 0.0
    create_database: float = 0.0
    migrate: float = 0.0
    create_user: float = 0.0
    start: float = 0.0
    login_and_api_key: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict[str, float | bool]:
        return dict(self.__dict__)


def new_admin_password() -> str:
    """A random admin password that a command line cannot mistake for an option.

    token_urlsafe may start with "-", and `medusa user -p -8Od...` then reads the password as a flag:
    the user is created without it and the login answers 401 (about one run in sixty-four).
    """
    return "Till" + secrets.token_hex(16)


@dataclass
class MedusaServer:
    """A throw-away Medusa v2 + PostgreSQL 15 pair on 127.0.0.1.

    ``with MedusaServer() as server:`` starts both and stops both on exit, also when the body raises.
    After start: ``base_url``, ``jwt`` (Bearer), ``api_key`` (``sk_...``, HTTP Basic user name with an
    empty password), ``admin_email`` / ``admin_password``, ``timings``.
    """

    admin_email: str = "admin@tilldesk.test"
    admin_password: str = field(default_factory=lambda: new_admin_password())
    startup_timeout: float = 240.0
    keep_dir: bool = field(default_factory=lambda: os.environ.get(KEEP_DIR_ENV) == "1")

    workdir: Path | None = field(default=None, init=False)
    port: int = field(default=0, init=False)
    pg_port: int = field(default=0, init=False)
    database_url: str = field(default="", init=False)
    jwt: str = field(default="", init=False, repr=False)
    api_key: str = field(default="", init=False, repr=False)
    api_key_id: str = field(default="", init=False)
    timings: MedusaTimings = field(default_factory=MedusaTimings, init=False)

    _pg_proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _medusa_proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log_files: list[IO[bytes]] = field(default_factory=list, init=False, repr=False)
    _env: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    # -- public ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "medusa.log"

    @property
    def pg_log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "postgres.log"

    def bearer_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.jwt}"}

    def basic_auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.api_key, "")

    def client(self, *, use_api_key: bool = False, timeout: float = 60.0) -> httpx.Client:
        """An httpx client on the server, authenticated by the JWT or by the secret API key."""
        if use_api_key:
            return httpx.Client(base_url=self.base_url, auth=self.basic_auth(), timeout=timeout)
        return httpx.Client(base_url=self.base_url, headers=self.bearer_headers(), timeout=timeout)

    def tail_log(self, lines: int = 80) -> str:
        return _tail(self.log_path, lines)

    def __enter__(self) -> MedusaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> MedusaServer:
        began = time.monotonic()
        # Last line of defence when the interpreter exits without stop() (a crashed test run):
        # never leave a server or a database behind.
        atexit.register(self.stop)
        try:
            _preflight()
            install = ensure_node_modules()
            self.timings.npm_install = install.seconds
            self.timings.npm_install_cached = install.cached
            self._make_workdir(install.path)
            self._start_postgres()
            self._prepare_database()
            self._start_medusa()
            self._login()
        except BaseException as exc:
            detail = self._failure_detail()
            self.stop()
            if isinstance(exc, MedusaHarnessError):
                raise MedusaHarnessError(f"{exc}\n{detail}") from exc
            if isinstance(exc, Exception):
                raise MedusaHarnessError(f"Medusa harness failed to start: {exc!r}\n{detail}") from exc
            raise
        self.timings.total = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Stop Medusa, then PostgreSQL (only the process groups started here), then clean up."""
        atexit.unregister(self.stop)
        _stop_group(self._medusa_proc, signal.SIGTERM, grace=20)
        self._medusa_proc = None
        self._stop_postgres()
        for log in self._log_files:
            with contextlib.suppress(OSError):
                log.close()
        self._log_files.clear()
        if self.workdir is not None and not self.keep_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- steps -----------------------------------------------------------------------------

    def _make_workdir(self, install_dir: Path) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="tilldesk-medusa-"))
        owner = _pg_owner()
        if owner is not None:
            # The postgres user must reach its data dir inside root's 0700 temp folder.
            self.workdir.chmod(0o755)
        project = self.workdir / "project"
        project.mkdir()
        for name in PROJECT_FILES:
            shutil.copy2(HARNESS_DIR / name, project / name)
        (project / "node_modules").symlink_to(install_dir / "node_modules", target_is_directory=True)
        pg_dir = self.workdir / "pg"
        pg_dir.mkdir(mode=0o700)
        self.pg_log_path.touch()
        if owner is not None:
            os.chown(pg_dir, *owner)
            os.chown(self.pg_log_path, *owner)

    def _run(self, cmd: list[str], *, cwd: Path, env: dict[str, str] | None, what: str,
             timeout: float = 600.0, log: Path | None = None) -> float:
        assert self.workdir is not None
        log = log or (self.workdir / f"{what}.log")
        started = time.monotonic()
        with open(log, "ab") as out:
            proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=timeout)
        if proc.returncode != 0:
            raise MedusaHarnessError(f"{what} failed (exit {proc.returncode}):\n{_tail(log)}")
        return time.monotonic() - started

    def _start_postgres(self) -> None:
        assert self.workdir is not None
        data = self.workdir / "pg" / "data"
        self.timings.initdb = self._run(
            _as_db_user(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust",
                         "--encoding=UTF8", "--locale=C", "--no-sync"]),
            cwd=self.workdir / "pg", env=None, what="initdb", log=self.pg_log_path,
        )
        started = time.monotonic()
        for _attempt in range(5):
            self.pg_port = free_port()
            log = open(self.pg_log_path, "ab")
            self._log_files.append(log)
            self._pg_proc = subprocess.Popen(
                _as_db_user([
                    "postgres", "-D", str(data),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", f"port={self.pg_port}",
                    # No Unix socket: nothing here needs one and the default dir may not exist.
                    "-c", "unix_socket_directories=",
                    # A throw-away cluster: durability only costs time.
                    "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off", "-c", "max_connections=200",
                ]),
                cwd=self.workdir / "pg",
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if self._wait_postgres_ready(data, timeout=60):
                break
            _stop_group(self._pg_proc, signal.SIGKILL, grace=5)
            self._pg_proc = None
        else:
            raise MedusaHarnessError(f"PostgreSQL did not start:\n{_tail(self.pg_log_path)}")
        self.timings.postgres_start = time.monotonic() - started
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/tilldesk_medusa"

    def _wait_postgres_ready(self, data: Path, timeout: float) -> bool:
        assert self._pg_proc is not None
        deadline = time.monotonic() + timeout
        pid_file = data / "postmaster.pid"
        while time.monotonic() < deadline:
            if self._pg_proc.poll() is not None:
                return False  # most likely the port was taken between free_port() and bind
            with contextlib.suppress(OSError):
                lines = pid_file.read_text().splitlines()
                # Line 8 of postmaster.pid is the server status; "ready" means it accepts connections.
                if len(lines) >= 8 and lines[7].strip() == "ready":
                    return True
            time.sleep(0.1)
        return False

    def _stop_postgres(self) -> None:
        proc = self._pg_proc
        self._pg_proc = None
        if proc is None or proc.poll() is not None:
            return
        postmaster = None
        if self.workdir is not None:
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid_text = (self.workdir / "pg" / "data" / "postmaster.pid").read_text()
                postmaster = int(pid_text.splitlines()[0])
        try:
            # SIGINT to the postmaster is PostgreSQL's "fast" shutdown; it ends its own children.
            if postmaster is not None and postmaster > 1:
                os.kill(postmaster, signal.SIGINT)
            else:
                os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        _stop_group(proc, signal.SIGKILL, grace=10)

    def _medusa_env(self) -> dict[str, str]:
        # PATH starts with the pinned Node's folder: node_modules/.bin/medusa runs `env node`.
        env = npm.node_env()
        env.update(
            CI="true",
            DATABASE_URL=self.database_url,
            JWT_SECRET=secrets.token_hex(24),
            COOKIE_SECRET=secrets.token_hex(24),
            STORE_CORS="http://127.0.0.1",
            ADMIN_CORS="http://127.0.0.1",
            AUTH_CORS="http://127.0.0.1",
            MEDUSA_DISABLE_TELEMETRY="true",
            NODE_ENV="development",
            # Medusa's start command must not look for a terminal.
            FORCE_COLOR="0",
        )
        return env

    def _medusa_cmd(self, *args: str) -> list[str]:
        assert self.workdir is not None
        return [str(self.workdir / "project" / "node_modules" / ".bin" / "medusa"), *args]

    def _prepare_database(self) -> None:
        assert self.workdir is not None
        project = self.workdir / "project"
        self._env = self._medusa_env()
        env = self._env
        # db:create reads DATABASE_URL from the project's .env file only, not from the environment.
        (project / ".env").write_text(f"DATABASE_URL={self.database_url}\n")
        self.timings.create_database = self._run(
            self._medusa_cmd("db:create", "--db", "tilldesk_medusa", "--no-interactive"),
            cwd=project, env=env, what="db-create",
        )
        self.timings.migrate = self._run(
            self._medusa_cmd("db:migrate"), cwd=project, env=env, what="db-migrate"
        )
        self.timings.create_user = self._run(
            self._medusa_cmd("user", "-e", self.admin_email, "-p", self.admin_password),
            cwd=project, env=env, what="create-user",
        )

    def _start_medusa(self) -> None:
        started = time.monotonic()
        # free_port() closes its socket before Medusa binds, so another process on a shared machine
        # can take the port in between: then Medusa dies with EADDRINUSE and we try a new port.
        for _attempt in range(3):
            if self._spawn_medusa_and_wait():
                self.timings.start = time.monotonic() - started
                return
        raise MedusaHarnessError("medusa start found its port taken three times")

    def _spawn_medusa_and_wait(self) -> bool:
        assert self.workdir is not None
        self.port = free_port()
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self._log_files.append(log)
        self._medusa_proc = subprocess.Popen(
            self._medusa_cmd("start", "--host", "127.0.0.1", "--port", str(self.port)),
            cwd=self.workdir / "project",
            env=self._env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def port_taken() -> bool:
            with open(self.log_path, "rb") as f:
                f.seek(log_offset)
                return b"EADDRINUSE" in f.read()

        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(base_url=self.base_url, timeout=5) as http:
            while True:
                if port_taken():
                    # Medusa 2.21.2 logs EADDRINUSE and keeps running without listening.
                    _stop_group(self._medusa_proc, signal.SIGKILL, grace=10)
                    self._medusa_proc = None
                    return False
                if self._medusa_proc.poll() is not None:
                    raise MedusaHarnessError(
                        f"medusa start exited with code {self._medusa_proc.returncode}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    # A 200 from a stranger on a stolen port is ruled out here and, at the
                    # latest, by logging in with our own password.
                    if http.get("/health").status_code == 200 and not port_taken():
                        return True
                if time.monotonic() > deadline:
                    raise MedusaHarnessError(
                        f"Medusa was not healthy after {self.startup_timeout:.0f} s"
                    )
                time.sleep(0.25)

    def _login(self) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            resp = http.post(
                "/auth/user/emailpass",
                json={"email": self.admin_email, "password": self.admin_password},
            )
            _check(resp, "login")
            self.jwt = resp.json()["token"]
            resp = http.post(
                "/admin/api-keys",
                json={"title": "Tilldesk integration tests", "type": "secret"},
                headers=self.bearer_headers(),
            )
            _check(resp, "create secret API key")
            key = resp.json()["api_key"]
            self.api_key = key["token"]
            self.api_key_id = key["id"]
        self.timings.login_and_api_key = time.monotonic() - started

    def _failure_detail(self) -> str:
        if self.workdir is None:
            return ""
        parts = []
        for name in ("medusa.log", "db-create.log", "db-migrate.log", "create-user.log",
                     "postgres.log"):
            path = self.workdir / name
            if path.exists() and path.stat().st_size:
                parts.append(f"--- tail of {name} ---\n{_tail(path, 40)}")
        return "\n".join(parts)


def _check(resp: httpx.Response, what: str) -> None:
    if resp.status_code >= 400:
        raise MedusaHarnessError(f"{what}: HTTP {resp.status_code} {resp.text[:2000]}")


__all__ = [
    "CACHE_ENV",
    "MEDUSA_VERSION",
    "InstallResult",
    "MedusaHarnessError",
    "MedusaServer",
    "MedusaTimings",
    "cache_root",
    "ensure_node_modules",
    "free_port",
    "install_key",
]
