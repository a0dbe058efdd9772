#!/usr/bin/env python3
"""Time WeasyPrint rendering a 2-page Chinese A4 review record with the OKR Sans fonts.

    .venv/bin/python bench/fonts.py [--runs 5] [--fonts static/fonts] [--save /tmp/bench]

Cases (the same document, only the employee's and a reviewer's names change):
- common:  张伟 / 王芳: everything is in the core fonts (GB2312);
- rare:    郑堃 / 李喆: each name has a character outside GB2312, so one slice per character
  (regular and bold) is embedded as well;
Each case runs with two stylesheets: fonts.css as it is (WeasyPrint fetches, decodes and registers
all of its @font-face rules for every document, used or not), and fonts.css cut down to the rules
the document needs (the core, and the slices whose unicode-range meets the document's text), a
recipe for the PDF code. Each runs with a new FontConfiguration per document (what `HTML(...).write_pdf()` does by
default) and with one FontConfiguration shared by all documents (the fonts are then fetched,
decoded and registered once). Prints the median wall and CPU time, pages and embedded fonts.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import time
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

ROOT = Path(__file__).resolve().parent.parent

OBJECTIVES = [
    (
        "提升官网自然搜索流量与转化",
        [
            ("核心关键词进入百度前三页的数量", "40 个", "46 个", 30),
            ("官网自然搜索月均访问量", "12 万", "13.8 万", 40),
            ("落地页平均转化率", "3.5%", "3.1%", 30),
        ],
    ),
    (
        "建立稳定的内容生产与分发流程",
        [
            ("每月发布原创深度文章", "8 篇", "9 篇", 35),
            ("内容审核平均周期", "≤ 2 天", "1.6 天", 25),
            ("公众号文章平均阅读量", "5,000", "4,200", 40),
        ],
    ),
    (
        "提升客户满意度与复购",
        [
            ("季度客户满意度调查得分", "92 分", "94 分", 50),
            ("老客户复购率", "28%", "30.5%", 50),
        ],
    ),
    (
        "完善团队协作与个人成长",
        [
            ("完成数据分析课程并通过考核", "1 门", "1 门", 40),
            ("主导跨部门复盘会议", "3 次", "2 次", 30),
            ("为新同事提供入职辅导", "2 人", "3 人", 30),
        ],
    ),
]

COMMENTS = [
    "本季度整体目标完成情况良好，核心关键词排名和自然搜索流量均超过预期，"
    "说明前期的站点结构优化和内容规划取得了明显效果。转化率略低于目标，"
    "主要原因是部分落地页加载速度较慢、表单步骤偏多，已与技术部门制定改进计划。",
    "内容生产方面，原创文章数量稳定，审核周期缩短，但公众号阅读量仍有提升空间。"
    "建议下季度加强选题调研，结合用户常见问题策划系列专题，并尝试短视频等新形式。",
    "在团队协作中能够主动承担责任，积极分享经验，对新同事的辅导获得一致好评。"
    "跨部门复盘会议次数未达目标，需要提前规划时间，并在会后及时跟进改进事项的落实。",
    "希望在下一考核周期进一步提升数据分析能力，建立关键指标的周报机制，"
    "及时发现问题并提出解决方案，同时关注行业动态，持续学习新的营销方法与工具。",
]


def document(employee: str, reviewer: str) -> str:
    """A realistic review record: header, details, an OKR table, comments, signatures."""
    rows = []
    for number, (objective, key_results) in enumerate(OBJECTIVES, start=1):
        for index, (kr, target, actual, weight) in enumerate(key_results):
            head = (
                f'<td rowspan="{len(key_results)}" class="objective">O{number}：{objective}</td>'
                if index == 0
                else ""
            )
            score = min(100, 62 + (number * 7 + index * 11) % 38)
            rows.append(
                f"<tr>{head}<td>KR{index + 1}：{kr}</td><td>{weight}%</td>"
                f"<td>{target}</td><td>{actual}</td><td class=num>{score}</td></tr>"
            )
    comments = "".join(
        f"<h3>{title}</h3><p>{text}</p><p>{COMMENTS[(i + 1) % 4]}</p>"
        for i, (title, text) in enumerate(
            zip(["员工自评", "上级评语", "改进计划", "发展建议"], COMMENTS, strict=True)
        )
    )
    history = "".join(
        f"<tr><td>2024 年第 {q} 季度</td><td>{g}</td><td class=num>{s}</td><td>{reviewer}</td></tr>"
        for q, g, s in [(1, "良好", 82), (2, "优秀", 91), (3, "合格", 74), (4, "良好", 85)]
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>绩效考核记录 {employee}</title>
<style>
  @page {{ size: A4; margin: 18mm 16mm; @bottom-center {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 8pt; }} }}
  html {{ font-family: var(--okr-sans); font-size: 10pt; line-height: 1.6; }}
  h1 {{ font-size: 18pt; text-align: center; margin: 0 0 4mm; }}
  h2 {{ font-size: 12pt; border-bottom: 1px solid #999; margin-top: 6mm; }}
  h3 {{ font-size: 10.5pt; margin: 3mm 0 1mm; }}
  table {{ width: 100%; border-collapse: collapse; }}
  td, th {{ border: 1px solid #bbb; padding: 1.5mm 2mm; vertical-align: top; }}
  th {{ background: #eee; font-weight: 700; }}
  .num {{ text-align: right; }} .objective {{ font-weight: 700; width: 28%; }}
  .grade {{ font-size: 14pt; font-weight: 700; }}
  .sign td {{ height: 16mm; border: none; }}
</style></head><body>
<h1>2025 年第三季度绩效考核记录</h1>
<table>
  <tr><th>姓名</th><td>{employee}</td><th>工号</th><td>XC-2019-0457</td></tr>
  <tr><th>部门</th><td>网络营销部 · 推广组</td><th>岗位</th><td>SEO 专员</td></tr>
  <tr><th>直属上级</th><td>{reviewer}</td><th>考核周期</th><td>2025-07-01 至 2025-09-30</td></tr>
</table>
<h2>一、目标与关键结果（OKR）</h2>
<table>
  <tr><th>目标</th><th>关键结果</th><th>权重</th><th>目标值</th><th>实际值</th><th>得分</th></tr>
  {"".join(rows)}
</table>
<p>综合得分：<span class="grade">86.5</span> 分；评级：<span class="grade">良好</span>
（优秀 ≥ 90，良好 80–89，合格 60–79，不合格 &lt; 60）。</p>
<h2>二、评价与反馈</h2>
{comments}
<h2>三、历史考核结果</h2>
<table><tr><th>周期</th><th>评级</th><th>得分</th><th>评价人</th></tr>{history}</table>
<h2>四、确认</h2>
<p>本人已阅读并知悉上述考核结果。如有异议，可在收到本记录后 5 个工作日内向人力资源部提出复核申请。</p>
<table class="sign"><tr><td>员工签字：{employee}</td><td>上级签字：{reviewer}</td><td>人力资源部：林慧</td></tr>
<tr><td>日期：2025 年 10 月 9 日</td><td>日期：2025 年 10 月 9 日</td><td>日期：2025 年 10 月 10 日</td></tr></table>
</body></html>"""


CASES = {
    "common (张伟, 王芳)": ("张伟", "王芳"),
    "rare (郑堃, 李喆)": ("郑堃", "李喆"),
}


def needed_faces(css: str, text: str, fonts: Path) -> str:
    """fonts.css with only the @font-face rules that `text` needs: the core (no unicode-range)
    and the slices whose unicode-range holds a character that the core lacks."""
    core_url = re.search(r'font-family: "OKR Sans";[^}]*?src: url\("([^"]+)"\)', css).group(1)
    core = set(TTFont(fonts / core_url).getBestCmap())
    rare = {ord(char) for char in text} - core

    def needed(rule: re.Match[str]) -> str:
        ranges = re.search(r"unicode-range:([^;]+);", rule.group(0))
        if ranges is None:
            return rule.group(0)
        for item in ranges.group(1).split(","):
            first, _, last = item.strip().removeprefix("U+").partition("-")
            if any(int(first, 16) <= cp <= int(last or first, 16) for cp in rare):
                return rule.group(0)
        return ""

    return re.sub(r"@font-face \{.*?\}\n?", needed, css, flags=re.DOTALL)


def render(html: str, css: str, fonts: Path, font_config: FontConfiguration | None) -> bytes:
    font_config = font_config or FontConfiguration()
    base = fonts.resolve().as_uri() + "/"
    stylesheet = CSS(string=css, base_url=base, font_config=font_config)
    return HTML(string=html, base_url=base).write_pdf(
        stylesheets=[stylesheet], font_config=font_config
    )


def embedded_fonts(pdf: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return len(reader.pages), sorted(names)


def measure(
    html: str, css: str, fonts: Path, runs: int, shared: bool
) -> tuple[float, float, bytes]:
    font_config = FontConfiguration() if shared else None
    pdf = render(html, css, fonts, font_config)  # warm-up (imports, caches, the shared config)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render(html, css, fonts, font_config)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fonts", type=Path, default=ROOT / "static" / "fonts")
    parser.add_argument("--save", type=Path, help="write each case's PDF into this directory")
    args = parser.parse_args()

    css = (args.fonts / "fonts.css").read_text(encoding="utf-8")
    print(
        f"{'case':<22} {'stylesheet':<14} {'FontConfiguration':<18} {'wall s':>7} {'cpu s':>7}  pages  fonts"
    )
    for case, (employee, reviewer) in CASES.items():
        html = document(employee, reviewer)
        stylesheets = {"fonts.css": css, "needed faces": needed_faces(css, html, args.fonts)}
        for sheet_name, sheet in stylesheets.items():
            for shared in (False, True):
                wall, cpu, pdf = measure(html, sheet, args.fonts, args.runs, shared)
                pages, names = embedded_fonts(pdf)
                mode = "shared" if shared else "new per document"
                print(
                    f"{case:<22} {sheet_name:<14} {mode:<18} {wall:7.2f} {cpu:7.2f}  {pages:>5}  {', '.join(names)}"
                )
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    slug = f"{case.split()[0]}-{sheet_name.split()[0].replace('.', '-')}-{'shared' if shared else 'new'}"
                    (args.save / f"{slug}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
