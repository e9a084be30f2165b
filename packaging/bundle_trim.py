"""What of the analysed PyInstaller bundle a till never loads, as filters over its TOC entries
(``(dest_name, src_name, typecode)``). Used by packaging/tilldesk.spec; each rule says why.

The window is English (no QTranslator is installed), shows X11/XWayland windows through the xcb
platform plugin, prints through CUPS, and formats amounts and dates with babel for the shop's locale.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from types import ModuleType

# babel locale data kept: the languages of the European Union, Norway, Switzerland's and the
# English-speaking markets (every regional variant of each, e.g. de_AT, en_IE). A shop set to another
# locale gets the settings check's one-line "is not a known locale" message, not a crash.
KEEP_LANGUAGES = frozenset({
    "root", "en", "de", "fr", "it", "es", "pt", "nl", "da", "sv", "fi", "nb", "nn", "no", "is", "pl",
    "cs", "sk", "sl", "hr", "hu", "ro", "bg", "el", "et", "lv", "lt", "ga", "mt", "lb", "rm", "ca", "eu", "gl",
})

_DROP_DATA = [
    re.compile(r"^PySide6/Qt/translations/"),  # Qt's own UI strings: the window is English only
    # reportlab's sample fonts (Vera, DarkGarden, the URW Type 1 outlines its bitmap renderer draws
    # with): Tilldesk's PDFs embed DejaVu from resources/ (app/printing/fonts.py), and the standard
    # fonts' metrics are built into reportlab's code.
    re.compile(r"^reportlab/fonts/"),
    # pycountry's databases other than countries and their subdivisions (languages, scripts,
    # currencies, former countries): the till looks up only countries and provinces.
    re.compile(r"^pycountry/databases/(?!iso3166-[12]\.json$)"),
]
_DROP_BINARY = [
    # Platforms: xcb for the screen, offscreen/minimal for headless runs. No framebuffer, VNC or
    # Wayland (a Wayland desktop runs the window through XWayland).
    re.compile(r"^PySide6/Qt/plugins/platforms/libq(eglfs|linuxfb|vnc|minimalegl|wayland[^/]*)\.so$"),
    re.compile(r"^PySide6/Qt/plugins/(egldeviceintegrations|wayland-[^/]+)/"),
    re.compile(r"^PySide6/Qt/lib/libQt6(EglF[Ss][^/]*|WaylandClient|WlShellIntegration)\.so"),
    # Qt's OpenGL helper library: only the EGLFS KMS support above links it; the window draws with
    # the raster engine (the xcb GL integrations stay, they need only the system's libGL/libEGL).
    re.compile(r"^PySide6/Qt/lib/libQt6OpenGL\.so"),
    # The GTK3 theme plugin loads GTK, Pango, Cairo and ATK (about 6 MB) to draw native dialogs.
    re.compile(r"^PySide6/Qt/plugins/platformthemes/libqgtk3\.so$"),
    # QtNetwork is in the bundle only because QtPdf links it; Tilldesk talks HTTP through httpx and
    # Python's ssl. Its plugins go: network reachability (NetworkManager, connman, and GLib's, which
    # drags libgio, libmount, libblkid and libselinux along) and Qt's own TLS backends.
    re.compile(r"^PySide6/Qt/plugins/(networkinformation|tls)/"),
    # Input without an X server (evdev keyboard/mouse/touch, TUIO over UDP) and Vulkan on a bare
    # display: under X11 the xcb plugin gets keyboard, mouse and touch through XInput.
    re.compile(r"^PySide6/Qt/plugins/generic/"),
    re.compile(r"^PySide6/Qt/plugins/platforms/libqvkkhrdisplay\.so$"),
    # Image formats the window never opens (PNG, JPEG, SVG, ICO, GIF stay).
    re.compile(r"^PySide6/Qt/plugins/imageformats/libq(tiff|webp|icns|tga|wbmp)\.so$"),
    # libcups comes from the system (the .deb depends on libcups2) with its matching configuration;
    # bundled it drags GnuTLS, Kerberos and Avahi along. Without it Qt lists no printers, nothing fails.
    re.compile(r"^libcups\.so"),
    # The desktop session's own libraries: X11 and xcb, xkbcommon, fontconfig and FreeType, GLib and
    # D-Bus, and Kerberos' GSSAPI (QtNetwork links it). Every desktop that can show the window has
    # them, the .deb depends on their packages (packaging/deb.sh), and they are what a pip-installed
    # PySide6 runs on. From the system they match its X server, font configuration and D-Bus daemon;
    # bundled, they drag systemd, libgcrypt, pcre2, libmount and others along (the pruning below).
    re.compile(r"^lib(X11|X11-xcb|xcb(-[a-z-]+)?|xkbcommon(-x11)?|fontconfig|freetype"
               r"|(glib|gobject|gio|gmodule|gthread)-2\.0|dbus-1|gssapi_krb5)\.so(\.[0-9.]+)?$"),
]


def _dest(entry: tuple[str, str, str]) -> str:
    return entry[0].replace("\\", "/")


def keep_locale_file(dest: str) -> bool:
    path = PurePosixPath(dest)
    if path.parent.as_posix() != "babel/locale-data":
        return True
    return path.stem.split("_")[0] in KEEP_LANGUAGES


def keep_datas(datas: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [d for d in datas
            if keep_locale_file(_dest(d)) and not any(rx.search(_dest(d)) for rx in _DROP_DATA)]


def _needed(path: str) -> set[str]:
    """The DT_NEEDED sonames of one ELF file (objdump, part of binutils like PyInstaller's strip)."""
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=False).stdout
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")}


def keep_binaries(binaries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop the rules above, then the shared libraries in the bundle's top folder that nothing kept
    still needs (PyInstaller collected them for the plugins dropped). Extension modules, Qt
    libraries and plugins are the roots; top-level libraries stay if a root needs them, directly or
    through another kept library."""
    kept = [b for b in binaries if not any(rx.search(_dest(b)) for rx in _DROP_BINARY)]
    top = {_dest(b): b for b in kept if re.fullmatch(r"lib[^/]*\.so(\.[0-9.]+)?", _dest(b)) and b[2] != "EXTENSION"}
    roots = [b for b in kept if _dest(b) not in top or _dest(b).startswith("libpython")]
    reached: set[str] = set()
    todo = [b[1] for b in roots]
    while todo:
        for name in _needed(todo.pop()):
            if name in top and name not in reached:
                reached.add(name)
                todo.append(top[name][1])
    return [b for b in kept if _dest(b) not in top or _dest(b) in reached or _dest(b).startswith("libpython")]


def _icu_trim() -> ModuleType:
    """packaging/icu_trim.py, loaded from beside this file (the spec loads this module by path)."""
    import importlib.util
    import sys

    if "icu_trim" not in sys.modules:
        spec = importlib.util.spec_from_file_location("icu_trim", Path(__file__).parent / "icu_trim.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["icu_trim"] = module
        spec.loader.exec_module(module)
    return sys.modules["icu_trim"]


def with_trimmed_icu_data(binaries: Iterable[tuple[str, str, str]], workdir: str) -> list[tuple[str, str, str]]:
    """Qt's ICU data library replaced by the copy packaging/icu_trim.py writes into ``workdir``: the
    collation, case, calendar and time-zone data of KEEP_LANGUAGES and the single-byte code pages,
    7 of the 32 MB (the module says what goes and why). Other platforms' bundles are left as built."""
    out = []
    for dest, src, kind in binaries:
        name = _dest((dest, src, kind))
        if kind == "BINARY" and re.fullmatch(r"(.*/)?libicudata\.so\.[0-9]+", name):
            target = PurePosixPath(workdir) / "icu" / PurePosixPath(name).name
            _icu_trim().trim_library(Path(src), Path(target), KEEP_LANGUAGES)
            src = str(target)
        out.append((dest, src, kind))
    return out
