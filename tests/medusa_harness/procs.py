"""Processes for the Medusa harnesses: free loopback ports, PostgreSQL run as its own user when the
tests run as root, and stopping exactly the process groups a harness started."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A port on 127.0.0.1 that is free now, chosen below the kernel's ephemeral range.

    A port from bind(0) lies inside that range, where the server's own outgoing connections (the
    PostgreSQL pool opened before Medusa listens) can take it first: Medusa then logs EADDRINUSE
    and hangs. Random ports below the range avoid that and rarely collide between parallel runs.
    """
    low, _high = _ephemeral_range()
    rng = random.SystemRandom()
    if low > 12000:
        for _ in range(50):
            port = rng.randrange(10000, low)
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_db_user(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root, and postgres refuses too; the Debian image has a postgres user.
    if _is_root():
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _pg_owner() -> tuple[int, int] | None:
    if not _is_root():
        return None
    import pwd

    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _stop_group(proc: subprocess.Popen[Any] | None, first: int, grace: float) -> None:
    """Signal the process group this harness created for ``proc``; escalate to SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, first)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
