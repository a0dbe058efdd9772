"""The bundled Chinese font "OKR Sans" (static/fonts/, built by tools/build_fonts.py).

Pure tests: no app, no database. Coverage is checked on the fonts' character maps, never on text
extracted from a PDF (a missing glyph prints blank, yet pdftotext still "finds" the character).
"""

from __future__ import annotations

import io
import re

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from tests.fonts import (
    BROWSER_CSS,
    CSS_FILE,
    FAMILY,
    FONTS,
    ROOT,
    cmap,
    faces,
    faces_of,
    font,
    font_for,
    stack,
)

WEIGHTS = (400, 700)

# Budgets (bytes): what the build gives today plus a margin; a larger font is a conscious change.
TOTAL_BUDGET = 14 * 1024 * 1024  # every woff2, both weights
CORE_BUDGET = 1_250_000  # the core, per weight: what every page loads
SLICE_BUDGET = 650_000  # any one slice: what a rare character costs a browser
CSS_BUDGET = 48 * 1024
BROWSER_CSS_BUDGET = 128 * 1024  # the slices' ranges leave out GB2312's 3,600 scattered runs

NAMES = "堃喆玥彧燊"  # outside GB2312, common in names
MORE_NAME_CHARACTERS = "赟祎珺瑄璟昇犇䶮〇𬌗𬱖𠇔"  # more of them, Extension A and B-F included
PUNCTUATION = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～￥％＋－×÷＝＜＞＠＃＆＊／＼｜"
FULL_WIDTH = "".join(chr(cp) for cp in range(0xFF01, 0xFF5F))  # ！ to ～: ０-９ Ａ-Ｚ ａ-ｚ
ASCII = "".join(chr(cp) for cp in range(0x20, 0x7F))
LATIN_EXTRA = "°±×÷€℃№™①②③⑩ⅠⅡⅢāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
REVIEW_TEXT = "优秀良好合格不合格绩效考核目标关键结果自评上级评语得分权重"


def gb2312_hanzi() -> str:
    """GB2312 levels 1 and 2: rows 16-87 (bytes 0xB0-0xF7), 6,763 hanzi."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def gbk_hanzi() -> str:
    """Every character of U+4E00-9FFF that GBK encodes (20,902)."""
    chars = []
    for cp in range(0x4E00, 0xA000):
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        chars.append(chr(cp))
    return "".join(chars)


# --- fonts.css ------------------------------------------------------------------------------


def core(weight: int) -> dict:
    (face,) = [face for face in faces_of(weight) if face["family"] == FAMILY]
    return face


def test_every_url_exists_and_is_local() -> None:
    assert faces(), "fonts.css has no @font-face rule"
    for face in faces():
        assert re.fullmatch(r"[a-z0-9-]+\.woff2", face["url"]), face["url"]
        assert (FONTS / face["url"]).is_file(), face["url"]
    woff2_files = {path.name for path in FONTS.glob("*.woff2")}
    assert woff2_files == {face["url"] for face in faces()}, "stray or missing font files"


def test_families_weights_and_stack() -> None:
    """Two weights of everything; one family per file pair (WeasyPrint 70 merges same-family
    faces of one weight into one PDF font and draws wrong glyphs); the stack lists them all."""
    families = {face["family"] for face in faces()}
    assert stack()[0] == FAMILY and stack()[-1] == "sans-serif"
    assert set(stack()[:-1]) == families and len(stack()) == len(families) + 1
    for family in families:
        assert sorted(face["weight"] for face in faces() if face["family"] == family) == [400, 700]
    assert all(face["style"] == "normal" for face in faces())
    assert len({face["url"] for face in faces()}) == len(faces())


def test_unicode_range_is_exactly_the_cmap() -> None:
    """WeasyPrint takes unicode-range as the font's coverage and Chromium loads a slice by it:
    a range that claims a character its font lacks prints a blank."""
    for face in faces():
        if face["family"] == FAMILY:
            assert face["unicode_range"] is None, "the core is used by its real cmap"
            continue
        assert face["unicode_range"] == cmap(face["url"]), face["url"]


def test_slices_do_not_overlap_and_both_weights_cover_the_same() -> None:
    for weight in WEIGHTS:
        seen: set[int] = set()
        for face in faces_of(weight):
            if face["family"] != FAMILY:
                assert not seen & face["unicode_range"], face["url"]
                seen |= face["unicode_range"]
    regular = {face["family"]: cmap(face["url"]) for face in faces_of(400)}
    bold = {face["family"]: cmap(face["url"]) for face in faces_of(700)}
    assert regular == bold


@pytest.mark.parametrize("weight", WEIGHTS)
def test_common_text_needs_only_the_core(weight: int) -> None:
    """GB2312, punctuation, full-width forms and Latin: the core alone renders them."""
    core_cmap = cmap(core(weight)["url"])
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    text = hanzi + PUNCTUATION + FULL_WIDTH + ASCII + LATIN_EXTRA + REVIEW_TEXT
    missing = sorted({char for char in text if ord(char) not in core_cmap})
    assert not missing, missing


@pytest.mark.parametrize("weight", WEIGHTS)
def test_every_name_character_has_a_glyph(weight: int) -> None:
    """GBK's 20,902 hanzi and the rare name characters: each resolves to a face whose cmap has it."""
    assert not any(char.encode("gb2312", errors="ignore") for char in NAMES)
    hanzi = gbk_hanzi()
    assert len(hanzi) == 20902
    text = gb2312_hanzi() + hanzi + NAMES + MORE_NAME_CHARACTERS + PUNCTUATION + FULL_WIDTH + ASCII
    missing = []
    for char in sorted(set(text)):
        face = font_for(char, weight)
        if face is None or ord(char) not in cmap(face["url"]):
            missing.append(char)
    assert not missing, f"{len(missing)} characters without a glyph: {''.join(missing[:50])}"
    for char in NAMES:
        assert font_for(char, weight)["family"] != FAMILY, "rare characters come from a slice"


def test_font_names_and_licence() -> None:
    """OFL: a modified version is renamed and keeps the copyright and licence notices."""
    for face in faces():
        names = font(face["url"])["name"]
        assert names.getDebugName(1) == face["family"]
        assert names.getDebugName(2) == ("Regular" if face["weight"] == 400 else "Bold")
        assert "Noto" not in (names.getDebugName(4) or "") + (names.getDebugName(6) or "")
        assert "Adobe" in names.getDebugName(0)
        assert "Open Font License" in names.getDebugName(13)
    licence = (FONTS / "LICENSE-OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    assert "SIL Open Font License" in readme and "LICENSE-OFL.txt" in readme


def test_sizes_stay_within_budget() -> None:
    sizes = {face["url"]: (FONTS / face["url"]).stat().st_size for face in faces()}
    assert sum(sizes.values()) < TOTAL_BUDGET, sum(sizes.values())
    for face in faces():
        budget = CORE_BUDGET if face["family"] == FAMILY else SLICE_BUDGET
        assert sizes[face["url"]] < budget, (face["url"], sizes[face["url"]])
    assert CSS_FILE.stat().st_size < CSS_BUDGET


# --- browser.css ----------------------------------------------------------------------------


def test_browser_css_is_one_family_whose_ranges_never_overlap() -> None:
    """Browsers get every file once, as one family: the core used by its cmap, each slice with
    exactly the characters it adds to the core. No range claims a character another face draws,
    so Chromium fetches only the faces a page's text needs and `document.fonts.check()` is true
    once they are loaded (with fonts.css's overlapping ranges it stayed false)."""
    browser = faces(BROWSER_CSS)
    assert sorted(face["url"] for face in browser) == sorted(face["url"] for face in faces())
    assert {face["family"] for face in browser} == {FAMILY}
    assert {face["display"] for face in browser} == {"swap"}
    for weight in WEIGHTS:
        own = [face for face in browser if face["weight"] == weight]
        (core_face,) = [face for face in own if face["unicode_range"] is None]
        assert core_face["url"] == core(weight)["url"]
        claimed = set(cmap(core_face["url"]))
        for face in own:
            if face is core_face:
                continue
            assert face["unicode_range"] == cmap(face["url"]) - cmap(core_face["url"]), face["url"]
            assert face["unicode_range"], face["url"]
            assert not claimed & face["unicode_range"], face["url"]
            claimed |= face["unicode_range"]
        everything = set().union(*(cmap(face["url"]) for face in faces_of(weight)))
        assert claimed == everything
    css = BROWSER_CSS.read_text(encoding="utf-8")
    assert re.search(r'--okr-sans:\s*"OKR Sans", sans-serif;', css)
    assert BROWSER_CSS.stat().st_size < BROWSER_CSS_BUDGET


def test_pages_put_okr_sans_first() -> None:
    """Chromium lays text out with a local font listed before a web font that is still loading
    and never lays it out again: every browser font stack starts with a bundled face."""
    app_css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    stacks = dict(re.findall(r"(--font(?:-mono)?):\s*([^;]+);", app_css))
    assert stacks["--font"].startswith('"OKR Sans",'), stacks
    assert stacks["--font-mono"].startswith('"OKR Mono", "OKR Sans",'), stacks
    assert re.search(r'font-family: "OKR Mono";\s*src: local\(', app_css), "OKR Mono is local only"
    declarations = re.findall(r"font-family:\s*([^;}]+)", app_css)
    for value in declarations:
        assert value.strip().startswith(("var(--font", '"OKR ', "inherit")), value
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "fonts/browser.css" in base and "fonts/fonts.css" not in base


# --- WeasyPrint -----------------------------------------------------------------------------

BASE = "https://okr-fonts.invalid/static/fonts/"
PDF_NAMES = ["张玥", "郑堃", "李喆", "刘彧", "孙燊"]
PDF_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<style>html { font-family: var(--okr-sans); font-size: 11pt; } th { font-weight: 700; }</style>
</head><body>
<h1>绩效考核结果（2025 年第三季度）</h1>
<table>
<tr><th>姓名</th><th>评级</th><th>得分</th></tr>
<tr><td>张玥</td><td>优秀</td><td>95.5</td></tr>
<tr><td>郑堃</td><td>良好</td><td>86</td></tr>
<tr><td>李喆</td><td>合格</td><td>72.25</td></tr>
<tr><td>刘彧</td><td>不合格</td><td>58</td></tr>
<tr><td><b>孙燊</b></td><td>良好</td><td>1,234.50</td></tr>
</table>
<p>共 5 人：优秀 1，良好 2，合格 1，不合格 1。OKR 完成率 87%。</p>
</body></html>"""


def render_pdf() -> tuple[bytes, list[str]]:
    """Render PDF_HTML with fonts.css; the fetcher serves static/fonts/ only."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    refused: list[str] = []

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            path = (FONTS / url.removeprefix(BASE)).resolve()
            if not url.startswith(BASE) or path.parent != FONTS.resolve() or not path.is_file():
                refused.append(url)
                raise ValueError(f"refused: {url}")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/woff2"})

    fetcher = FontsOnly()
    font_config = FontConfiguration()
    css = CSS(
        string=CSS_FILE.read_text(encoding="utf-8"),
        base_url=BASE + "fonts.css",
        url_fetcher=fetcher,
        font_config=font_config,
    )
    html = HTML(string=PDF_HTML, base_url=BASE, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[css], font_config=font_config), refused


def embedded_glyphs(pdf: bytes) -> dict[str, list[tuple[str, TTFont, int]]]:
    """For each character: the (PDF font name, embedded font program, glyph id) that draw it."""
    from pypdf import PdfReader

    drawn: dict[str, list[tuple[str, TTFont, int]]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            pdf_font = ref.get_object()
            name = str(pdf_font["/BaseFont"]).lstrip("/").split("+", 1)[1]
            descriptor = pdf_font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get_object()["/FontFile3"].get_object().get_data()
            embedded = TTFont(io.BytesIO(program))
            to_unicode = pdf_font["/ToUnicode"].get_object().get_data().decode("ascii")
            for gid, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", to_unicode):
                char = bytes.fromhex(text).decode("utf-16-be")
                drawn.setdefault(char, []).append((name, embedded, int(gid, 16)))
    return drawn


def bounds(ttfont: TTFont, glyph_name: str) -> tuple | None:
    pen = BoundsPen(ttfont.getGlyphSet())
    ttfont.getGlyphSet()[glyph_name].draw(pen)
    return pen.bounds


def test_weasyprint_embeds_okr_sans_with_a_glyph_for_every_character() -> None:
    """The names, grades and numbers come out in OKR Sans, each character with its own glyph
    (the outline of the glyph its face maps it to), from static/fonts/ alone."""
    from pypdf import PdfReader

    pdf, refused = render_pdf()
    assert not refused, refused
    drawn = embedded_glyphs(pdf)
    text = re.sub(r"<[^>]+>|\s", "", PDF_HTML.split("<body>")[1])
    assert set(text) <= set(drawn), sorted(set(text) - set(drawn))

    pdf_names = {name for uses in drawn.values() for name, _, _ in uses}
    assert all(name.startswith("OKR-Sans") for name in pdf_names), pdf_names
    assert {"OKR-Sans", "OKR-Sans-Bold"} <= pdf_names
    assert len(pdf_names) > 2, "the rare name characters come from slices"

    for char in sorted(set(text)):
        for pdf_name, embedded, gid in drawn[char]:
            weight = 700 if pdf_name.endswith("-Bold") else 400
            family = pdf_name.removesuffix("-Bold").replace("-", " ")
            assert font_for(char, weight)["family"] == family, (char, pdf_name)
            source = font(font_for(char, weight)["url"])
            expected = source.getBestCmap()[ord(char)]
            assert source.getGlyphOrder().index(expected) == gid, (char, pdf_name, gid)
            assert gid < len(embedded.getGlyphOrder()), (char, pdf_name, "no such glyph")
            got = bounds(embedded, embedded.getGlyphOrder()[gid])
            assert got == bounds(source, expected), (char, pdf_name, "another outline")
            assert char == " " or got is not None, (char, "blank glyph")

    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for name in [*PDF_NAMES, "优秀", "良好", "不合格", "1,234.50"]:
        assert name in extracted
