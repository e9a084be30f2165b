"""Start and stop a real Medusa 1.20.11 server (with its own PostgreSQL 15) for integration tests.

It reuses the v2 harness's machinery (PostgreSQL on 127.0.0.1 as the ``postgres`` user, free ports
below the ephemeral range, process groups stopped by pid) and changes what differs in v1: the npm
project (``package.json`` + ``package-lock.json`` beside this file, installed with ``npm ci`` and the
pinned Node from .venv once into the same cache folder, keyed by a hash of this lock file), ``medusa-config.js``, the commands
(``migrations run``), a ``-r`` preload that keeps the server on 127.0.0.1 (``medusa start`` 1.20
ignores ``--host``), and authentication: an admin ``api_token`` sent as ``x-medusa-access-token``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.medusa_harness import npm
from tests.medusa_harness.server import (
    InstallResult,
    MedusaHarnessError,
    MedusaServer,
    _pg_owner,
    _preflight,
)

HARNESS_DIR = Path(__file__).resolve().parent
MEDUSA_V1_VERSION = "1.20.11"
PROJECT_FILES = ("package.json", "package-lock.json", "medusa-config.js", "listen-local.js")

__all__ = ["MEDUSA_V1_VERSION", "MedusaV1Server", "ensure_v1_node_modules", "v1_install_key"]


def v1_install_key() -> str:
    """Hash of this harness's lock file plus OS, CPU and Node major (native modules differ)."""
    return npm.install_key(HARNESS_DIR)


def ensure_v1_node_modules(timeout: float = 1200.0) -> InstallResult:
    """``npm ci`` of the v1 lock once per install key, with the pinned Node (tests/medusa_harness/npm.py)."""
    return npm.ensure_install(HARNESS_DIR, "medusa-v1", MEDUSA_V1_VERSION, timeout)


@dataclass
class MedusaV1Server(MedusaServer):
    """A throw-away Medusa 1.20.11 + PostgreSQL 15 pair on 127.0.0.1.

    After start: ``base_url``, ``api_token`` (send as ``x-medusa-access-token``), ``jwt`` (a 24 h
    Bearer token from ``/admin/auth/token``), ``admin_email`` / ``admin_password``, ``timings``.
    """

    api_token: str = field(default="", init=False, repr=False)
    user_id: str = field(default="", init=False)

    def token_headers(self) -> dict[str, str]:
        return {"x-medusa-access-token": self.api_token}

    def client(self, *, use_api_key: bool = True, timeout: float = 60.0) -> httpx.Client:
        """An httpx client on the server, authenticated by the API token (or the JWT)."""
        headers = self.token_headers() if use_api_key else self.bearer_headers()
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def __enter__(self) -> MedusaV1Server:
        return self.start()

    def start(self) -> MedusaV1Server:
        began = time.monotonic()
        import atexit

        atexit.register(self.stop)
        try:
            _preflight()
            install = ensure_v1_node_modules()
            self.timings.npm_install = install.seconds
            self.timings.npm_install_cached = install.cached
            self._make_workdir(install.path)
            self._start_postgres()
            # v1 has no db:create; the cluster's own "postgres" database is ours alone.
            self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/postgres"
            self._prepare_database()
            self._start_medusa()
            self._login()
        except BaseException as exc:
            detail = self._failure_detail()
            self.stop()
            if isinstance(exc, MedusaHarnessError):
                raise MedusaHarnessError(f"{exc}\n{detail}") from exc
            if isinstance(exc, Exception):
                raise MedusaHarnessError(f"Medusa v1 harness failed to start: {exc!r}\n{detail}") from exc
            raise
        self.timings.total = time.monotonic() - began
        return self

    def _make_workdir(self, install_dir: Path) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="tilldesk-medusa-v1-"))
        owner = _pg_owner()
        if owner is not None:
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

    def _medusa_env(self) -> dict[str, str]:
        assert self.workdir is not None
        env = super()._medusa_env()
        preload = self.workdir / "project" / "listen-local.js"
        env.update(
            # Feature flags from the environment count only as the string "true".
            MEDUSA_FF_TAX_INCLUSIVE_PRICING="true",
            NODE_OPTIONS=f"--require {preload}",
        )
        env.pop("REDIS_URL", None)
        return env

    def _prepare_database(self) -> None:
        assert self.workdir is not None
        project = self.workdir / "project"
        self._env = self._medusa_env()
        self.timings.migrate = self._run(self._medusa_cmd("migrations", "run"), cwd=project,
                                         env=self._env, what="db-migrate")
        self.timings.create_user = self._run(
            self._medusa_cmd("user", "-e", self.admin_email, "-p", self.admin_password),
            cwd=project, env=self._env, what="create-user")

    def _login(self) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            resp = http.post("/admin/auth/token",
                             json={"email": self.admin_email, "password": self.admin_password})
            _check(resp, "login")
            self.jwt = resp.json()["access_token"]
            resp = http.get("/admin/auth", headers=self.bearer_headers())
            _check(resp, "who am I")
            self.user_id = resp.json()["user"]["id"]
            token = "tdv1_" + secrets.token_hex(24)
            resp = http.post(f"/admin/users/{self.user_id}", json={"api_token": token},
                             headers=self.bearer_headers())
            _check(resp, "set the admin API token")
            self.api_token = token
            self.api_key = token
        self.timings.login_and_api_key = time.monotonic() - started

    def _failure_detail(self) -> str:
        if self.workdir is None:
            return ""
        parts = []
        for name in ("medusa.log", "db-migrate.log", "create-user.log", "postgres.log"):
            path = self.workdir / name
            if path.exists() and path.stat().st_size:
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
                parts.append(f"--- tail of {name} ---\n" + "\n".join(text))
        return "\n".join(parts)


def _check(resp: httpx.Response, what: str) -> None:
    if resp.status_code >= 400:
        raise MedusaHarnessError(f"{what}: HTTP {resp.status_code} {resp.text[:2000]}")
