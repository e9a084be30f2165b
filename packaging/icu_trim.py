"""A smaller ICU data library for the bundle: PySide6's Qt Core links ICU, whose ``libicudata`` is one
32 MB "common data" package (ICU's ``CmnD`` format) of which a till uses a small part.

Qt 6 calls ICU for collation (QCollator), locale-aware upper/lower case (QLocale), time-zone display
names (QTimeZone) and legacy text encodings (QStringConverter); it keeps its own CLDR tables for
number and date formats and its own text boundaries. The package keeps those items for the
languages of ``bundle_trim.KEEP_LANGUAGES`` and drops:

- locale items (main locale data, collation, language, region and zone display names, break
  rules) of other languages; a shop set to one of them gets the root data, as ICU does for any
  locale it has no data for;
- the currency and unit names of every language but root (see ROOT_ONLY_TREES);
- the transliterators and the spelled-out number rules (``translit``, ``rbnf``): Qt uses neither;
- the word dictionaries for Chinese, Japanese, Thai, Khmer, Lao and Burmese line breaking;
- the multi-byte legacy converter tables (Shift-JIS, EUC, GBK, Big5, EBCDIC DBCS, ...); the
  single-byte code pages (Windows-125x, ISO-8859-x, the DOS code pages receipt printers use) stay.

Everything else stays: ``root`` and every shared ``pool.res``, converter aliases, time-zone rules and
metazones, supplemental data, likely subtags, plural rules, the UCA collation table, normalisation
and StringPrep data. The item names are ICU's own (``icudt73l/coll/de.res``), sorted by name as ICU's
binary search needs, each item 16-byte aligned like ``icupkg`` writes them.

    python packaging/icu_trim.py SRC_LIBICUDATA DEST [--list]
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

# ICU's trees of locale items; in each, an item named after a locale (``de_AT.res``) belongs to
# that language (``de``). ``root.res``, ``pool.res`` and the tree's other files are not locales.
LOCALE_TREES = frozenset({"", "brkitr", "coll", "curr", "lang", "rbnf", "region", "unit", "zone"})
_LOCALE_ITEM = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9_]*)?\.res$")
DROP_TREES = frozenset({"translit", "rbnf"})
# Currency and unit display names: ICU reads them only to format numbers (unum, MeasureFormat), which
# Qt does not call (QLocale formats from its own CLDR tables; Tilldesk formats money with babel).
ROOT_ONLY_TREES = frozenset({"curr", "unit"})
_ALIGN = 16
_PAD = b"\xaa"  # icupkg's filler between items
_SYMBOL = re.compile(rb"^icudt[0-9]+_dat$")


@dataclass(frozen=True)
class Package:
    header: bytes                   # the package's own data header (magic, UDataInfo "CmnD", copyright)
    items: list[tuple[str, bytes]]  # (name with the package prefix, item bytes), sorted by name


def read_symbol(library: Path) -> tuple[str, bytes]:
    """The name and bytes of the ``icudtNN_dat`` symbol of an ELF64 little-endian shared library."""
    elf = library.read_bytes()
    if elf[:4] != b"\x7fELF" or elf[4:6] != b"\x02\x01":
        raise ValueError(f"{library}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind not in (2, 11):  # SHT_SYMTAB, SHT_DYNSYM
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            st_name, _st_info, _other, _shndx, value, st_size = struct.unpack_from("<IBBHQQ", elf, pos)
            name = elf[strtab + st_name: elf.index(b"\0", strtab + st_name)]
            if not _SYMBOL.match(name):
                continue
            for _n, sec_kind, _f, addr, sec_offset, sec_size, *_rest in sections:
                if addr <= value < addr + sec_size and sec_kind != 8:  # not SHT_NOBITS
                    start = sec_offset + value - addr
                    return name.decode(), elf[start:start + st_size]
    raise ValueError(f"{library}: no icudt*_dat symbol (not an ICU data library)")


def parse_package(data: bytes) -> Package:
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package (no CmnD header)")
    if data[8] != 0:
        raise ValueError("a big-endian ICU package; only little-endian is handled")
    toc = header_size
    count, = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        name = data[toc + name_offset: data.index(b"\0", toc + name_offset)].decode("ascii")
        end = toc + entries[i + 1][1] if i + 1 < count else len(data)
        items.append((name, data[toc + data_offset:end]))
    return Package(data[:header_size], items)


def write_package(package: Package) -> bytes:
    """The package in ICU's layout: header, count, (name offset, data offset) pairs relative to the
    table of contents, the names, then the items, each starting on a 16-byte boundary."""
    items = sorted(package.items, key=lambda item: item[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    pos = table_size + len(names)
    pos += -(len(package.header) + pos) % _ALIGN
    entries, blobs, name_pos = [], [], table_size
    for name, blob in items:
        entries.append(struct.pack("<II", name_pos, pos))
        name_pos += len(name) + 1
        padded = blob + _PAD * (-len(blob) % _ALIGN)
        blobs.append(padded)
        pos += len(padded)
    head = package.header + struct.pack("<I", len(items)) + b"".join(entries) + names
    head += _PAD * (-len(head) % _ALIGN)
    return head + b"".join(blobs)


def converter_max_bytes(item: bytes) -> int:
    """maxBytesPerChar of a converter (.cnv) item: its UConverterStaticData follows the item's data
    header (structSize, name[60], codepage, platform, conversionType, minBytesPerChar, max...)."""
    header_size, = struct.unpack_from("<H", item, 0)
    return item[header_size + 4 + 60 + 4 + 3]


def keep_item(name: str, item: bytes, languages: AbstractSet[str]) -> bool:
    """Whether the till's ICU data keeps this item (``name`` with its package prefix)."""
    rel = name.split("/", 1)[1] if "/" in name else name
    tree, _, base = rel.rpartition("/")
    if tree in DROP_TREES:
        return False
    if tree == "brkitr" and base.endswith(".dict"):
        return False
    if tree == "" and base.endswith(".cnv"):
        return converter_max_bytes(item) == 1
    match = _LOCALE_ITEM.match(base)
    if tree in LOCALE_TREES and match:
        return tree not in ROOT_ONLY_TREES and match.group(1) in languages
    return True


def trim_package(package: Package, languages: Iterable[str]) -> Package:
    keep = frozenset(languages)
    return Package(package.header, [(n, b) for n, b in package.items if keep_item(n, b, keep)])


def _soname(library: Path) -> str:
    out = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.strip().startswith("SONAME"):
            return line.split()[1]
    raise ValueError(f"{library}: no SONAME")


def build_library(symbol: str, data: bytes, soname: str, dest: Path, cc: str = "cc") -> None:
    """A shared library with the same soname exporting ``symbol`` (read-only, 16-byte aligned) as
    ``data``: an assembly file that includes the bytes, linked without the C library."""
    if shutil.which(cc) is None:
        raise ValueError(f"no C compiler '{cc}' to link the trimmed ICU data library (install gcc)")
    with tempfile.TemporaryDirectory() as tmp:
        blob, asm = Path(tmp) / "icudata.bin", Path(tmp) / "icudata.S"
        blob.write_bytes(data)
        asm.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
            f'{symbol}:\n\t.incbin "{blob.name}"\n\t.size {symbol}, .-{symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n')
        tmp_out = Path(tmp) / soname
        subprocess.run([cc, "-shared", "-nostdlib", "-Wl,-soname," + soname, "-Wl,-z,noexecstack",
                        "-o", str(tmp_out), asm.name], cwd=tmp, check=True, capture_output=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_out, dest)


def trim_library(src: Path, dest: Path, languages: Iterable[str]) -> tuple[int, int]:
    """Writes the trimmed copy of the ICU data library ``src`` to ``dest``; returns the package's
    size before and after, in bytes."""
    try:
        symbol, data = read_symbol(src)
        out = write_package(trim_package(parse_package(data), languages))
    except (struct.error, IndexError) as exc:
        raise ValueError(f"{src}: a damaged ELF or ICU data file ({exc})") from None
    except ValueError as exc:
        raise ValueError(str(exc) if str(src) in str(exc) else f"{src}: {exc}") from None
    build_library(symbol, out, _soname(src), dest)
    return len(data), len(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--list", action="store_true", help="print the items dropped")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bundle_trim import KEEP_LANGUAGES

    try:
        if args.list:
            package = parse_package(read_symbol(args.src)[1])
            for name, blob in package.items:
                if not keep_item(name, blob, KEEP_LANGUAGES):
                    print(f"{len(blob):>9}  {name}")
        before, after = trim_library(args.src, args.dest, KEEP_LANGUAGES)
    except (OSError, ValueError) as exc:
        print(f"icu_trim: {exc}", file=sys.stderr)
        return 2
    print(f"ICU data: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB ({args.dest})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
