"""Size of the PyInstaller bundle by part (not a test): where the megabytes of dist/tilldesk go.

    python benchmarks/bundle_size.py [dist/tilldesk] [--markdown] [--top 15]

Every file under the bundle folder is put in exactly one part by its path (the first rule that
matches wins), so the parts add up to the total. `--top N` also lists the N largest files, which
is where to look for the next thing to leave out."""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (part, regex on the path relative to the bundle's _internal folder, with forward slashes)
PARTS: list[tuple[str, str]] = [
    ("Qt translations", r"^PySide6/Qt/translations/"),
    ("Qt plugins", r"^PySide6/Qt/plugins/"),
    ("Qt QML/Quick", r"^PySide6/Qt/qml/|^PySide6/Qt/lib/libQt6(Qml|Quick)"),
    ("Qt WebEngine", r"^PySide6/Qt/(lib/libQt6WebEngine|resources/|libexec/)"),
    ("Qt other libs (3D, Multimedia, ...)",
     r"^PySide6/Qt/lib/libQt6(3D|Multimedia|Spatial|Pdf|Charts|DataVis|Graphs|Location|Positioning|Sensors"
     r"|SerialPort|Bluetooth|Nfc|RemoteObjects|Scxml|StateMachine|TextToSpeech|VirtualKeyboard|ShaderTools"
     r"|Designer|Help|Sql|Test|Concurrent|Network|OpenGL|Svg|Xml|Wayland|Qt?Quick)"),
    ("ICU (Qt's libicu*)", r"^PySide6/Qt/lib/libicu"),
    ("Qt core libs (Core, Gui, Widgets, XCB, DBus)", r"^PySide6/Qt/lib/"),
    ("PySide6 bindings + shiboken", r"^(PySide6|shiboken6)/"),
    ("OpenGL software rasterizer / system GL", r"(^|/)lib(GL|EGL|GLX|OpenGL|gallium|llvm|LLVM)[^/]*\.so"),
    ("Python stdlib (libpython, lib-dynload, base_library.zip)",
     r"^(base_library\.zip|python3\.[0-9]+/|lib-dynload/|libpython)"),
    ("reportlab", r"^reportlab/|^_rl_accel"),
    ("babel", r"^babel/"),
    ("Pillow (PIL)", r"^(PIL|pillow\.libs)/"),
    ("cryptography", r"^(cryptography|cryptography\.libs|_cffi_backend)"),
    ("pycountry", r"^pycountry/"),
    ("phonenumbers", r"^phonenumbers/"),
    ("SQLAlchemy", r"^sqlalchemy/"),
    ("pydantic", r"^pydantic"),
    ("PyYAML (python-escpos)", r"^(yaml|_yaml)/"),
    ("mypy, stray (pydantic's plugin)", r"^(mypy|librt|ast_serialize|mypyc)"),
    ("Tilldesk resources and migrations", r"^(resources|app)/"),
    ("other shared libraries (ssl, sqlite, X11, glib, ...)", r"\.so(\.[0-9.]+)?$"),
    ("other", r""),
]
_COMPILED = [(name, re.compile(rx)) for name, rx in PARTS]


def part_of(rel: str) -> str:
    for name, rx in _COMPILED:
        if rx.search(rel):
            return name
    return "other"


def sizes(bundle: Path) -> tuple[dict[str, int], list[tuple[int, str]]]:
    internal = bundle / "_internal"
    base = internal if internal.is_dir() else bundle
    by_part: dict[str, int] = defaultdict(int)
    files: list[tuple[int, str]] = []
    for p in bundle.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        size = p.stat().st_size
        if p.parent == bundle:  # the executable itself carries the PYZ of all pure Python code
            part = "executable + Python code (PYZ)" if p.name == "tilldesk" or p.suffix == ".exe" else "other"
        else:
            part = part_of(p.relative_to(base).as_posix())
        by_part[part] += size
        files.append((size, p.relative_to(bundle).as_posix()))
    files.sort(reverse=True)
    return dict(by_part), files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", nargs="?", default=str(ROOT / "dist" / "tilldesk"))
    ap.add_argument("--before", help="an earlier bundle folder: print both, part by part")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--top", type=int, default=0, help="also list the N largest files")
    args = ap.parse_args()
    folders = [Path(args.before)] if args.before else []
    folders.append(Path(args.bundle))
    for folder in folders:
        if not folder.is_dir():
            print(f"bundle: no folder at {folder} (build it with `bash packaging/build.sh`)", file=sys.stderr)
            return 2
    measured = [sizes(folder) for folder in folders]
    columns = [m[0] for m in measured]
    names = sorted({n for c in columns for n in c}, key=lambda n: -columns[0].get(n, 0))
    heads = ["before MB", "after MB"] if args.before else ["MB"]
    if args.markdown:
        print("| part | " + " | ".join(heads) + " |\n|---|" + "---:|" * len(heads))
    for name in names + ["total"]:
        cells = [(sum(c.values()) if name == "total" else c.get(name, 0)) / 1e6 for c in columns]
        if args.markdown:
            label = "**total**" if name == "total" else name
            print(f"| {label} | " + " | ".join(f"{v:.1f}" for v in cells) + " |")
        else:
            print(f"{name:58s}" + "".join(f"{v:9.1f} MB" for v in cells))
    if args.top:
        print()
        for size, rel in measured[-1][1][:args.top]:
            print(f"{size / 1e6:8.1f} MB  {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
