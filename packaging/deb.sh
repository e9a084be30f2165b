#!/usr/bin/env bash
# Packs the one-folder bundle (dist/tilldesk, from `bash packaging/build.sh`) into a Debian package:
#   /opt/tilldesk/                       the bundle as built
#   /usr/bin/tilldesk                    relative symlink to /opt/tilldesk/tilldesk (the command on PATH)
#   /usr/share/applications/tilldesk.desktop, /usr/share/icons/hicolor/*/apps/tilldesk.{png,svg}
# Only dpkg-deb is needed. Usage: bash packaging/deb.sh [BUNDLE_DIR] [OUT_DIR]; prints the .deb path last.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bundle="${1:-dist/tilldesk}"
out="${2:-dist}"
[ -x "$bundle/tilldesk" ] || { echo "deb: no bundle at $bundle (run bash packaging/build.sh first)" >&2; exit 2; }
py=.venv/bin/python
[ -x "$py" ] || py=python3

version="$("$py" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
arch="$(dpkg --print-architecture)"
# The system libraries the bundle needs. ldd on the Qt xcb platform plugin shows what it always
# takes from the system: libGL/libEGL (GLVND) and libxcb. PyInstaller copies the xcb helper
# libraries (xcb-cursor, icccm, keysyms, ...), X11, fontconfig, freetype, glib and dbus from the
# build machine; bundle_trim.py leaves them (and libcups, and Kerberos' GSSAPI that QtNetwork links)
# out, so a till has the distribution's own copies, which are listed here.
# tests/packaging/test_deb.py checks that every library the bundle links but does not carry is in
# a package named here.
# The newest glibc symbol version any file of the bundle asks for (objdump comes with binutils,
# which PyInstaller's strip needs too).
glibc="$(find "$bundle" -type f \( -name '*.so*' -o -name tilldesk \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1 | cut -d_ -f2)"
depends="libc6 (>= ${glibc:-2.31}), libglib2.0-0, libdbus-1-3, libfontconfig1, libfreetype6, libx11-6, libx11-xcb1,
 libxcb1, libxcb-cursor0, libxcb-glx0, libxcb-util1, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0,
 libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-xfixes0,
 libxcb-xinerama0, libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0, libegl1, libgl1, libdrm2, libcups2,
 libgssapi-krb5-2"
depends="$(echo "$depends" | tr -s ' \n' ' ')"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/tilldesk_${version}_${arch}"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/icons/hicolor/64x64/apps" \
  "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/doc/tilldesk"
cp -a "$bundle" "$root/opt/tilldesk"
rm -f "$root/opt/tilldesk/tilldesk.desktop" "$root/opt/tilldesk/tilldesk.png"  # they live in /usr/share
ln -s ../../opt/tilldesk/tilldesk "$root/usr/bin/tilldesk"
install -m 0644 packaging/tilldesk.desktop "$root/usr/share/applications/tilldesk.desktop"
install -m 0644 resources/icons/tilldesk-256.png "$root/usr/share/icons/hicolor/256x256/apps/tilldesk.png"
install -m 0644 resources/icons/tilldesk-64.png "$root/usr/share/icons/hicolor/64x64/apps/tilldesk.png"
install -m 0644 resources/icons/tilldesk.svg "$root/usr/share/icons/hicolor/scalable/apps/tilldesk.svg"
printf 'Tilldesk %s, packed from the PyInstaller bundle.\n' "$version" > "$root/usr/share/doc/tilldesk/README"
# Files group- and world-readable, directories 0755, whatever the builder's umask was.
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod go+r,go-w {} +

installed_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<EOF
Package: tilldesk
Version: $version
Architecture: $arch
Maintainer: Tilldesk maintainers <tilldesk@example.com>
Installed-Size: $installed_kb
Depends: $depends
Section: misc
Priority: optional
Description: Point-of-sale and phone-order desk for shop staff
 Takes counter sales and phone orders offline, prints A4 invoices and
 80 mm receipts, and syncs orders with a Medusa shop server.
 .
 This package carries a self-contained build under /opt/tilldesk; run
 `tilldesk --self-test` to check an installation.
EOF
mkdir -p "$out"
deb="$out/tilldesk_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build -Zgzip "$root" "$deb" >/dev/null
echo "deb: $deb ($(du -h "$deb" | cut -f1))"
echo "$deb"
