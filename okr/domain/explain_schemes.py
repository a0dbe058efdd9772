"""The sentences of the scheme features' codes: scorecard sections and indicators, points
templates, band conditions and outcome rules (okr.domain.explain merges them in)."""

from __future__ import annotations


def N_(message: str) -> str:  # the gettext-noop marker pybabel extracts
    """Mark a template for translation without translating it here (the web layer does)."""
    return message


SCHEME_STEPS: dict[str, str] = {
    "streak.rule_met": N_(
        "{streak}: {run} cycles in a row (the rule takes {cycles}): {consequence}."
    ),
    "streak.rule_not_met": N_(
        "{streak}: {run} cycles in a row, {cycles} needed: nothing follows yet."
    ),
    "indicator.points": N_("{indicator}: {points} of {max} points, as entered."),
    "indicator.deductions": N_("{indicator}: {max} + {count} × {each} = {points} (floored at 0)."),
    "indicator.attainment": N_("{indicator}: {progress} × {max} = {points} points."),
    "indicator.kr_points": N_("{indicator}: {points} of {max} points, its key result's."),
    "indicator.from_kr": N_("{indicator}: from key result «{title}», {value} → {points} points."),
    "indicator.from_kr_attainment": N_(
        "{indicator}: from key result «{title}», {value}: attainment {points}."
    ),
    "indicator.kr_not_linked": N_(
        "{indicator}: no key result of the person is linked to it: missing (never counted as 0)."
    ),
    "indicator.kr_no_value": N_(
        "{indicator}: key result «{title}» has no value yet: missing (never counted as 0)."
    ),
    "section.sum": N_("{section}: {terms} = {points} of {max} points."),
    "section.incomplete": N_(
        "{section} has no value yet for {missing}: not scored (never counted as 0)."
    ),
    "composite.section": N_("{part}: {points} of {max} points."),
    "composite.section_weighted": N_("{part}: {got} ÷ {max} × {weight}% × {scale} = {points}"),
    "composite.part_points": N_("{part}: {fraction} × {max} points = {points}"),
    "composite.rollup": N_("{part}: {points} of {max} points."),
    "composite.rollup_weighted": N_("{part}: {value} × {weight}% = {points}"),
    "composite.rollup_bonus": N_("Year-end bonuses of {part}: {bonus}"),
    "composite.total_year_end": N_(
        "{weighted_sum} + year-end bonuses {bonus} + ({net}) = {composite}"
    ),
    "outcome.grade": N_("{outcome}: grade {label}, so {amount} {gives}."),
    "outcome.score": N_("{outcome}: a score of {score}, so {amount} {gives}."),
    "outcome.rank": N_("{outcome}: rank {rank} in {scope} (top {top}), so {amount} {gives}."),
    "outcome.rank_pending": N_(
        "{outcome}: decided by the rank in {scope} (top {top}) once results are ranked."
    ),
    "outcome.highest": N_(
        "{outcome}: {indicator} of {value} is the highest in {scope} (ties all earn it), so {amount} {gives}."
    ),
    "outcome.highest_pending": N_(
        "{outcome}: decided by the highest {indicator} in {scope} once results are ranked."
    ),
    "grade.condition_met": N_(
        "{label} also asks for {needed} of the {of} criteria of the {part} at {level} or more: {reached} are."
    ),
    "grade.condition_unmet": N_(
        "{label} also asks for {needed} of the {of} criteria of the {part} at {level} or more: only {reached} are (short: {short}), so not {label}."
    ),
    "cycle_rollup.mean": N_(
        "{part}: mean of the {count} results ({cycles}) = ({terms}) ÷ {count} = {value}"
    ),
    "cycle_rollup.sum": N_("{part}: sum of the {count} results ({cycles}) = {terms} = {value}"),
    "cycle_rollup.missing": N_(
        "{part}: no released result under {family} in the cycles within: not scored (never counted as 0)."
    ),
    "cycle_rollup.bonus": N_("{bonus}: {count} cycles ({cycles}) × {points} = {raw}"),
    "cycle_rollup.bonus_capped": N_(
        "{bonus}: {count} cycles ({cycles}) × {points} = {raw}, capped at {cap}: {total}"
    ),
    "cycle_rollup.bonus_none": N_("{bonus}: earned in no cycle, 0."),
}

SCHEME_ERRORS: dict[str, str] = {
    "cycle_rollup.no_family": N_("A roll-up needs the template family it takes results from."),
    "cycle_rollup.cycles": N_("A roll-up takes the cycles “within”, not “{cycles}”."),
    "cycle_rollup.duplicate_bonus": N_("The year-end bonus {bonus} is defined twice."),
    "cycle_rollup.bonus_condition": N_(
        "The year-end bonus {bonus} needs one condition: an outcome rule or a rank (top)."
    ),
    "cycle_rollup.bonus_top": N_(
        "The year-end bonus {bonus} needs a rank of at least 1, not {top}."
    ),
    "cycle_rollup.bonus_points": N_("The year-end bonus {bonus} needs points other than 0."),
    "cycle_rollup.bonus_cap": N_(
        "The cap of the year-end bonus {bonus} must be above 0, not {cap}."
    ),
    "streak.duplicate": N_("The streak rule {streak} is defined twice."),
    "streak.too_short": N_(
        "The streak rule {streak} needs at least 2 cycles in a row, not {cycles}."
    ),
    "streak.one_condition": N_(
        "The streak rule {streak} needs exactly one condition: a grade, a score range or a rank."
    ),
    "streak.unknown_grade": N_(
        "The streak rule {streak} names {label}, which is not a grade band."
    ),
    "streak.bad_rank": N_("The streak rule {streak} needs a rank of 1 or more, not {rank}."),
    "streak.points": N_(
        "The streak rule {streak} gives points (other than 0) exactly when its consequence is points."
    ),
    "streak.absent_when": N_(
        "The streak rule {streak} counts cycles without an outcome: it takes no condition."
    ),
    "streak.unknown_outcome": N_(
        "The streak rule {streak} counts cycles without the outcome rule {outcome}, "
        "which the template does not have."
    ),
    "streak.title": N_("The streak rule {streak} awards a title: give its words."),
    "section.empty": N_("Section {section} needs at least one indicator."),
    "section.duplicate": N_(
        "Section {section} is defined twice or has the name of a built-in part."
    ),
    "section.duplicate_indicator": N_("Indicator {indicator} appears twice in {section}."),
    "section.max_not_positive": N_("Indicator {indicator} of {section} needs max points above 0."),
    "section.deduction_not_negative": N_(
        "Indicator {indicator} of {section} deducts per occurrence: give a negative number, e.g. -1."
    ),
    "section.rule_above_max": N_(
        "The rule of {indicator} in {section} can give {points} points, more than its max of {max}."
    ),
    "section.max_mismatch": N_(
        "Section {section} is given {points} points but its indicators add up to {max}."
    ),
    "template.points_do_not_sum": N_(
        "The parts' points add up to {points} = {sum}, not the total scale {scale}."
    ),
    "indicator.points_out_of_range": N_("{indicator} takes 0 to {max} points, not {points}."),
    "indicator.negative_percent": N_("{indicator} takes an attainment from 0%, not {value}%."),
    "indicator.bad_count": N_("{indicator} needs a whole count from 0, not {count}."),
    "indicator.unknown": N_("{indicator} is not an indicator of {section}."),
    "outcome.duplicate": N_("The reward or penalty {outcome} is defined twice."),
    "outcome.one_condition": N_(
        "The reward or penalty {outcome} needs exactly one condition: a grade, a score range, a rank or the highest value of an indicator."
    ),
    "outcome.unknown_grade": N_(
        "The reward or penalty {outcome} names {label}, which is not a grade band."
    ),
    "outcome.bounds": N_(
        "The score range of {outcome} must run from a lower to a higher score, not {low} to {high}."
    ),
    "outcome.bad_rank": N_(
        "The reward or penalty {outcome} needs a rank of 1 or more in the department or the company, not {rank}."
    ),
    "outcome.unknown_indicator": N_(
        "The reward or penalty {outcome} names {ref}, which is not an indicator (section.indicator) of the template's scorecard."
    ),
    "outcome.amount": N_(
        "The reward or penalty {outcome} needs an amount, or a range from a lower to a higher amount."
    ),
    "bands.floor_condition": N_(
        "The lowest band {label} cannot have a condition: every composite must get a grade."
    ),
    "template.condition_part": N_(
        "The condition of {label} must name the interview or the self-assessment with its criteria, not {part}."
    ),
    "template.condition_scales": N_(
        "The condition of {label} needs the criteria of the {part} on one scale."
    ),
    "template.condition_level": N_(
        "The condition of {label} asks for {level}, outside the scale {min}–{max} of the {part}."
    ),
    "template.condition_count": N_(
        "The condition of {label} asks for {count} criteria of the {part}, which has {of}."
    ),
}
