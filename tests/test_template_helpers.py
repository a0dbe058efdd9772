"""Each template filter and global is registered once: two registrations of a name silently
keep the last one (review_score was once two slightly different functions)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTERS = {
    "add_app_template_filter",
    "add_app_template_global",
    "app_template_filter",
    "app_template_global",
    "add_template_filter",
    "add_template_global",
    "template_filter",
    "template_global",
}


def _registered_names() -> Counter[str]:
    names: Counter[str] = Counter()
    for path in (ROOT / "okr").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in REGISTERS:
                continue
            name = _name_of(node)
            if name:
                names[name] += 1
    return names


def _name_of(call: ast.Call) -> str | None:
    """The registered name: the string argument, else the function's own name."""
    for arg in [*call.args, *(k.value for k in call.keywords if k.arg == "name")]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Name):
        return first.id
    if isinstance(first, ast.Attribute):
        return first.attr
    return None


def test_no_template_helper_name_is_registered_twice():
    twice = {name: n for name, n in _registered_names().items() if n > 1}
    assert not twice, twice


def test_the_reader_sees_the_registrations(app):
    names = _registered_names()
    assert {"review_score", "review_part_label", "quantity"} <= set(names)
    assert "review_score" in app.jinja_env.filters
    assert "review_part_label" in app.jinja_env.globals
