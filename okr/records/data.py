"""The review record (考核记录) as plain data: everything the PDF prints, in the reader's language.

`queries` reads what a record is made from in a fixed number of queries; this turns it into the
plain text of `record` (no ORM objects reach the print template, and the content hash is taken
over that text, so a changed copy can be told apart from the filed one).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from okr.domain.attainment import attainment, max_points_of
from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, quantity, round_display
from okr.explain import derivation_rule, describe_steps
from okr.labels import kind_rule_due, pct
from okr.objectives.models import Objective
from okr.objectives.rules import spec_of as spec_of_kr
from okr.records.consequences import consequence_lines
from okr.records.queries import RecordSources, record_sources
from okr.records.record import KRLine, ObjectiveBlock, PlanLine, RatingLine, Record
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.outcome_results import company_rank, needs_company_rank, outcomes_of, sentences
from okr.reviews.rollup_parts import rollup_lines
from okr.reviews.scoring import frozen_steps
from okr.reviews.self_points import record_rows
from okr.reviews.services import INTERVIEW_STEPS, breakdown, spec_of
from okr.schemes.format import TemplateSpec

SCORE_PLACES = 2


def _score(value: Decimal | str | None) -> str:
    if value is None:
        return "—"
    return fmt(round_display(Decimal(value), SCORE_PLACES))


def _kr_points(kr: Any) -> str:
    """A point rule's points out of its most ("5 of 8 points"); "" for other kinds."""
    top = max_points_of(spec_of_kr(kr))
    if kr.points is None or top is None:
        return ""
    return _("%(points)s of %(max)s points", points=fmt(kr.points), max=fmt(top))


def _date(value: date | None) -> str:
    return format_date(value, "medium") if value else ""


def _when(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""


def _ratings(spec: Any, part: str, values: dict[str, Any]) -> list[RatingLine]:
    lines = []
    for item in spec.criteria(part):
        value = values.get(item["key"])
        lines.append(
            RatingLine(
                label=item.get("label") or item["key"],
                weight=f"{item['weight']}%",
                scale=f"{item['scale'][0]}–{item['scale'][1]}",
                value="—"
                if value in (None, "")
                else fmt(round_display(Decimal(str(value)), SCORE_PLACES)),
            )
        )
    return lines


def _peer_aggregate(
    spec: Any, appraisal: Appraisal, forms: list[PeerForm]
) -> tuple[list[RatingLine], str]:
    """Per-criterion means of the submitted sheets, only when enough raters submitted (anonymity)."""
    submitted = [
        f for f in forms if f.submitted_at is not None and f.rater_id != appraisal.person_id
    ]
    minimum = spec.domain.min_peer_raters
    if len(submitted) < minimum:
        return [], _(
            "Fewer than %(n)d colleagues submitted; the peer evaluation is not shown.", n=minimum
        )
    means = {}
    for item in spec.criteria("peer"):
        values = [
            Decimal(str(f.ratings[item["key"]]))
            for f in submitted
            if f.ratings.get(item["key"]) not in (None, "")
        ]
        means[item["key"]] = sum(values) / len(values) if values else None
    return _ratings(spec, "peer", means), _(
        "Mean of %(n)d colleagues; individual answers are not shown.", n=len(submitted)
    )


def _progress_series(
    kr: Any, values: dict[tuple[int, date], Decimal], cap: Decimal
) -> list[tuple[str, str]]:
    """Attainment after each week's last check-in, for the chart (same rule as the live figure)."""
    spec = spec_of_kr(kr)
    points = []
    for (kr_id, week), value in sorted(values.items(), key=lambda item: item[0][1]):
        if kr_id == kr.id:
            try:
                points.append((week.isoformat(), fmt(attainment(spec, value, cap).progress)))
            except DomainError:
                continue
    return points


def build_record(appraisal_id: int) -> Record:
    """Everything the record prints, as plain text in the current language."""
    sources = record_sources(appraisal_id)
    appraisal = sources.appraisal
    cycle = appraisal.review.cycle
    spec = spec_of(appraisal.review.template)
    record = Record(
        **_heading(sources),
        objectives=[_block(o, sources.series, cycle.attainment_cap) for o in sources.objectives],
        **_assessments(spec, appraisal),
        **_result(spec, sources),
        plan=[
            PlanLine(
                i.section,
                i.title,
                i.current,
                i.target,
                sources.owners.get(i.owner_id, ""),
                _date(i.due),
                i.status,
            )
            for i in (sources.plan.items if sources.plan else [])
        ],
        plan_status=sources.plan.status if sources.plan else "",
        acknowledgement=appraisal.acknowledgement or "",
        acknowledgement_note=appraisal.acknowledgement_note,
        acknowledged_at=_when(appraisal.acknowledged_at),
        interview_at=_when(appraisal.interview_at),
        chart_range=(cycle.start.isoformat(), cycle.end.isoformat()),
        consequences=consequence_lines(spec, appraisal.id),
    )
    record.content_hash = record.compute_hash()
    return record


def _heading(sources: RecordSources) -> dict[str, Any]:
    """Who and when: the record's number, the company, cycle, review and the person."""
    appraisal = sources.appraisal
    review, cycle = appraisal.review, appraisal.review.cycle
    return {
        "record_number": f"R{review.id:04d}-{appraisal.id:06d}",
        "language": str(get_locale() or "zh"),
        "company": sources.company,
        "cycle": cycle.label,
        "cycle_dates": f"{_date(cycle.start)} – {_date(cycle.end)}",
        "review": review.name,
        "review_dates": _(
            "Self-assessment by %(a)s · peers by %(b)s · interviews by %(c)s",
            a=_date(review.self_deadline),
            b=_date(review.peer_deadline),
            c=_date(review.interview_deadline),
        ),
        "person": appraisal.person.name,
        "department": appraisal.department.name,
        "position": appraisal.person.position,
        "manager": appraisal.manager.name if appraisal.manager else "—",
    }


def _block(
    objective: Objective, series: dict[tuple[int, date], Decimal], cap: Decimal
) -> ObjectiveBlock:
    """An objective with each key result's figures, score and weekly attainment."""
    return ObjectiveBlock(
        title=objective.title,
        weight=f"{fmt(objective.weight)}%",
        progress=pct(objective.progress),
        key_results=[
            KRLine(
                title=kr.title,
                kind=kind_rule_due(kr),
                weight=f"{fmt(kr.weight)}%",
                start=quantity(kr.start, kr.unit),
                target=quantity(kr.target, kr.unit),
                actual=quantity(kr.current, kr.unit, empty="—"),
                attainment=pct(kr.progress),
                points=_kr_points(kr),
                score=f"{_score(kr.progress * kr.weight)} / {fmt(kr.weight)}",
                series=_progress_series(kr, series, cap),
            )
            for kr in objective.key_results
        ],
    )


def _assessments(spec: TemplateSpec, appraisal: Appraisal) -> dict[str, Any]:
    """The self-assessment, the peers' means, the interview's notes and ratings."""
    peer, peer_note = _peer_aggregate(spec, appraisal, list(appraisal.peer_forms))
    step_titles = {
        "purpose": _("1. Purpose of the interview"),
        "self_assessment": _("2. The employee's self-assessment"),
        "result": _("3. The result"),
        "disagreement": _("4. What the employee disagrees with"),
        "plan": _("5. The improvement plan agreed"),
    }
    notes = appraisal.interview_notes or {}
    return {
        "self_ratings": _ratings(spec, "self", appraisal.self_ratings or {}),
        "self_reflection": appraisal.self_reflection,
        "self_points": record_rows(spec, appraisal),
        "peer": peer,
        "peer_note": peer_note,
        "interview_notes": [(step_titles[s], notes.get(s, "")) for s in INTERVIEW_STEPS],
        "interview_ratings": _ratings(spec, "interview", appraisal.interview_ratings or {}),
        "disagreement": appraisal.disagreement,
    }


def _result(spec: TemplateSpec, sources: RecordSources) -> dict[str, Any]:
    """The score: parts, adjustments, composite, grades, rank, overrides and derivation.

    As stored when the appraisal was finalized, else computed live.
    """
    appraisal = sources.appraisal
    derivation, composite, grade, parts = _scored(spec, appraisal)
    return {
        "okr_score": pct(Decimal(parts["kr"]["fraction"]))
        if parts.get("kr", {}).get("fraction")
        else "—",
        "adjustments": [(a.reason, fmt(a.points)) for a in sources.adjustments],
        "parts": _part_lines(spec, parts),
        "composite": _score(composite),
        "scale": fmt(spec.domain.total_scale),
        "grade": grade or "—",
        "final_grade": appraisal.final_grade or grade or "—",
        "rank": str(appraisal.rank) if appraisal.rank else "—",
        "overrides": [
            (c.from_grade or "—", c.to_grade, c.reason, c.actor.name, _when(c.at))
            for c in sources.changes
        ],
        "derivation": derivation,
        "outcomes": _outcomes(spec, appraisal, composite, appraisal.final_grade or grade),
        "rollups": rollup_lines(spec, appraisal.rollup_sources or {}, _score),
        "rounding": " ".join(
            (
                _(
                    "Scores are computed exactly and shown rounded half up to %(n)d decimals; percentages to 1 decimal.",
                    n=SCORE_PLACES,
                ),
                derivation_rule(),
            )
        ),
    }


def _outcomes(spec: TemplateSpec, appraisal: Appraisal, composite: Any, grade: Any) -> list[str]:
    """The rewards and penalties (奖惩) the result earns, as the appraisal page states them."""
    if not spec.domain.outcomes:
        return []
    company = company_rank(appraisal) if needs_company_rank(spec) else None
    score = None if composite is None else Decimal(str(composite))
    found = outcomes_of(spec, appraisal, score, grade, company)
    if not found:
        return [_("None of the template's rewards and penalties applies.")]
    return [line for line, _pending in sentences(spec, found)]


def _scored(spec: TemplateSpec, appraisal: Appraisal) -> tuple[list[str], Any, Any, dict[str, Any]]:
    """Derivation, composite, grade and parts: as finalized, else as computed now."""
    if appraisal.result:
        data = appraisal.result
        derivation = describe_steps(frozen_steps(appraisal), spec.glossary())
        return derivation, data.get("composite"), data.get("grade"), data.get("parts", {})
    live = breakdown(appraisal, spec)
    data = live.to_data()
    derivation = describe_steps(live.steps, spec.glossary())
    return derivation, data["composite"], data["grade"], data["parts"]


def _part_lines(spec: TemplateSpec, parts: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(part, weight, fraction, points) of each part that weighs anything, the template's own
    sections under their labels; a points template's weights are max points."""
    return [
        (
            spec.part_label(p),
            _("%(points)s points", points=parts[p]["weight"])
            if spec.domain.points
            else f"{parts[p]['weight']}%",
            pct(Decimal(parts[p]["fraction"])) if parts[p].get("fraction") else "—",
            _score(parts[p].get("points")),
        )
        for p in spec.domain.part_keys
        if p in parts and Decimal(parts[p]["weight"]) > 0
    ]
