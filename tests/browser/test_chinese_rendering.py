"""Chinese renders with the bundled OKR Sans in Chromium, also on a machine without a CJK system
font (as this one and CI: `fc-list :lang=zh` lists nothing), where any glyph not drawn with OKR
Sans is an empty box.

The daily pages (home, My week, OKRs, a key result with its chart, Team OKRs, the account) of a
team named in Chinese with rare name characters, in both languages, on a full page load with fonts
that arrive after the first layout, as over a real network. For every text node
with Chinese in it, light DOM, SVG chart and the form controls' own shadow text alike:

1. `document.fonts.check()` with the node's computed font says its fonts are loaded;
2. Chromium's own account of the glyphs it drew (DevTools `CSS.getPlatformFontsForNode`) names
   only the bundled faces, and the slice that holds each rare character drew it;
3. each ideograph's rendered width is that of the glyph drawn in a canvas with the node's font,
   not the width of a system font's empty box;
4. drawn in a canvas with the node's font, no ideograph is the `.notdef` box or blank.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from playwright.sync_api import expect

from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.extensions import db
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from tests.fonts import FAMILY, font_for
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
RARE_NAME = "陈䶮"  # Extension A (slice S04)
RARE_TITLE = "（𬱖𬌗）"  # Extensions B-F (slice S12)
FONT_DELAY = 0.3  # seconds: the fonts arrive after the first layout, as over a network

# Runs with the text node as `this`: its computed font, check() and the widths of its ideographs.
NODE_PROBE = """function () {
  const node = this;
  const el = node.parentElement;
  const s = getComputedStyle(el);
  const font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const out = {font, weight: s.fontWeight, size: parseFloat(s.fontSize), check: document.fonts.check(font, node.data), widths: []};
  if (!el.getClientRects().length) return out;
  const ctx = (window.okrProbeCanvas ||= document.createElement("canvas")).getContext("2d");
  ctx.font = font;
  const spacing = parseFloat(s.letterSpacing) || 0;
  const ctm = el instanceof SVGGraphicsElement ? el.getScreenCTM() : null;
  const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;  // an SVG chart is drawn scaled
  out.size *= scale;
  const range = document.createRange();
  for (const m of node.data.matchAll(/\\p{Script=Han}/gu)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    if (rects.length === 1) out.widths.push([m[0], rects[0].width, (ctx.measureText(m[0]).width + spacing) * scale]);
  }
  return out;
}"""

# Draws each character and U+0378 (assigned to nothing, so every font draws its .notdef box) in
# a canvas with the given font; returns the characters drawn as that box or as nothing.
GLYPH_PROBE = """async (groups) => {
  const bad = [];
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  for (const [font, size, chars] of groups) {
    await document.fonts.load(font, chars);
    canvas.width = canvas.height = Math.ceil(size * 2);
    const draw = (ch) => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.font = font;
      ctx.textBaseline = "top";
      ctx.fillText(ch, 2, 2);
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    };
    const box = draw("\\u0378");
    for (const ch of chars) {
      const px = draw(ch);
      let same = true, ink = false;
      for (let i = 3; i < px.length; i += 4) {
        if (px[i] !== box[i]) same = false;
        if (px[i]) ink = true;
      }
      if (same || !ink) bad.push([font, ch]);
    }
  }
  return bad;
}"""

SETTLED = """async () => {
  await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  await document.fonts.ready;
}"""


@pytest.fixture
def slow_fonts(app):
    """Font files answer after FONT_DELAY, so the first layout happens before they arrive."""
    wsgi_app = app.wsgi_app

    def delayed(environ, start_response):
        if environ.get("PATH_INFO", "").endswith(".woff2"):
            time.sleep(FONT_DELAY)  # network latency on the server side, not a wait in the test
        return wsgi_app(environ, start_response)

    app.wsgi_app = delayed
    yield
    app.wsgi_app = wsgi_app


def _objective(cycle, person, title, krs):
    objective = create_objective(
        cycle, "individual", ObjectiveData(title, "", D(100), None), person, owner=person
    )
    added = [
        add_key_result(objective, KeyResultData(t, unit, "increase", D(w), D(a), D(b)), person)[0]
        for t, unit, w, a, b in krs
    ]
    submit_set(objective, person)
    return objective, added


@pytest.fixture
def team(make_person, make_department):
    """A team in Chinese: its lead 李喆 (rare 喆), 张玥 (玥) and 陈䶮 (Extension A); the lead's key
    result title has Extension B characters; check-ins for the chart. Returns that KR's id."""
    hr = make_person("林慧", email="linhui@example.com", is_admin=True)
    head = make_person(
        "王志远", email="wangzhiyuan@example.com", department=make_department("网络营销部")
    )
    group = make_department("推广组")
    lead = make_person(
        "李喆", email="lizhe@example.com", department=group, manager=head, position="推广主管"
    )
    group.head_id = lead.id
    zhang = make_person(
        "张玥", email="zhangyue@example.com", department=group, manager=lead, position="SEO专员"
    )
    chen = make_person(
        RARE_NAME, email="chen@example.com", department=group, manager=lead, position="SDR"
    )
    cycle = create_cycle("quarter", date.today(), make_current=True)
    own, (kr, _) = _objective(
        cycle,
        lead,
        "带领推广组完成流量与线索目标",
        [
            ("推广组带来的独立访客" + RARE_TITLE, "人", 60, 18000, 30000),
            ("新试用注册", "人", 40, 800, 1500),
        ],
    )
    decide_set(own, head, True, "")
    for person, title in ((zhang, "提升自然搜索流量"), (chen, "拓展销售线索")):
        objective, _ = _objective(
            cycle, person, title, [("自然搜索独立访客", "人", 100, 12000, 20000)]
        )
        decide_set(objective, lead, True, "")
    change_status(cycle, "running", hr)
    now = datetime.now(UTC)
    for hours, value, note in ((3, "21000", "按计划推进"), (1, "25560", "进度偏慢，下周加大投入")):
        record_checkin(kr, value, "on_track", note, lead, None, now=now - timedelta(hours=hours))
    db.session.commit()
    return kr.id


CONTROLS = {"BUTTON", "INPUT", "SELECT", "OPTION", "TEXTAREA"}


def text_nodes(
    node: dict, kinds: frozenset[str] = frozenset()
) -> list[tuple[dict, frozenset[str]]]:
    """Every text node under <body>, with what it sits in: "svg", "control" (a form control,
    its shadow text included: values, placeholders, the chosen option)."""
    name = node.get("nodeName", "")
    kinds = kinds | {"body"} if name == "BODY" else kinds
    kinds = kinds | {"svg"} if name == "svg" else kinds
    kinds = kinds | {"control"} if name in CONTROLS else kinds
    found = [(node, kinds)] if "body" in kinds and node.get("nodeType") == 3 else []
    for child in node.get("children", []):
        found += text_nodes(child, kinds)
    for shadow in node.get("shadowRoots", []):
        found += text_nodes(shadow, kinds | {"shadow"})
    return found


def face_of(char: str, weight: str) -> str:
    """The OKR Sans face (its own family name, as Chromium reports it) that has `char`."""
    return font_for(char, 700 if int(weight) >= 600 else 400)["family"]


def rendering_problems(page: Any) -> tuple[list[str], Counter[str]]:
    """What is wrong with the Chinese on the page as rendered; and what was checked (text nodes
    drawn, and of them in SVG and in form controls)."""
    page.evaluate(SETTLED)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    problems: list[str] = []
    groups: dict[tuple[str, float], set[str]] = {}
    seen: Counter[str] = Counter()
    for node, kinds in text_nodes(root):
        text = node["nodeValue"]
        if not CJK.search(text):
            continue
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        object_id = cdp.send("DOM.resolveNode", {"nodeId": node["nodeId"]})["object"]["objectId"]
        probe = cdp.send(
            "Runtime.callFunctionOn",
            {"objectId": object_id, "functionDeclaration": NODE_PROBE, "returnByValue": True},
        )["result"]["value"]
        groups.setdefault((probe["font"], probe["size"]), set()).update(HAN.findall(text))
        if not fonts:
            continue  # not drawn (an SVG <title>, a closed <select>'s options): check 4 only
        seen.update({"drawn"} | kinds - {"body"})
        where = f"{text.strip()[:40]!r}"
        if not probe["check"]:
            problems.append(f"{where}: document.fonts.check({probe['font'][:60]!r}…) is false")
        system = sorted({font["familyName"] for font in fonts if not font["isCustomFont"]})
        if system:
            problems.append(f"{where}: drawn with system fonts {system}")
        drawn = Counter()
        for font in fonts:
            drawn[font["familyName"]] += font["glyphCount"]
        expected = Counter(face_of(char, probe["weight"]) for char in HAN.findall(text))
        for family, count in expected.items():
            if family != FAMILY and drawn[family] != count:
                problems.append(f"{where}: {family} drew {drawn[family]} of {count} glyphs")
        for char, rendered, glyph in probe["widths"]:
            if abs(rendered - glyph) > max(1.0, 0.15 * probe["size"]):
                problems.append(
                    f"{where}: {char} is {rendered:.1f}px wide, its glyph {glyph:.1f}px"
                )
    cdp.detach()
    glyph_groups = [
        [font, size, "".join(sorted(chars))] for (font, size), chars in groups.items() if chars
    ]
    for font, char in page.evaluate(GLYPH_PROBE, glyph_groups):
        problems.append(f"{char} is drawn as an empty box or nothing with {font[:60]!r}…")
    return problems, seen


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_daily_pages_render_every_chinese_character_with_the_bundled_fonts(
    browser, live_server, slow_fonts, team, locale, tmp_path
):
    context = browser.new_context(
        base_url=live_server, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill("lizhe@example.com")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("a.who")).to_have_text("李喆")

    kr_page = f"/okrs/key-results/{team}"
    # What each page must have shown in Chinese, besides text: chart labels (the unit 人) and form
    # controls' own text (a chosen option, a placeholder), which the page's font does not reach
    # by inheritance alone.
    required = {kr_page: {"svg": 2}, "/week/": {"shadow": 2 if locale == "zh-CN" else 0}}
    failures: dict[str, list[str]] = {}
    for path in ["/", "/week/", "/okrs/", kr_page, "/team/", "/account"]:
        page.goto(path)
        problems, seen = rendering_problems(page)
        page.screenshot(path=tmp_path / f"{locale}{path.replace('/', '_')}.png", full_page=True)
        assert seen["drawn"] >= 3, f"{path}: no Chinese found to check"
        for kind, count in required.get(path, {}).items():
            assert seen[kind] >= count, f"{path}: Chinese in {kind} not found ({seen})"
        if problems:
            failures[path] = problems
    context.close()
    assert not failures, "\n".join(
        f"{path} ({len(found)} problems):\n  " + "\n  ".join(found[:15])
        for path, found in failures.items()
    )
