"""Entry names for record ZIPs that every unzip tool on every system extracts as one plain file.

A person's name is data, not a path: ``../../evil`` or ``销售/华东`` must not climb out of the
folder or make sub-folders, and Windows refuses far more than Unix does. A safe name has no path
separators, ``..``, drive letters, control or invisible format characters, none of
``<>:"/\\|?*``, no leading or trailing dots or spaces, no reserved device name (CON, PRN, AUX, NUL,
COM1-9, LPT1-9, also with an extension), at most MAX_STEM_BYTES of UTF-8 before the suffix, and
no other entry of the ZIP with the same name ignoring case (Windows and macOS fold case).
Chinese and other letters stay as they are; ``zipfile`` marks such names as UTF-8.
"""

from __future__ import annotations

import re
import unicodedata

FORBIDDEN = frozenset('<>:"/\\|?*')
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]}
)
MAX_STEM_BYTES = 150  # of the 255 a file name may have, leaving room for suffix and " (n)"
FALLBACK = "record"
_TRIM = " ._-"


def _clean_char(char: str) -> str:
    category = unicodedata.category(char)
    if char in FORBIDDEN or category[0] == "C" or category in ("Zl", "Zp"):
        return "_"  # control, format (bidi overrides, zero-width), unassigned, private, surrogate
    if category == "Zs":
        return " "  # no-break and ideographic spaces as a plain space
    return char


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")  # never half a character


def safe_stem(text: str, limit: int = MAX_STEM_BYTES) -> str:
    """A name part that is safe everywhere (not yet checked for device names or duplicates)."""
    cleaned = "".join(_clean_char(c) for c in unicodedata.normalize("NFC", text))
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"_{2,}", "_", cleaned)
    cleaned = re.sub(r" {2,}", " ", cleaned).strip(_TRIM)
    return _truncate_utf8(cleaned, limit).strip(_TRIM)


def _not_a_device(name: str) -> str:
    # Windows reserves the device names whatever follows the first dot ("NUL.tar.gz"), and
    # ignores spaces before that dot.
    if name.split(".", 1)[0].rstrip(" ").upper() in RESERVED:
        return "_" + name
    return name


class EntryNames:
    """Hands out entry names for one ZIP: safe, and unique ignoring case and Unicode form."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, stem: str, suffix: str) -> str:
        """A safe, unused name for `stem` + `suffix` (e.g. "-12.pdf"); " (2)" etc. on collision."""
        base = safe_stem(stem) or FALLBACK
        safe_suffix = "".join(_clean_char(c) for c in suffix)
        name, n = _not_a_device(base + safe_suffix), 1
        while name.casefold() in self._taken:
            n += 1
            name = _not_a_device(f"{base} ({n}){safe_suffix}")
        self._taken.add(name.casefold())
        return name
