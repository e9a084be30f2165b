#!/usr/bin/env bash
# Builds the one-folder desktop bundle in dist/tilldesk/ and checks it with its own self-test.
# Run after `bash packaging/dev.sh setup` (PyInstaller comes with the dev extra).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=.venv/bin/python
[ -x "$py" ] || py=python3
"$py" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/tilldesk.spec
install -m 0644 packaging/tilldesk.desktop dist/tilldesk/tilldesk.desktop
cp resources/icons/tilldesk-256.png dist/tilldesk/tilldesk.png
echo "bundle: dist/tilldesk ($(du -sh dist/tilldesk | cut -f1))"
QT_QPA_PLATFORM=offscreen dist/tilldesk/tilldesk --version
QT_QPA_PLATFORM=offscreen dist/tilldesk/tilldesk --self-test
