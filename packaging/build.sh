#!/usr/bin/env bash
# Builds the one-folder desktop bundle in dist/tilldesk/ and checks it with its own self-test.
# Run after `bash packaging/dev.sh setup` (PyInstaller comes with the dev extra). Needs binutils
# (objdump, strip) and a C compiler (packaging/icu_trim.py links the trimmed ICU data with it).
#   bash packaging/build.sh        the bundle, its checks, then its size by part
#   bash packaging/build.sh deb    the same, then the Debian package dist/tilldesk_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
step="${1:-bundle}"
case "$step" in bundle|deb) ;; *) echo "build.sh: unknown step '$step' (bundle or deb)" >&2; exit 2 ;; esac
py=.venv/bin/python
[ -x "$py" ] || py=python3
"$py" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/tilldesk.spec
install -m 0644 packaging/tilldesk.desktop dist/tilldesk/tilldesk.desktop
cp resources/icons/tilldesk-256.png dist/tilldesk/tilldesk.png
echo "bundle: dist/tilldesk ($(du -sh dist/tilldesk | cut -f1))"
QT_QPA_PLATFORM=offscreen dist/tilldesk/tilldesk --version
QT_QPA_PLATFORM=offscreen dist/tilldesk/tilldesk --self-test

# Upgrade safety in the bundle itself: a database from the first schema, holding paid orders not
# yet synced, opens in the new build, is backed up, migrated, and keeps every unsynced order.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp tests/migrations/fixtures/schema_0001.sqlite "$tmp/till.sqlite"
before="$(sqlite3 "$tmp/till.sqlite" 'SELECT count(*) FROM outbox WHERE state = "queued"' 2>/dev/null \
  || .venv/bin/python -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM outbox WHERE state='queued'\").fetchone()[0])" "$tmp/till.sqlite")"
after="$(QT_QPA_PLATFORM=offscreen dist/tilldesk/tilldesk --db "$tmp/till.sqlite" order list --sync-state queued \
  | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["count"])')"
ls "$tmp"/till.backup-0001-*.sqlite >/dev/null
if [ "$before" != "$after" ] || [ "$after" -lt 1 ]; then
  echo "upgrade check FAILED: $before unsynced orders before, $after after" >&2
  exit 1
fi
echo "upgrade check passed: $after unsynced orders kept, backup taken"
"$py" benchmarks/bundle_size.py dist/tilldesk
# The window itself opens offscreen from the bundle (it prints "window shown" and quits).
shown="$(QT_QPA_PLATFORM=offscreen TILLDESK_EXIT_AFTER_SHOWN=1 dist/tilldesk/tilldesk --db "$tmp/till.sqlite")"
case "$shown" in *"window shown"*) echo "window check passed" ;; *) echo "window check FAILED: $shown" >&2; exit 1 ;; esac

if [ "$step" = deb ]; then
  bash packaging/deb.sh dist/tilldesk dist
fi
