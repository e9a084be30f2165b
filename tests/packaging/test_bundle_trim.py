"""packaging/bundle_trim.py's rules over PyInstaller TOC entries ``(dest, src, typecode)``: what the
bundle leaves out and what it must keep. The pruning of top-level libraries reads the real ELF files
(the wheel's Qt libraries and this machine's system libraries), as the build does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.packaging_modules import load

bundle_trim = load("bundle_trim")
QT = Path(__import__("PySide6").__file__).parent / "Qt"


def _entry(dest: str, src: str = "/nonexistent", kind: str = "BINARY") -> tuple[str, str, str]:
    return (dest, src, kind)


def _kept(*dests: str) -> set[str]:
    return {d for d, _, _ in bundle_trim.keep_binaries([_entry(d) for d in dests])}


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland-egl.so", False),
    ("PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so", False),
    ("PySide6/Qt/plugins/networkinformation/libqglib.so", False),
    ("PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/generic/libqevdevtouchplugin.so", False),
    ("PySide6/Qt/plugins/generic/libqtuiotouchplugin.so", False),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-egl-integration.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", False),
    ("PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", False),
    ("PySide6/Qt/lib/libQt6OpenGL.so.6", False),
    ("PySide6/Qt/lib/libQt6Network.so.6", True),   # QtPdf links it
    ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
    ("PySide6/Qt/lib/libQt6DBus.so.6", True),
    ("PySide6/Qt/lib/libicuuc.so.73", True),
    ("pillow.libs/libxcb-9065bb12.so.1.1.0", True),  # Pillow's own copy, linked by its _imaging module
])
def test_qt_plugins_and_libraries(dest: str, kept: bool) -> None:
    assert (dest in _kept(dest)) is kept


def _system_path(soname: str) -> str | None:
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    paths = [line.rsplit(" => ", 1)[1] for line in out.splitlines()[1:]
             if line.strip().startswith(soname + " ") and ("x86-64" in line or "64bit" in line)]
    return paths[0] if paths else None


@pytest.mark.skipif(sys.platform != "linux" or shutil.which("objdump") is None, reason="ELF and objdump")
def test_desktop_libraries_come_from_the_system_and_what_only_they_needed_goes() -> None:
    system = ["libglib-2.0.so.0", "libpcre2-8.so.0", "libzstd.so.1", "libdbus-1.so.3", "libX11.so.6",
              "libxcb.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libgssapi_krb5.so.2", "libkrb5.so.3"]
    paths = {name: _system_path(name) for name in system}
    if not all(paths.values()):
        pytest.skip(f"this machine lacks {[n for n, p in paths.items() if not p]}")
    entries = [_entry("PySide6/Qt/lib/libQt6Core.so.6", str(QT / "lib" / "libQt6Core.so.6")),
               _entry("PySide6/Qt/lib/libQt6Network.so.6", str(QT / "lib" / "libQt6Network.so.6")),
               _entry("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK")]
    entries += [_entry(name, str(path)) for name, path in paths.items()]
    kept = {d for d, _, _ in bundle_trim.keep_binaries(entries)}
    assert {"PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "libQt6Core.so.6"} <= kept
    assert "libzstd.so.1" in kept  # Qt Core links it and it is no desktop library
    # Left to the system, and pcre2 (GLib's) and Kerberos' own libraries (GSSAPI's) pruned with them.
    assert not {"libglib-2.0.so.0", "libpcre2-8.so.0", "libdbus-1.so.3", "libX11.so.6", "libxcb.so.1",
                "libfontconfig.so.1", "libfreetype.so.6", "libgssapi_krb5.so.2", "libkrb5.so.3"} & kept


def test_translations_and_far_locales_are_left_out_of_the_data() -> None:
    datas = [("PySide6/Qt/translations/qt_de.qm", "x", "DATA"), ("babel/locale-data/de_AT.dat", "x", "DATA"),
             ("babel/locale-data/ja.dat", "x", "DATA"), ("babel/global.dat", "x", "DATA"),
             ("resources/fonts/DejaVuSans.ttf", "x", "DATA")]
    assert [d[0] for d in bundle_trim.keep_datas(datas)] == [
        "babel/locale-data/de_AT.dat", "babel/global.dat", "resources/fonts/DejaVuSans.ttf"]


def test_the_icu_data_library_is_swapped_for_the_trimmed_copy(tmp_path: Path) -> None:
    icudata = next((QT / "lib").glob("libicudata.so.*"), None)
    if icudata is None or sys.platform != "linux":
        pytest.skip("this PySide6 wheel carries no ICU")
    entries = [_entry(f"PySide6/Qt/lib/{icudata.name}", str(icudata)),
               _entry(icudata.name, f"PySide6/Qt/lib/{icudata.name}", "SYMLINK"),
               _entry("PySide6/Qt/lib/libicuuc.so.73", str(QT / "lib" / "libicuuc.so.73"))]
    out = bundle_trim.with_trimmed_icu_data(entries, str(tmp_path))
    assert out[1:] == entries[1:]
    dest, src, kind = out[0]
    assert (dest, kind) == entries[0][::2] and Path(src) == tmp_path / "icu" / icudata.name
    assert Path(src).stat().st_size < icudata.stat().st_size / 3


@pytest.mark.parametrize(("dest", "kept"), [
    ("reportlab/fonts/Vera.ttf", False),
    ("reportlab/fonts/_a______.pfb", False),
    ("reportlab/rl_settings.py", True),
    ("resources/fonts/DejaVuSans-Bold.ttf", True),
    ("pycountry/databases/iso3166-1.json", True),
    ("pycountry/databases/iso3166-2.json", True),
    ("pycountry/databases/iso3166-3.json", False),
    ("pycountry/databases/iso639-3.json", False),
    ("pycountry/databases/iso4217.json", False),
])
def test_sample_fonts_and_unused_pycountry_databases_stay_out(dest: str, kept: bool) -> None:
    assert [d[0] for d in bundle_trim.keep_datas([(dest, "x", "DATA")])] == ([dest] if kept else [])
