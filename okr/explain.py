"""Domain derivations and errors in the reader's language.

Steps name things by stable keys (criterion ``results``, part ``peer``, adjustment kind
``typo``); a ``Glossary`` built from the review template turns them into the words people
read.  Numbers are shown exactly when they have at most ``SHOWN_PLACES`` decimals; a longer
one is rounded half up to ``SHOWN_PLACES`` decimals and marked ``≈``, so that every line's
arithmetic holds with the numbers shown (the next lines keep computing with exact values).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.lists import format_list
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from okr.domain.errors import DomainError
from okr.domain.explain import ERROR_TEMPLATES, N_, STEP_TEMPLATES
from okr.domain.numbers import round_display
from okr.domain.steps import Step

# Derivation lines the web layer adds around the domain's (reviews: why a part is missing).
APP_TEMPLATES: dict[str, str] = {
    "review.no_objectives": N_("No individual objectives in this cycle, so there is no OKR score."),
    "review.objective_unscored": N_("No progress figure yet for: {titles}."),
    "review.not_rated": N_("The {part} part is not rated yet."),
    # a self-assessed section (okr/reviews/self_points.py): both columns, the reviewer's counts
    "section.self_assessed": N_(
        "{indicator}: self-assessed {self} of {max} points, reviewer {points}; the reviewer's points count."
    ),
    # the scheme simulator (okr/reviews/simulator.py)
    "simulate.kr_entered": N_("Key-result score entered: {percent}% = {progress}."),
    "simulate.kr_missing": N_("No key-result score was entered, so that part is missing."),
    # rating.normalised when the template gives the rating's level words
    "rating.normalised_level": N_(
        "{criterion} {rating} ({level}): ({rating} − {min}) ÷ ({max} − {min}) = {fraction}"
    ),
}

PART_WORDS = {
    "kr": _l("key-result attainment"),
    "peer": _l("peer evaluation"),
    "interview": _l("one-on-one interview"),
    "self": _l("self-assessment"),
}

# Codes that appear as values of {rule}, {scope} and {source} in derivation lines.
VALUE_WORDS = {
    "own_krs": _l("its own key results"),
    "children": _l("the objectives aligned to it"),
    "both": _l("both its key results and the objectives aligned to it"),
    "key_results": _l("the key results"),
    "key results": _l("the key results"),
    "objectives": _l("the objectives"),
    "parts": _l("the parts"),
    "criteria": _l("the criteria"),
    "peer": _l("the peer raters"),
}

OUTCOME_WORDS = {
    "money": _l("yuan"),
    "points": _l("points"),
    "coefficient": _l("performance coefficient"),
    "department": _l("the department"),
    "company": _l("the company"),
}

CONSEQUENCE_WORDS = {
    "warning": _l("a warning"),
    "no_year_end_bonus": _l("no year-end bonus"),
    "dismissal_review": _l("a dismissal review"),
    "title": _l("a title"),
    "points": _l("points in the next period"),
}

SHOWN_PLACES = 4
# Params that hold words (labels, titles, keys), never numbers to round.
WORD_PARAMS = frozenset(
    {"criterion", "key", "titles", "label", "kind", "rater", "part", "scope", "rule", "source"}
    | {"section", "indicator", "outcome", "gives", "streak", "consequence", "cycles", "family"}
    | {"missing", "grades", "tier", "first", "second", "after", "before", "text", "reason"}
    | {"title"}
)
_MATH = re.compile(r"^[-+−×÷()%\d.\s]+$")
_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d+(?![\d.])")
_ADJUSTMENT = re.compile(r"^(?P<reason>.*) \(#(?P<id>\d+)\)$")


@dataclass(frozen=True)
class Glossary:
    """The words behind a template's keys: criterion labels, adjustment labels, level words.

    ``levels`` maps a criterion key to its levels, lowest first, as (value, words) pairs: a
    rating gets the words of the highest level at or below it (``str(words)`` is read in the
    current language).
    """

    criteria: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[str, Sequence[tuple[Decimal, object]]] = field(default_factory=dict)
    sections: Mapping[str, object] = field(default_factory=dict)  # key -> label (may be lazy)
    outcomes: Mapping[str, str] = field(default_factory=dict)  # outcome rule key -> label
    indicators: Mapping[str, str] = field(default_factory=dict)  # "section.key" or key -> label

    def level(self, criterion: str, rating: str) -> str | None:
        """The words of the level a rating reaches, or None when the template has none."""
        try:
            value = Decimal(rating)
        except InvalidOperation:
            return None
        found = None
        for start, words in self.levels.get(criterion, ()):
            if start <= value:
                found = words
        return None if found is None else str(found)


NO_GLOSSARY = Glossary()


def word_list(items: Sequence[str]) -> str:
    """Items joined the way the reader's language lists them (“A、B和C”, “A, B, and C”)."""
    if not items:
        return ""
    return format_list(list(items), locale=get_locale() or "en")


def shown_number(text: str) -> str:
    """A number as a derivation shows it: exact up to 4 decimals, else ≈ rounded half up."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite() or value.as_tuple().exponent >= -SHOWN_PLACES:  # type: ignore[operator]
        return text
    return "≈" + format(round_display(value, SHOWN_PLACES), "f")


def _numbers(value: str) -> str:
    """Every long decimal inside a number or a sum such as '30 + 14.8333333333'."""
    if not _MATH.match(value):
        return value
    return _DECIMAL.sub(lambda m: shown_number(m.group(0)), value)


def _adjustment(value: str, glossary: Glossary) -> str:
    if value in glossary.kinds:
        return glossary.kinds[value]
    match = _ADJUSTMENT.match(value)
    if match:  # a cycle's bonus or deduction: "<reason> (#<id>)"
        return gettext("%(reason)s (#%(id)s)", reason=match["reason"], id=match["id"])
    return value


def _word(code: str, key: str, value: str, glossary: Glossary) -> str:
    if key == "part" and value in PART_WORDS:
        return str(PART_WORDS[value])
    if key in ("part", "section") and value in glossary.sections:
        return str(glossary.sections[value])
    if key == "indicator":
        return glossary.indicators.get(value, value)
    if key in ("outcome", "streak"):
        return glossary.outcomes.get(value, value)
    if key == "bonus" and code.startswith("cycle_rollup."):  # a roll-up's year-end bonus
        return glossary.outcomes.get(value, value)
    if key == "consequence" and value in CONSEQUENCE_WORDS:
        return str(CONSEQUENCE_WORDS[value])
    if key in ("gives", "scope") and value in OUTCOME_WORDS:
        return str(OUTCOME_WORDS[value])
    if key == "criterion":
        return glossary.criteria.get(value, value)
    if key == "kind" and code.startswith("adjust."):
        return _adjustment(value, glossary)
    if key == "needed":
        return gettext("all") if value == "all" else gettext("at least %(n)s", n=value)
    if key in ("missing", "short"):
        names = [v for v in value.split(", ") if v]
        if code == "composite.incomplete":
            return word_list([str(PART_WORDS.get(n, glossary.sections.get(n, n))) for n in names])
        if code == "section.incomplete":
            return word_list([glossary.indicators.get(n, n) for n in names])
        return word_list([glossary.criteria.get(n, n) for n in names])
    if key in ("rule", "scope", "source"):
        if value.startswith("criteria."):
            part = value.removeprefix("criteria.")
            return gettext("the criteria of %(part)s", part=str(PART_WORDS.get(part, part)))
        if value in VALUE_WORDS:
            return str(VALUE_WORDS[value])
        return value
    if key in WORD_PARAMS:
        return value
    return _numbers(value)


def describe(code: str, params: Mapping[str, str], glossary: Glossary = NO_GLOSSARY) -> str:
    """One derivation line or error in the current language, keys replaced by their words."""
    level = None
    if code == "rating.normalised" and "criterion" in params:
        level = glossary.level(params["criterion"], params.get("rating", ""))
        if level is not None:
            code = "rating.normalised_level"
    template = STEP_TEMPLATES.get(code) or ERROR_TEMPLATES.get(code) or APP_TEMPLATES.get(code)
    if template is None:
        return code
    words = {k: _word(code, k, v, glossary) for k, v in params.items()}
    if level is not None:
        words["level"] = level
    # "= ≈0.7417" reads better as "≈ 0.7417": the result itself is the rounded figure.
    return gettext(template).format_map(words).replace("= ≈", "≈ ")


def describe_steps(steps: Iterable[Step], glossary: Glossary = NO_GLOSSARY) -> list[str]:
    """A derivation as sentences."""
    return [describe(step.code, step.params, glossary) for step in steps]


def error_message(error: DomainError, glossary: Glossary = NO_GLOSSARY) -> str:
    """A domain refusal in words a manager understands."""
    return describe(error.code, error.params, glossary)


def derivation_rule() -> str:
    """How a derivation shows numbers, as pages and records state it."""
    return gettext(
        "In the derivation a number with more than 4 decimals is shown rounded half up to "
        "4 decimals and marked ≈; the lines after it compute with the exact value."
    )
