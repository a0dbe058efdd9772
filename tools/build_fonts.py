#!/usr/bin/env python3
"""Build "OKR Sans", the app's Chinese web font, from Debian's Noto Sans CJK SC.

    .venv/bin/python tools/build_fonts.py            # writes static/fonts/
    .venv/bin/python tools/build_fonts.py --download   # apt-get download, even if installed
    .venv/bin/python tools/build_fonts.py --source fonts-noto-cjk_1%3a20220127+repack1-1_all.deb

Source: the "Noto Sans CJK SC" faces of NotoSansCJK-{Regular,Bold}.ttc from Debian's
`fonts-noto-cjk` (SIL Open Font License 1.1). Taken from /usr/share/fonts/opentype/noto/ when the
package is installed, else from `apt-get download fonts-noto-cjk` unpacked with `dpkg-deb -x` into a
temporary directory (nothing is installed). Needs only that package and fontTools + brotli (PyPI).

Output, for weights 400 and 700:
- a "core" font, family "OKR Sans": Latin, Greek, Cyrillic, punctuation, full-width forms, all of
  GB2312 (6,763 hanzi, kana, bopomofo...) and GBK's symbols. A common document needs only this file.
  Its @font-face has no unicode-range (GB2312 is 3,678 scattered runs): it is used by its cmap;
- slices, one family each ("OKR Sans S01" ...): everything else the source covers but Hangul,
  in contiguous windows of at most --slice-size code points: the leftover symbols (radicals,
  strokes, enclosed forms), Extension A (U+3400-4DBF), CJK Unified Ideographs (U+4E00-9FEF, the
  GB2312 hanzi of each window included, so that each slice's unicode-range is one run), and the
  compatibility ideographs with Extensions B-F (U+F900-FAFF, U+20000-3134F; 通用规范汉字表 has
  some 200 hanzi there, 𬌗 𬱖 among them). A rare name character (堃 喆 玥 彧 燊) loads one slice;
- fonts.css, for WeasyPrint: one @font-face per file, each slice with its exact unicode-range (its
  cmap, as runs), and a custom property --okr-sans with the whole family stack, core first: use
  `font-family: var(--okr-sans)`;
- browser.css, for browsers: the same files as one family "OKR Sans", each slice's unicode-range
  being the characters it adds to the core, so that ranges never overlap and
  `document.fonts.check()` tells the truth; --okr-sans is `"OKR Sans", sans-serif` there.
  `--browser-css` rewrites it from the woff2 files already built, without the source.

Why one family per slice: WeasyPrint 70 (Pango 1.50) keys the fonts of a PDF by their Pango
description (family, weight, style), so two files with one family and weight are merged into one
embedded font and the second file's glyphs are drawn with the first file's outlines: wrong
characters (郑堃 printed as 郑圮) while the PDF's text layer still reads right.

Measured (bench/fonts.py): WeasyPrint fetches, decodes and registers every @font-face of the
stylesheet for every document, used or not, so what a document costs grows with the total bytes
of fonts.css's files and the number of unicode-range runs; re-subsetting a used slice is cheap
(a 21,000-glyph slice cost no more than a 3,000-glyph one). Browsers load only the slices whose
unicode-range the page's text touches, so small slices keep rare names cheap there.

Why a second stylesheet for browsers: WeasyPrint needs a family per slice (above), Chromium does
not, and both need the web font first in `font-family`: Chromium 156 lays text out with a local
font listed before the web font while the web font loads and never lays it out again, so Chinese
after `system-ui` stayed as boxes. One family with ranges that do not overlap is the usual web
font pattern: Chromium fetches the core and, for a rare character, the one slice that has it.

Deterministic: the same source files give the same bytes (the source's `head` dates are kept and
woff2/brotli is deterministic). Names are changed to "OKR Sans" as the OFL asks of modified versions;
copyright, licence and vendor names are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "static" / "fonts"
PACKAGE = "fonts-noto-cjk"
SYSTEM_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_SUBDIR = Path("usr/share/fonts/opentype/noto")
COPYRIGHT_SUBDIR = Path("usr/share/doc") / PACKAGE / "copyright"
SOURCE_FAMILY = "Noto Sans CJK SC"

FAMILY = "OKR Sans"
FILE_STEM = "okr-sans"
CSS_PROPERTY = "--okr-sans"
WEIGHTS = {400: ("Regular", "NotoSansCJK-Regular.ttc"), 700: ("Bold", "NotoSansCJK-Bold.ttc")}

# Code points per slice: a browser downloads one slice (about 0.5 MB) per weight for a rare
# character; for WeasyPrint the size hardly matters (see the docstring).
SLICE_SIZE = 3000

# The core: what nearly every page needs. GB2312 (all 7,445 characters: 6,763 hanzi, kana,
# bopomofo, Greek, Cyrillic, box drawing, ...) and GBK's other symbols come on top of these blocks.
CORE_BLOCKS = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (pinyin: ā á ǎ à ǖ)
    (0x02B0, 0x02FF),  # spacing modifier letters (ˇ ˉ ˊ ˋ ˙)
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x20A0, 0x20CF),  # currency (€)
    (0x2100, 0x218F),  # letterlike and number forms (℃ № ™ Ⅻ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x25A0, 0x25FF),  # geometric shapes (■ □ ▲ ○ ● ◆)
    (0x2605, 0x2606),  # ★ ☆
    (0x2713, 0x2714),  # ✓ ✔
    (0x3000, 0x303F),  # CJK symbols and punctuation (、 。 《 》 【 】 〇)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width and half-width forms
)
# Left out entirely: Hangul (Korean syllables and jamo), and the source's vertical/ruby forms.
HANGUL_BLOCKS = (
    (0x1100, 0x11FF),
    (0x3130, 0x318F),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
)
# Layout features kept in the core (Latin kerning and ligatures). Not `locl`: the source is a TTC
# whose faces share glyphs, and `locl` would swap in Japanese/Korean/Traditional forms for
# lang="ja"/"ko"/"zh-TW" text and drag thousands of alternates into the subset. Hanzi need none.
CORE_FEATURES = ["kern", "liga", "ccmp", "calt", "mark", "mkmk"]
DROP_TABLES = ["BASE", "VORG", "vhea", "vmtx", "DSIG"]
# Slices are cut from these groups, in this order (a group is cut into equal runs of at most
# slice_size code points). Symbols: what the core leaves out (radicals, strokes, enclosed forms...).
SLICE_GROUPS = (
    ((0x0080, 0x33FF), (0xA000, 0xF8FF), (0xFB00, 0xFFFF), (0x1F000, 0x1FFFF)),  # symbols
    ((0x3400, 0x4DBF),),  # CJK Unified Ideographs Extension A
    ((0x4E00, 0x9FFF),),  # CJK Unified Ideographs
    ((0xF900, 0xFAFF), (0x20000, 0x3FFFF)),  # compatibility ideographs, Extensions B-F
)
KEEP_NAME_IDS = {0, 5, 7, 8, 9, 10, 11, 12, 13, 14}


@dataclass(frozen=True)
class Source:
    directory: Path
    copyright_file: Path
    version: str  # Debian package version


@dataclass(frozen=True)
class Job:
    ttc: Path
    weight: int
    style: str
    family: str
    filename: str
    codepoints: tuple[int, ...]
    features: tuple[str, ...]


def run(cmd: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def find_source(explicit: Path | None, tmp: Path, download: bool = False) -> Source:
    """The unpacked fonts-noto-cjk: --source (a .deb or a directory), the installed one, or apt."""
    deb = None
    if explicit is not None and explicit.suffix == ".deb":
        deb = explicit.resolve()
    elif explicit is not None:
        directory = explicit.resolve()
        copyright_file = directory / "copyright"
        if not copyright_file.exists():
            copyright_file = Path("/") / COPYRIGHT_SUBDIR
        return Source(directory, copyright_file, "unknown (--source directory)")
    elif not download and all((SYSTEM_FONT_DIR / ttc).exists() for _, ttc in WEIGHTS.values()):
        version = run(["dpkg-query", "-W", "-f=${Version}", PACKAGE])
        return Source(SYSTEM_FONT_DIR, Path("/") / COPYRIGHT_SUBDIR, version)
    else:
        try:
            run(["apt-get", "download", PACKAGE], cwd=tmp)
        except subprocess.CalledProcessError as exc:
            sys.exit(
                f"apt-get download {PACKAGE} failed (run `apt-get update` first?):\n{exc.stderr}"
            )
        deb = next(tmp.glob(f"{PACKAGE}_*.deb"))
    unpacked = tmp / "deb"
    run(["dpkg-deb", "-x", str(deb), str(unpacked)])
    version = run(["dpkg-deb", "-f", str(deb), "Version"])
    return Source(unpacked / FONT_SUBDIR, unpacked / COPYRIGHT_SUBDIR, version)


def face_index(ttc: Path) -> int:
    """Index of the Noto Sans CJK SC face inside a TTC (not the Mono one)."""
    collection = TTCollection(str(ttc), lazy=True)
    for index, font in enumerate(collection.fonts):
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
        if family == SOURCE_FAMILY:
            return index
    raise SystemExit(f"no {SOURCE_FAMILY!r} face in {ttc}")


def in_blocks(cp: int, blocks: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in blocks)


def encodable(cp: int, codec: str) -> bool:
    try:
        chr(cp).encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def is_ideograph(cp: int) -> bool:
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
    )


def plan(cmap: set[int], slice_size: int) -> list[tuple[str, str, list[int]]]:
    """[(family, file suffix, code points)]: the core, then the slices.

    Slices are contiguous windows of the source's coverage and keep the GB2312 hanzi that fall
    inside them (the core, first in the family stack, is always chosen for those): then every
    slice's unicode-range is its cmap in a handful of runs, not thousands. WeasyPrint turns each
    run into Fontconfig XML for every document, and Chromium needs no more to pick a slice.
    """
    core = {cp for cp in cmap if in_blocks(cp, CORE_BLOCKS)}
    core |= {cp for cp in cmap if cp >= 0x80 and encodable(cp, "gb2312")}
    core |= {cp for cp in cmap if cp >= 0x80 and not is_ideograph(cp) and encodable(cp, "gbk")}
    rest = {cp for cp in cmap if cp > 0x7E and not in_blocks(cp, HANGUL_BLOCKS)}
    rest -= {cp for cp in core if not is_ideograph(cp)}
    result = [(FAMILY, "core", sorted(core))]
    for group in SLICE_GROUPS:
        members = sorted(cp for cp in rest if in_blocks(cp, group))
        count = -(-len(members) // slice_size)
        size = -(-len(members) // count)
        for i in range(count):
            number = len(result)
            result.append(
                (f"{FAMILY} S{number:02d}", f"s{number:02d}", members[i * size : (i + 1) * size])
            )
    if sorted(cp for _, _, cps in result[1:] for cp in cps) != sorted(rest):
        raise SystemExit("the slice groups do not cover every remaining character once")
    return result


def ranges(codepoints: list[int] | set[int]) -> list[tuple[int, int]]:
    """Sorted code points as maximal runs [(first, last)]."""
    runs: list[tuple[int, int]] = []
    for cp in sorted(codepoints):
        if runs and cp == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], cp)
        else:
            runs.append((cp, cp))
    return runs


def unicode_range(codepoints: list[int] | set[int]) -> str:
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges(codepoints))


def rename(font: TTFont, family: str, style: str) -> None:
    """Give the subset its own names (OFL: a modified version must not use the original's)."""
    postscript = f"{family.replace(' ', '')}-{style}"
    table = font["name"]
    source_version = table.getDebugName(5) or ""
    table.names = [rec for rec in table.names if rec.nameID in KEEP_NAME_IDS]
    for name_id, value in {
        1: family,
        2: style,
        3: f"{postscript};{source_version}",
        4: f"{family} {style}",
        6: postscript,
    }.items():
        table.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    old = cff.fontNames[0]
    cff.fontNames = [postscript]
    top = cff.topDictIndex[0]
    top.FullName = f"{family} {style}"
    top.FamilyName = family
    for fd in getattr(top, "FDArray", []):
        if hasattr(fd, "FontName"):
            fd.FontName = fd.FontName.replace(old, postscript)


def build(job: Job) -> tuple[str, bytes, list[int]]:
    font = TTFont(str(job.ttc), fontNumber=face_index(job.ttc), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = list(job.features)
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += DROP_TABLES
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=job.codepoints)
    subsetter.subset(font)
    # Glyphs shared by several characters bring those along (∋ with ∍): keep each character in
    # exactly one file, so that every unicode-range is exactly its file's cmap. No variation
    # sequences (format 14): the IVS forms are Japanese.
    wanted = set(job.codepoints)
    cmap = font["cmap"]
    cmap.tables = [table for table in cmap.tables if table.format != 14]
    for table in cmap.tables:
        table.cmap = {cp: glyph for cp, glyph in table.cmap.items() if cp in wanted}
    rename(font, job.family, job.style)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return job.filename, out.getvalue(), sorted(font.getBestCmap())


def license_text(source: Source, font_copyright: str) -> str:
    """The OFL as Debian ships it in the package's copyright file, with the font's copyright."""
    text = source.copyright_file.read_text(encoding="utf-8")
    match = re.search(r"^License: SIL-1\.1\n((?: .*\n?)+)", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"no 'License: SIL-1.1' paragraph in {source.copyright_file}")
    body = "\n".join("" if line == " ." else line[1:] for line in match.group(1).splitlines())
    return (
        "OKR Sans (static/fonts/okr-sans-*.woff2) is a subset of Noto Sans CJK SC, renamed.\n"
        f"{font_copyright}\n"
        "Noto is a trademark of Google Inc.\n"
        f"Debian package {PACKAGE}: Copyright 2010-2012, Google Corporation; License: SIL-1.1.\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below (from Debian's /usr/share/doc/fonts-noto-cjk/copyright),\n"
        "and is also available with a FAQ at https://openfontlicense.org\n\n"
        f"{body.strip()}\n"
    )


def css_text(faces: list[tuple[str, int, str, list[int]]], header: str) -> str:
    families = list(dict.fromkeys(family for family, _, _, _ in faces))
    stack = ", ".join(f'"{family}"' for family in families)
    lines = [
        header,
        ":root {",
        f"  {CSS_PROPERTY}: {stack}, sans-serif;",
        "}",
    ]
    for family, weight, filename, codepoints in faces:
        lines += [
            "",
            "@font-face {",
            f'  font-family: "{family}";',
            "  font-style: normal;",
            f"  font-weight: {weight};",
            f'  src: url("{filename}") format("woff2");',
        ]
        if family != FAMILY:  # the core, first in the stack, is needed by every page anyway
            lines.append(f"  unicode-range: {unicode_range(codepoints)};")
        lines.append("}")
    return "\n".join(lines) + "\n"


def browser_css_text(faces: list[tuple[str, int, str, list[int]]]) -> str:
    """browser.css: every file as one family; a slice's range is what it adds to the core."""
    core = {weight: set(codepoints) for family, weight, _, codepoints in faces if family == FAMILY}
    lines = [
        f"/* Generated by tools/build_fonts.py (--browser-css) from the {FILE_STEM}-*.woff2 files"
        " here: do not edit.",
        f" * {FAMILY} for browsers: one family, the core without a unicode-range (GB2312 and Latin),",
        " * each slice with the characters the core lacks, so ranges never overlap. Put it first:",
        f' * font-family: var({CSS_PROPERTY}) or "{FAMILY}", <local fonts>. fonts.css is for WeasyPrint. */',
        ":root {",
        f'  {CSS_PROPERTY}: "{FAMILY}", sans-serif;',
        "}",
    ]
    for family, weight, filename, codepoints in faces:
        lines += [
            "",
            "@font-face {",
            f'  font-family: "{FAMILY}";',
            "  font-style: normal;",
            f"  font-weight: {weight};",
            "  font-display: swap;",
            f'  src: url("{filename}") format("woff2");',
        ]
        if family != FAMILY:
            lines.append(f"  unicode-range: {unicode_range(set(codepoints) - core[weight])};")
        lines.append("}")
    return "\n".join(lines) + "\n"


def built_faces(directory: Path) -> list[tuple[str, int, str, list[int]]]:
    """(family, weight, file name, cmap) of the woff2 files already in `directory`."""
    faces = []
    for path in sorted(directory.glob(f"{FILE_STEM}-*.woff2")):
        font = TTFont(str(path), lazy=True)
        weight = int(path.stem.rsplit("-", 1)[1])
        faces.append((font["name"].getDebugName(1), weight, path.name, sorted(font.getBestCmap())))
    return sorted(faces, key=lambda face: (face[1], face[2]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="a fonts-noto-cjk .deb or a directory of TTCs")
    parser.add_argument(
        "--download", action="store_true", help="use `apt-get download` even if it is installed"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--slice-size", type=int, default=SLICE_SIZE)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--browser-css",
        action="store_true",
        help="only rewrite browser.css from the woff2 files in --out (no source needed)",
    )
    args = parser.parse_args()

    if args.browser_css:
        (args.out / "browser.css").write_text(
            browser_css_text(built_faces(args.out)), encoding="utf-8"
        )
        print(f"browser.css {(args.out / 'browser.css').stat().st_size / 1024:.1f} KiB")
        return

    with tempfile.TemporaryDirectory(prefix="okr-fonts-") as tmp:
        source = find_source(args.source, Path(tmp), args.download)
        ttcs = {weight: source.directory / ttc for weight, (_, ttc) in WEIGHTS.items()}
        regular = TTFont(str(ttcs[400]), fontNumber=face_index(ttcs[400]), lazy=True)
        cmap = set(regular.getBestCmap())
        bold_cmap = set(
            TTFont(str(ttcs[700]), fontNumber=face_index(ttcs[700]), lazy=True).getBestCmap()
        )
        if cmap != bold_cmap:
            raise SystemExit("regular and bold cover different characters")
        font_version = regular["name"].getDebugName(5)
        font_copyright = regular["name"].getDebugName(0)
        layout = plan(cmap, args.slice_size)

        jobs = [
            Job(
                ttc=ttcs[weight],
                weight=weight,
                style=style,
                family=family,
                filename=f"{FILE_STEM}-{suffix}-{weight}.woff2",
                codepoints=tuple(cps),
                features=tuple(CORE_FEATURES if suffix == "core" else ()),
            )
            for family, suffix, cps in layout
            for weight, (style, _) in WEIGHTS.items()
        ]
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = {name: (data, cps) for name, data, cps in pool.map(build, jobs)}

        digests = {ttc.name: hashlib.sha256(ttc.read_bytes()).hexdigest() for ttc in ttcs.values()}
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob(f"{FILE_STEM}-*.woff2"):
            old.unlink()
        faces = []
        for job in sorted(jobs, key=lambda j: (j.weight, j.filename)):
            data, cps = results[job.filename]
            if cps != sorted(job.codepoints):
                raise SystemExit(f"{job.filename}: cmap differs from the planned code points")
            (args.out / job.filename).write_bytes(data)
            faces.append((job.family, job.weight, job.filename, cps))
        header = (
            "/* Generated by tools/build_fonts.py: do not edit.\n"
            f" * OKR Sans = subsets of {SOURCE_FAMILY} ({font_version}) from Debian's {PACKAGE}\n"
            f" * {source.version}; SIL Open Font License 1.1, see LICENSE-OFL.txt.\n"
            + "".join(f" * {name} sha256 {digest}\n" for name, digest in digests.items())
            + f" * Use the whole stack: font-family: var({CSS_PROPERTY}); each slice is its own\n"
            " * family because WeasyPrint merges same-family faces into one PDF font. */"
        )
        (args.out / "fonts.css").write_text(css_text(faces, header), encoding="utf-8")
        (args.out / "browser.css").write_text(browser_css_text(faces), encoding="utf-8")
        (args.out / "LICENSE-OFL.txt").write_text(
            license_text(source, font_copyright), encoding="utf-8"
        )

    print(f"source: {source.directory} ({PACKAGE} {source.version}, {font_version})")
    total = 0
    for family, suffix, cps in layout:
        sizes = [(args.out / f"{FILE_STEM}-{suffix}-{w}.woff2").stat().st_size for w in WEIGHTS]
        total += sum(sizes)
        first, last = cps[0], cps[-1]
        print(
            f"{FILE_STEM}-{suffix}  {family:<12}  {len(cps):>5} chars  U+{first:04X}..U+{last:04X}"
            + (f"  {len(ranges(cps)):>4} runs  " if suffix != "core" else "  no range   ")
            + "  ".join(
                f"{w}: {size / 1024:7.1f} KiB" for w, size in zip(WEIGHTS, sizes, strict=True)
            )
        )
    css_size = (args.out / "fonts.css").stat().st_size
    browser_size = (args.out / "browser.css").stat().st_size
    print(
        f"fonts.css {css_size / 1024:.1f} KiB, browser.css {browser_size / 1024:.1f} KiB;"
        f" woff2 total {total / 1024 / 1024:.2f} MiB"
    )


if __name__ == "__main__":
    main()
