"""packaging/icu_trim.py: the smaller ICU data library the bundle carries instead of the 32 MB one in
the PySide6 wheel. Checked against the wheel's own library: the package format round-trips byte for
byte, the rules keep what they say, and Qt, run on the trimmed copy, gives the same collation,
case mapping, time-zone names and code pages for the kept languages as on the original."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.packaging_modules import ROOT, load

icu_trim = load("icu_trim")
bundle_trim = load("bundle_trim")
QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
ORIGINAL = next(QT_LIB.glob("libicudata.so.*"), None)
pytestmark = [
    pytest.mark.skipif(ORIGINAL is None, reason="this PySide6 wheel carries no ICU (not Linux)"),
    pytest.mark.skipif(sys.platform != "linux", reason="ELF shared libraries"),
]


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ORIGINAL is not None
    dest = tmp_path_factory.mktemp("icu") / ORIGINAL.name
    before, after = icu_trim.trim_library(ORIGINAL, dest, bundle_trim.KEEP_LANGUAGES)
    assert before > 30_000_000 and after < 8_000_000, (before, after)
    return dest


def _names(library: Path) -> set[str]:
    _symbol, data = icu_trim.read_symbol(library)
    return {name.split("/", 1)[1] for name, _ in icu_trim.parse_package(data).items}


def test_the_wheels_package_reads_and_writes_back_byte_for_byte() -> None:
    assert ORIGINAL is not None
    symbol, data = icu_trim.read_symbol(ORIGINAL)
    package = icu_trim.parse_package(data)
    assert symbol.startswith("icudt") and len(package.items) > 3000
    assert package.items[0][0].endswith("/af.res")
    assert icu_trim.write_package(package) == data


def _converter(max_bytes: int) -> bytes:
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + b"\0" * 28
    static = struct.pack("<I", 100) + b"x".ljust(60, b"\0") + struct.pack("<iBBBB", 5348, 0, 2, 1, max_bytes)
    return header + static


@pytest.mark.parametrize(("name", "kept"), [
    ("icudt73l/de_AT.res", True),             # main locale data of a kept language
    ("icudt73l/ja.res", False),
    ("icudt73l/root.res", True),
    ("icudt73l/pool.res", True),
    ("icudt73l/supplementalData.res", True),
    ("icudt73l/zoneinfo64.res", True),
    ("icudt73l/cnvalias.icu", True),
    ("icudt73l/coll/de.res", True),
    ("icudt73l/coll/de__PHONEBOOK.res", True),
    ("icudt73l/coll/zh.res", False),
    ("icudt73l/coll/ucadata.icu", True),
    ("icudt73l/zone/fr_CA.res", True),
    ("icudt73l/zone/ko.res", False),
    ("icudt73l/lang/pl.res", True),
    ("icudt73l/region/th.res", False),
    ("icudt73l/curr/de.res", False),          # currency names: number formatting only
    ("icudt73l/curr/root.res", True),
    ("icudt73l/unit/pool.res", True),
    ("icudt73l/unit/fr.res", False),
    ("icudt73l/translit/root.res", False),
    ("icudt73l/rbnf/en.res", False),
    ("icudt73l/brkitr/cjdict.dict", False),
    ("icudt73l/brkitr/word.brk", True),
    ("icudt73l/brkitr/en.res", True),
])
def test_rules_keep_the_kept_languages_and_the_shared_items(name: str, kept: bool) -> None:
    assert icu_trim.keep_item(name, b"", bundle_trim.KEEP_LANGUAGES) is kept


def test_single_byte_code_pages_stay_multi_byte_tables_go() -> None:
    assert icu_trim.keep_item("icudt73l/ibm-5348_P100-1997.cnv", _converter(1), {"en"})
    assert not icu_trim.keep_item("icudt73l/ibm-943_P15A-2003.cnv", _converter(2), {"en"})


def test_trimmed_library_has_the_same_soname_and_symbol(trimmed: Path) -> None:
    assert ORIGINAL is not None
    dynamic = subprocess.run(["objdump", "-p", "-T", str(trimmed)], capture_output=True, text=True, check=True).stdout
    assert f"SONAME               {ORIGINAL.name}" in dynamic
    symbol, _ = icu_trim.read_symbol(ORIGINAL)
    assert any(line.split()[-1] == symbol for line in dynamic.splitlines() if " g " in line and ".rodata" in line)
    names = _names(trimmed)
    assert {"coll/de.res", "coll/sv.res", "de_CH.res", "zone/de.res", "metaZones.res", "coll/ucadata.icu",
            "ibm-5348_P100-1997.cnv", "ibm-437_P100-1995.cnv"} <= names
    assert not {"ja.res", "coll/zh.res", "translit/root.res", "brkitr/cjdict.dict", "gb18030.cnv"} & names
    assert trimmed.stat().st_size < ORIGINAL.stat().st_size / 3


# Run in a fresh interpreter: with an argument, that ICU data library is loaded first, so Qt Core's
# ICU (which needs the soname) takes it instead of the wheel's. Prints what Qt answers through ICU.
_QT_PROBE = r"""
import ctypes, json, sys
if len(sys.argv) > 1:
    ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
from PySide6.QtCore import QCollator, QLocale, QStringEncoder, QStringConverter, QTextBoundaryFinder, QTimeZone
names = ["Zoe", "Äpfel", "Apfel", "Ärger", "Bär", "Ober", "Öl", "Zürich", "ähnlich", "Ångström", "Łódź", "Čapek",
         "Cesar", "ll", "lz", "Øre", "Aa", "Ab", "ch", "cz", "Þór"]
out = {"sort": {}, "case": {}, "zone": {}, "codec": {}}
for loc in sys.stdin.read().split():
    out["sort"][loc] = sorted(names, key=QCollator(QLocale(loc)).sortKey)
    out["zone"][loc] = QTimeZone(b"Europe/Berlin").displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(loc))
for loc in ["tr_TR", "de_DE", "lt_LT", "el_GR", "nl_NL"]:
    out["case"][loc] = [QLocale(loc).toUpper("istanbul ijssel straße άέή"), QLocale(loc).toLower("İSTANBUL ΣΑΣ")]
for enc in ["windows-1252", "IBM850", "cp437", "ISO-8859-15", "KOI8-R", "Shift_JIS"]:
    e = QStringEncoder(enc)
    out["codec"][enc] = e.name() if e.isValid() else None
finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, "Grüße aus Köln, 3,50 €.")
out["words"] = [finder.toNextBoundary() for _ in range(8)]
out["icudata"] = sorted({l.split()[-1] for l in open("/proc/self/maps") if "libicudata" in l})
print(json.dumps(out))
"""


def _probe(locales: list[str], *preload: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"} | {"QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", _QT_PROBE, *map(str, preload)], input=" ".join(locales),
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    return json.loads(run.stdout)


def test_qt_answers_the_same_on_the_trimmed_data_for_the_kept_languages(trimmed: Path) -> None:
    kept = ["de_DE", "de_AT", "sv_SE", "da_DK", "fi_FI", "nb_NO", "es_ES", "pl_PL", "cs_CZ", "lt_LT", "is_IS",
            "hr_HR", "fr_FR", "en_GB", "hu_HU", "et_EE"]
    original, small = _probe(kept + ["ja_JP"]), _probe(kept + ["ja_JP"], trimmed)
    assert small["icudata"] == [str(trimmed)] and original["icudata"] != small["icudata"]
    for loc in kept:
        assert small["sort"][loc] == original["sort"][loc], loc
        assert small["zone"][loc] == original["zone"][loc], loc
    assert small["sort"]["sv_SE"].index("Öl") > small["sort"]["sv_SE"].index("Zürich")  # Swedish, not root, order
    assert small["zone"]["de_DE"] == "Mitteleuropäische Normalzeit"
    assert small["case"] == original["case"] and small["case"]["tr_TR"][0].startswith("İSTANBUL")
    assert small["words"] == original["words"]
    for enc in ["windows-1252", "IBM850", "cp437", "ISO-8859-15", "KOI8-R"]:
        assert small["codec"][enc] == original["codec"][enc] is not None, enc
    # What was dropped falls back as ICU does for data it lacks: Japanese names in English, no Shift-JIS.
    assert small["zone"]["ja_JP"] == small["zone"]["en_GB"] != original["zone"]["ja_JP"]
    assert original["codec"]["Shift_JIS"] and small["codec"]["Shift_JIS"] is None


def test_qt_core_calls_no_icu_service_the_trim_did_not_plan_for() -> None:
    """The rules assume Qt uses ICU for collation, case mapping, calendars/time-zone names and
    converters only (not number, unit or currency formatting, transliteration or break iteration).
    A newer PySide6 that calls more fails here, not in a shop."""
    imports = subprocess.run(["objdump", "-T", str(QT_LIB / "libQt6Core.so.6")], capture_output=True, text=True,
                             check=True).stdout
    icu = {line.split()[-1].rsplit("_", 1)[0] for line in imports.splitlines()
           if "*UND*" in line and line.split()[-1].rsplit("_", 1)[-1].isdigit() and line.split()[-1][:2] in
           ("u_", "uc", "UC", "ub", "un", "ur", "ul", "ut", "us")}
    assert icu, "Qt Core no longer links ICU: the ICU trim step has nothing to do"
    allowed = ("ucol_", "ucal_", "ucnv_", "UCNV_", "u_strToUpper", "u_strToLower")
    assert {name for name in icu if not name.startswith(allowed)} == set()


def test_a_file_that_is_not_icu_data_gets_one_line_and_nothing_written(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "libicudata.so.73"
    assert ORIGINAL is not None
    not_cmnd = tmp_path / "not-cmnd.so"  # the symbol is there, its package header is not ICU's
    not_cmnd.write_bytes(ORIGINAL.read_bytes().replace(b"CmnD", b"XXXX", 1))
    for bad in (QT_LIB / "libQt6Core.so.6", ROOT / "pyproject.toml", not_cmnd):
        with pytest.raises(ValueError) as caught:
            icu_trim.trim_library(bad, dest, {"en"})
        assert str(bad) in str(caught.value) and "\n" not in str(caught.value)
        assert not dest.exists()
    run = subprocess.run([sys.executable, str(ROOT / "packaging" / "icu_trim.py"), str(ROOT / "pyproject.toml"),
                          str(dest)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "not a 64-bit" in run.stderr
    assert not dest.exists()


def test_without_a_c_compiler_the_build_says_so_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no C compiler 'no-such-cc'") as caught:
        icu_trim.build_library("icudt73_dat", b"\0" * 32, "libicudata.so.73", tmp_path / "lib.so", cc="no-such-cc")
    assert "\n" not in str(caught.value) and not (tmp_path / "lib.so").exists()
