"""The shipped fonts read back with fontTools: their faces, character maps and the browser stack (for the font tests)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FAMILY = "OKR Sans"


def font_for(char: str, weight: int) -> dict | None:
    """The face a browser or WeasyPrint picks for `char` with font-family: var(--okr-sans)."""
    for face in sorted(faces_of(weight), key=lambda face: stack().index(face["family"])):
        covered = face["unicode_range"] if face["unicode_range"] is not None else cmap(face["url"])
        if ord(char) in covered:
            return face
    return None


@cache
def cmap(filename: str) -> frozenset[int]:
    return frozenset(font(filename).getBestCmap())


def faces_of(weight: int) -> list[dict]:
    return [face for face in faces() if face["weight"] == weight]


@cache
def stack() -> list[str]:
    css = CSS_FILE.read_text(encoding="utf-8")
    match = re.search(r"--okr-sans:\s*([^;]+);", css)
    assert match, "fonts.css defines no --okr-sans stack"
    return [name.strip().strip('"') for name in match.group(1).split(",")]


ROOT = Path(__file__).resolve().parent.parent


FONTS = ROOT / "static" / "fonts"


CSS_FILE = FONTS / "fonts.css"  # for WeasyPrint


BROWSER_CSS = FONTS / "browser.css"  # for browsers


@cache
def faces(path: Path = CSS_FILE) -> list[dict]:
    """The @font-face rules of fonts.css (or `path`): family, weight, url, unicode_range (a set
    or None), display."""
    css = path.read_text(encoding="utf-8")
    rules = []
    for body in re.findall(r"@font-face\s*\{(.*?)\}", css, re.DOTALL):
        descriptors = dict(
            (name.strip(), value.strip())
            for name, value in (item.split(":", 1) for item in body.split(";") if item.strip())
        )
        url = re.fullmatch(r'url\("([^"]+)"\) format\("woff2"\)', descriptors["src"])
        assert url, descriptors["src"]
        rules.append(
            {
                "family": descriptors["font-family"].strip('"'),
                "weight": int(descriptors["font-weight"]),
                "style": descriptors["font-style"],
                "display": descriptors.get("font-display"),
                "url": url.group(1),
                "unicode_range": parse_unicode_range(descriptors["unicode-range"])
                if "unicode-range" in descriptors
                else None,
            }
        )
    return rules


@cache
def font(filename: str) -> TTFont:
    return TTFont(FONTS / filename, lazy=True)


def parse_unicode_range(value: str) -> frozenset[int]:
    codepoints: set[int] = set()
    for item in value.split(","):
        match = re.fullmatch(r"U\+([0-9A-F]{1,6})(?:-([0-9A-F]{1,6}))?", item.strip())
        assert match, f"unexpected unicode-range item {item!r}"
        first = int(match.group(1), 16)
        last = int(match.group(2) or match.group(1), 16)
        assert first <= last
        codepoints.update(range(first, last + 1))
    return frozenset(codepoints)
