"""The review-template JSON format (docs/review-templates.md): parse, validate, build the domain value."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.errors import DomainError
from okr.domain.template import Criterion, Scale
from okr.domain.template import ReviewTemplate as DomainTemplate
from okr.explain import PART_WORDS, Glossary, error_message
from okr.schemes.levels import Level, RatingInput, level_words, levels_of, rating_input
from okr.schemes.outcome_format import read_outcomes
from okr.schemes.reading import read_bands, read_kinds, read_number, read_scales
from okr.schemes.rollup_format import read_rollups, rollup_keys
from okr.schemes.scorecards import label_words, read_sections, section_keys
from okr.schemes.streak_format import read_streaks

FORMAT = "okr-review-template/1"
PARTS = ("kr", "peer", "interview", "self")


class TemplateFormatError(Exception):
    """A template file or form that cannot be used; `messages` say why, in the reader's language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


@dataclass(frozen=True)
class TemplateSpec:
    """A parsed template: the domain value for scoring plus the words and policies around it."""

    domain: DomainTemplate
    data: dict[str, Any]
    criterion_labels: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # part -> key -> label
    quotas: dict[str, Decimal] = field(default_factory=dict)
    levels: dict[str, dict[str, tuple[Level, ...]]] = field(
        default_factory=dict
    )  # part -> key -> rating levels (the template's or the scale's default wording)

    @property
    def name(self) -> str:
        return str(self.data.get("name", ""))

    def criteria(self, part: str) -> list[dict[str, Any]]:
        """The criteria of a qualitative part as stored (key, label, weight, scale)."""
        return list(self.data.get("criteria", {}).get(part, []))

    def band_labels(self) -> list[str]:
        return [b["label"] for b in self.data.get("bands", [])]

    def criterion_levels(self, part: str, key: str) -> tuple[Level, ...]:
        """The rating levels of one criterion (empty when its scale has no words)."""
        return self.levels.get(part, {}).get(key, ())

    def rating_input(self, part: str, criterion: dict[str, Any], value: Any) -> RatingInput:
        """How a criterion is rated on a form: its scale, level words and the current value."""
        return rating_input(criterion, self.criterion_levels(part, criterion["key"]), value)

    def level_words(self, part: str, key: str, rating: Any) -> str | None:
        """The words of the level a rating reaches on this criterion, if the scale has words."""
        return level_words(self.criterion_levels(part, key), rating)

    def glossary(self) -> Glossary:
        """The words behind this template's keys, for derivation lines."""
        criteria: dict[str, str] = {}
        levels: dict[str, list[tuple[Decimal, object]]] = {}
        for part in reversed(PARTS):  # a key shared by parts reads as its peer/interview label
            criteria.update(self.criterion_labels.get(part, {}))
            for key, found in self.levels.get(part, {}).items():
                levels[key] = [(level.value, level.words) for level in found]
        kinds = {
            str(k.get("key")): str(k.get("label") or k.get("key"))
            for k in (self.data.get("adjustments") or {}).get("kinds") or []
        }
        sections = {s["key"]: label_words(s.get("label"), s["key"]) for s in self.sections()}
        indicators: dict[str, str] = {}
        for s in self.sections():
            for i in s["indicators"]:
                words = str(label_words(i.get("label"), i["key"]))
                indicators[i["key"]] = indicators[f"{s['key']}.{i['key']}"] = words
        sections.update({r["key"]: label_words(r.get("label"), r["key"]) for r in self.rollups()})
        bonuses = [b for r in self.rollups() for b in r.get("bonuses") or []]
        outcomes = {
            str(o["key"]): str(label_words(o.get("label"), o["key"]))
            for o in (*bonuses, *self.outcomes(), *(self.data.get("streaks") or []))
        }
        return Glossary(criteria, kinds, levels, sections, outcomes, indicators)

    def outcomes(self) -> list[dict[str, Any]]:
        """The template's rewards and penalties (奖惩) as stored."""
        return list(self.data.get("outcomes") or [])

    def rollups(self) -> list[dict[str, Any]]:
        """The template's roll-up parts as stored (key, label, rollup, bonuses)."""
        return list(self.data.get("rollups") or [])

    def part_label(self, part: str) -> str:
        """A built-in part's name, a section's or a roll-up's label, in the reader's language."""
        found = next((s for s in (*self.sections(), *self.rollups()) if s["key"] == part), None)
        return str(label_words(found.get("label"), part)) if found else part_label(part)

    def sections(self) -> list[dict[str, Any]]:
        """The template's own sections as stored (key, label, indicators with max and rule)."""
        return list(self.data.get("sections") or [])


def loads(text: str | bytes) -> dict[str, Any]:
    """Read template JSON keeping every number exact."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TemplateFormatError([_("This is not valid JSON: %(error)s", error=str(exc))]) from exc
    if not isinstance(data, dict):
        raise TemplateFormatError([_("The file must hold one JSON object.")])
    return _plain(data)


def _plain(value: Any) -> Any:
    """Decimals from JSON become exact text so the spec can be stored as JSON again."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dumps(spec: dict[str, Any]) -> str:
    """Template JSON as exported: pretty, UTF-8 text, keys in a stable order."""
    return json.dumps(spec, ensure_ascii=False, indent=2)


def parse(data: dict[str, Any]) -> TemplateSpec:
    """Validate a template dict; every problem is reported, weights that do not sum to 100 with the sum."""
    errors: list[str] = []
    _check_head(data, errors)
    parts = _part_weights(data, errors)
    criteria, labels, levels = _criteria(data, errors)
    bands = read_bands(data, errors)
    adjustments = data.get("adjustments") or {}
    kinds = read_kinds(adjustments, errors)
    quotas = _quotas(data, errors)
    caps, scale, cap = read_scales(data, adjustments, errors)
    sections = read_sections(data, errors)
    if errors:
        raise TemplateFormatError(errors)
    try:
        domain = DomainTemplate.of(
            {p: w for p, w in parts.items() if w is not None},
            criteria,
            bands,
            scale,
            kinds,
            caps["bonus_cap"],
            caps["deduction_cap"],
            [str(g) for g in data.get("improvement_plan_grades") or []],
            int(data.get("min_peer_raters", 1)),
            cap,
            adjustments.get("free_form") is True,
            data.get("composite") == "points",
            sections,
            read_outcomes(data),
            read_streaks(data),
            read_rollups(data),
        )
    except DomainError as exc:
        raise TemplateFormatError([_explain(exc)]) from exc
    _check_quota_grades(quotas, domain)
    return TemplateSpec(domain, data, labels, quotas, levels)


def _check_head(data: dict[str, Any], errors: list[str]) -> None:
    if data.get("format", FORMAT) != FORMAT:
        errors.append(
            _(
                "Unknown format “%(format)s”; expected %(expected)s.",
                format=data.get("format"),
                expected=FORMAT,
            )
        )
    if not str(data.get("name", "")).strip():
        errors.append(_("The template needs a name."))


def _part_weights(data: dict[str, Any], errors: list[str]) -> dict[str, Decimal | None]:
    parts_raw = data.get("parts") or {}
    known = (*PARTS, *section_keys(data), *rollup_keys(data))
    unknown = sorted(set(parts_raw) - set(known))
    if unknown:
        errors.append(
            _("Unknown parts: %(parts)s (use kr, peer, interview, self).", parts=", ".join(unknown))
        )
    return {
        p: read_number(v, _("Weight of %(part)s", part=p), errors)
        for p, v in parts_raw.items()
        if p in known
    }


_Criteria = tuple[
    dict[str, list[Criterion]], dict[str, dict[str, str]], dict[str, dict[str, tuple[Level, ...]]]
]


def _criteria(data: dict[str, Any], errors: list[str]) -> _Criteria:
    """The criteria of each part, their labels and their rating levels."""
    criteria: dict[str, list[Criterion]] = {}
    labels: dict[str, dict[str, str]] = {}
    levels: dict[str, dict[str, tuple[Level, ...]]] = {}
    for part, items in (data.get("criteria") or {}).items():
        criteria[part], labels[part], levels[part] = [], {}, {}
        for item in items:
            key = str(item.get("key", "")).strip()
            if not key:
                errors.append(_("A criterion of %(part)s has no key.", part=part))
                continue
            scale = item.get("scale", [1, 5])
            low = read_number(scale[0], key, errors) if len(scale) == 2 else None
            high = read_number(scale[1], key, errors) if len(scale) == 2 else None
            weight = read_number(item.get("weight"), key, errors)
            if None not in (low, high, weight):
                criteria[part].append(Criterion.of(key, weight, Scale.of(low, high)))
            labels[part][key] = str(item.get("label") or key)
            if None not in (low, high):
                try:
                    levels[part][key] = levels_of(item)
                except (KeyError, TypeError, DomainError):
                    errors.append(
                        _("The levels of “%(key)s” must be a list of {value, label}.", key=key)
                    )
    return criteria, labels, levels


def _quotas(data: dict[str, Any], errors: list[str]) -> dict[str, Decimal]:
    quotas = {}
    for label, fraction in (data.get("quotas") or {}).items():
        value = read_number(fraction, label, errors)
        if value is not None:
            if not 0 <= value <= 1:
                errors.append(
                    _(
                        "The quota of %(label)s must be between 0 and 1 (e.g. 0.2 for 20%%).",
                        label=label,
                    )
                )
            quotas[label] = value
    return quotas


def _check_quota_grades(quotas: dict[str, Decimal], domain: DomainTemplate) -> None:
    unknown_quota = sorted(set(quotas) - {b.label for b in domain.bands})
    if unknown_quota:
        raise TemplateFormatError(
            [
                _(
                    "Quotas name grades that do not exist: %(labels)s.",
                    labels=", ".join(unknown_quota),
                )
            ]
        )


def part_label(part: str) -> str:
    """A part's name in the reader's language (key-result attainment, peer evaluation, ...)."""
    return str(PART_WORDS.get(str(part), part))


def counted_parts(spec: TemplateSpec) -> list[str]:
    """The parts that weigh more than 0 in the template, in their usual order, then its own
    sections."""
    return [p for p in spec.domain.part_keys if spec.domain.weight(p) > 0]


def _explain(exc: DomainError) -> str:
    if exc.code == "weights.do_not_sum" or "sum" in exc.params:
        scope = exc.params.get("scope", "")
        what = (
            _("The part weights")
            if scope == "parts"
            else _(
                "The criteria weights of %(part)s", part=part_label(scope.removeprefix("criteria."))
            )
        )
        return _(
            "%(what)s add up to %(sum)s%%, not 100%%.", what=what, sum=exc.params.get("sum", "?")
        )
    return error_message(exc)
