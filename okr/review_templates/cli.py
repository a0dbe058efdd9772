"""`flask review ...`: try a scheme on sample numbers, load the built-in templates."""

from __future__ import annotations

import json
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from okr.domain.composite import CompositeResult
from okr.domain.numbers import fmt
from okr.explain import derivation_rule, describe
from okr.labels import pct
from okr.review_templates.services import load_builtin_templates
from okr.review_templates.simulator import InputsInvalid, derivation, read_inputs, shown
from okr.review_templates.simulator import simulate as run_simulation
from okr.reviews.scoring import Breakdown
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, read_json, validate
from okr.schemes.format import TemplateSpec
from okr.unit_of_work import unit_of_work


@click.group("review")
def review() -> None:
    """Review templates: simulate a scheme, load the built-in ones."""


def _spec(source: str) -> TemplateSpec:
    path = Path(source)
    if not path.exists() and source in BUILT_IN:
        return validate(json.loads(json.dumps(BUILT_IN[source])))[1]
    try:
        return validate(read_json(path.read_bytes()))[1]
    except OSError as exc:
        raise click.ClickException(f"{source}: {exc.strerror}") from exc
    except TemplateInvalid as exc:
        raise click.ClickException(_problems(source, exc.problems)) from exc


def _problems(source: str, problems: list[tuple[str, str]]) -> str:
    return "\n".join([f"{source}:", *(f"  {place}: {message}" for place, message in problems)])


def _inputs(spec: TemplateSpec, source: str) -> Any:
    try:
        data = json.loads(Path(source).read_bytes(), parse_float=Decimal)
    except OSError as exc:
        raise click.ClickException(f"{source}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{source}: {exc}") from exc
    try:
        return read_inputs(spec, data)
    except InputsInvalid as exc:
        raise click.ClickException(_problems(source, exc.problems)) from exc


def _fact(label: str, value: str) -> str:
    return _("%(label)s: %(value)s", label=label, value=value)


def report(spec: TemplateSpec, breakdown: Breakdown) -> list[str]:
    """The breakdown as text: parts, weighted sum, adjustments, composite, grade, derivation."""
    scale = _("%(points)s points", points=fmt(spec.domain.total_scale))
    lines = [" · ".join((spec.name, scale)), "", *_parts_table(spec, breakdown)]
    if breakdown.result is not None:
        lines += ["", *_result_lines(breakdown.result)]
    if spec.domain.outcomes:
        glossary = spec.glossary()
        found = [describe(o.step.code, o.step.params, glossary) for o in breakdown.outcomes] or [
            _("none")
        ]
        lines += [_fact(_("Rewards and penalties"), "; ".join(found))]
    lines += ["", _fact(_("Derivation"), "")]
    lines += [f"  {n}. {line}" for n, line in enumerate(derivation(spec, breakdown), start=1)]
    lines += [
        "",
        _(
            "Numbers are exact; points are shown rounded half up to 2 decimals and percentages to 1 decimal."
        ),
        derivation_rule(),
    ]
    return lines


def _parts_table(spec: TemplateSpec, breakdown: Breakdown) -> list[str]:
    """One row per part: its weight (or max points), the fraction reached and its points."""
    result = breakdown.result
    head = (_("Part"), _("Weight"), _("Fraction"), _("Points"))
    lines = ["  {:<24} {:>6}  {:>8}  {:>8}".format(*head)]
    for part in breakdown.parts.values():
        points = result.part_points.get(part.part) if result else None
        lines.append(
            "  {:<24} {:>6}  {:>8}  {:>8}".format(
                spec.part_label(part.part),
                fmt(part.weight) + ("" if spec.domain.points else "%"),
                pct(part.fraction),
                shown(points),
            )
        )
    return lines


def _result_lines(result: CompositeResult) -> list[str]:
    """The weighted sum, bonuses and deductions (with their caps), composite, grade and plan."""
    adjusted = result.adjustments
    plan = _("Needed") if result.needs_improvement_plan else _("Not needed")
    return [
        _fact(_("Weighted sum"), shown(result.weighted_sum)),
        _(
            "Bonuses: +%(value)s (before the cap: %(raw)s)",
            value=shown(adjusted.bonus),
            raw=shown(adjusted.bonus_raw),
        ),
        _(
            "Deductions: −%(value)s (before the cap: %(raw)s)",
            value=shown(adjusted.deduction),
            raw=shown(adjusted.deduction_raw),
        ),
        _fact(_("Composite"), shown(result.composite)),
        _fact(_("Grade"), result.grade or "—"),
        _fact(_("Improvement plan"), plan),
    ]


@review.command("simulate")
@click.argument("template")
@click.argument("inputs", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the breakdown as JSON instead.")
def simulate(template: str, inputs: str, lang: str | None, as_json: bool) -> None:
    """Score sample INPUTS (JSON) with TEMPLATE (a template JSON file or a built-in family).

    Nothing is read from or written to the database. See docs/review-templates.md.
    """
    with force_locale(lang) if lang else nullcontext():
        spec = _spec(template)
        breakdown = run_simulation(spec, _inputs(spec, inputs))
        if as_json:
            click.echo(json.dumps(breakdown.to_data(), ensure_ascii=False, indent=2))
        else:
            click.echo("\n".join(report(spec, breakdown)))


@review.command("load-templates")
def load_templates() -> None:
    """Create or refresh the built-in review templates (a template in use gets a new version)."""
    with unit_of_work():
        changed = load_builtin_templates()
    click.echo(f"Built-in review templates loaded ({changed} created or updated).")


def register(app: Flask) -> None:
    """Add `flask review ...` to the app's commands."""
    app.cli.add_command(review)
