"""The built wheel installs into a clean virtual environment and works there, package data
included (migrations, demo shop, fonts): `tilldesk --help` and the headless self-test."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(out), str(ROOT)], check=True, timeout=600)
    (whl,) = out.glob("tilldesk-*.whl")
    return whl


def test_wheel_carries_package_data(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("app/persistence/migrations/env.py", "app/persistence/migrations/script.py.mako",
                   "app/persistence/migrations/versions/0001_initial_schema.py", "resources/demo_shop.json",
                   "resources/fonts/DejaVuSans.ttf", "resources/icons/tilldesk-256.png"):
        assert needed in names, f"{needed} is missing from the wheel"
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_installs_and_runs_in_a_clean_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=1200)
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean_env["HOME"] = str(tmp_path)  # nothing of a developer's data folder leaks in
    # Run from an unrelated folder, so nothing is imported from the source tree.
    help_out = subprocess.run([str(env_dir / "bin" / "tilldesk"), "--help"], cwd=tmp_path, env=clean_env,
                              capture_output=True, text=True, timeout=120)
    assert help_out.returncode == 0, help_out.stderr
    assert "draft" in help_out.stdout and "order" in help_out.stdout
    where = subprocess.run([str(py), "-c", "import app, resources; print(app.__file__, resources.__file__)"],
                           cwd=tmp_path, env=clean_env, capture_output=True, text=True, timeout=60)
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    st = subprocess.run([str(env_dir / "bin" / "tilldesk"), "--self-test"], cwd=tmp_path, env=clean_env,
                        capture_output=True, text=True, timeout=300)
    assert st.returncode == 0, st.stdout + st.stderr
    assert "self-test passed" in st.stdout
