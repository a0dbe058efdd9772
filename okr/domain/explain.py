"""Every step code and error code the domain emits, with an English template sentence.

The templates are marked with ``N_`` so ``pybabel extract -k N_`` puts them in the catalogs;
the web layer translates them (Chinese and English) at display time. These templates are the
reference wording and the contract: placeholders are exactly the params of the code.
Numbers in params are exact and unrounded; round them with ``numbers.round_display`` when
showing them if needed.  A test checks that every code used in ``okr/domain`` is listed here
and that each template's placeholders match the params actually emitted.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from okr.domain.explain_schemes import N_, SCHEME_ERRORS, SCHEME_STEPS

STEP_TEMPLATES: dict[str, str] = {
    # key-result attainment
    "kr.no_value": N_("No value has been checked in yet, so progress is {progress}."),
    "kr.due_value": N_(
        "Time target due on {due_on}: scored from {value}, the value standing on that day; "
        "check-ins after it do not count."
    ),
    "kr.due_no_value": N_(
        "Time target due on {due_on}: nothing was checked in by that day; "
        "check-ins after it do not count."
    ),
    "kr.increase": N_("({current} − {start}) ÷ ({target} − {start}) = {progress}"),
    "kr.decrease": N_("({start} − {current}) ÷ ({start} − {target}) = {progress}"),
    "kr.ratio": N_("{current} ÷ {target} = {progress}"),
    "kr.at_least_met": N_("{current} is at least {target}: target held, progress {progress}."),
    "kr.at_least_partial": N_(
        "{current} is below {target}: partial {current} ÷ {target} = {progress}"
    ),
    "kr.at_most_met": N_("{current} is at most {target}: target held, progress {progress}."),
    "kr.at_most_partial": N_(
        "{current} is above {target}: partial {target} ÷ {current} = {progress}"
    ),
    "kr.at_least_held": N_(
        "{current} is at least {target}: target held, progress {progress} (met or not met)."
    ),
    "kr.at_least_missed": N_(
        "{current} is below {target}: target not held, progress {progress} (met or not met)."
    ),
    "kr.above_held": N_(
        "{current} is above {target} (strict): target held, progress {progress} (met or not met)."
    ),
    "kr.above_missed": N_(
        "{current} is not above {target} (strict): target not held, progress {progress} "
        "(met or not met)."
    ),
    "kr.at_most_held": N_(
        "{current} is at most {target}: target held, progress {progress} (met or not met)."
    ),
    "kr.at_most_missed": N_(
        "{current} is above {target}: target not held, progress {progress} (met or not met)."
    ),
    "kr.below_held": N_(
        "{current} is below {target} (strict): target held, progress {progress} (met or not met)."
    ),
    "kr.below_missed": N_(
        "{current} is not below {target} (strict): target not held, progress {progress} "
        "(met or not met)."
    ),
    "kr.milestone_done": N_("Milestone done: progress {progress}."),
    "kr.milestone_not_done": N_("Milestone not done: progress {progress}."),
    "kr.per_unit_up": (
        N_(
            "{current} − {start} = {moved}; whole steps of {step}: {whole_steps}; "
            "{whole_steps} × {points_per_step} = {points} points"
        )
    ),
    "kr.per_unit_down": (
        N_(
            "{start} − {current} = {moved}; whole steps of {step}: {whole_steps}; "
            "{whole_steps} × {points_per_step} = {points} points"
        )
    ),
    "kr.tier_matched": N_("{current} falls in tier {tier}: {points} points"),
    "kr.tier_no_match": N_("{current} falls in no tier: {points} points"),
    "kr.points_progress": N_("{points} ÷ {max_points} points = progress {progress}"),
    "points.capped": N_("{raw} points capped at the maximum of {max_points}"),
    "progress.floored": N_("Progress {raw} is below 0, floored to {progress}."),
    "progress.capped": N_("Progress {raw} is above the cap {cap}, capped to {progress}."),
    # weights and means
    "weights.sum": N_("Weights of {scope}: {weights} = {sum}"),
    "mean.empty": N_("Nothing to average for {scope}."),
    "mean.weighted": (
        N_(
            "Weighted mean of {scope}: ({terms}) ÷ {total_weight} = "
            "{numerator} ÷ {total_weight} = {value}"
        )
    ),
    "mean.plain": N_("Mean of {scope}: ({values}) ÷ {count} = {total} ÷ {count} = {value}"),
    # roll-ups
    "rollup.term": N_("{key}: progress {value} with weight {weight}"),
    "rollup.no_key_results": N_("The objective has no key results."),
    "rollup.no_objectives": N_("There are no objectives."),
    "rollup.rule": N_("Parent progress rule: {rule}."),
    "rollup.child": N_("Aligned child {key}: progress {value}"),
    "rollup.child_skipped": N_("Aligned child {key} has no progress yet and is left out."),
    "rollup.no_children": N_("No aligned child has progress."),
    "rollup.both": N_("({own} + {children}) ÷ 2 = {progress}"),
    "rollup.only_one": N_("Only the {source} figure exists: progress {progress}."),
    "rollup.nothing": N_("Nothing to compute progress from under rule {rule}."),
    # ratings
    "rating.normalised": (N_("{criterion}: ({rating} − {min}) ÷ ({max} − {min}) = {fraction}")),
    "part.incomplete": N_("Ratings missing for: {missing}; the part is incomplete."),
    "peer.rater": N_("Rater {rater}: {fraction}"),
    "peer.rater_incomplete": N_("Rater {rater} left out: ratings missing for {missing}."),
    "peer.too_few_raters": N_("Only {count} rater(s) counted, at least {minimum} needed."),
    # adjustments and composite
    "adjust.item": N_("{kind}: {count} × {each} = {points}"),
    "adjust.item_ranged": N_("{kind} ({low} to {high}): {count} × {each} = {points}"),
    "adjust.free": N_("{kind}: {points} (free-form, the template allows it)"),
    "adjust.carried": N_(
        "{kind}: {points} (a streak rule's consequence, carried into this period)"
    ),
    "adjust.bonus_capped": N_("Bonus {raw} capped at {cap}."),
    "adjust.deduction_capped": N_("Deduction {raw} capped at {cap}."),
    "adjust.total": N_("Adjustments: +{bonus} − {deduction} = {net}"),
    "composite.part": N_("{part}: {fraction} × {weight}% × {scale} = {points}"),
    "composite.part_unweighted": N_("{part} weighs 0 and does not count."),
    "composite.incomplete": N_("Missing parts: {missing}; no composite and no grade yet."),
    "composite.weighted_sum": N_("{terms} = {sum}"),
    "composite.total": N_("{weighted_sum} + ({net}) = {composite}"),
    "composite.floored": N_("Composite {raw} is below 0, floored to {composite}."),
    "composite.above_scale": N_("Composite {composite} exceeds the {scale}-point scale (bonuses)."),
    "composite.graded_on": N_(
        "Composite {composite} is graded as shown, rounded half up to {places} decimals: {shown}."
    ),
    "grade.band": N_("{score} ≥ {threshold}: grade {label}"),
    "grade.band_exclusive": N_("{score} > {threshold}: grade {label}"),
    "grade.improvement_plan": N_("Grade {label} requires an improvement plan."),
    # calibration
    "quota.allowed": N_("{label}: floor({size} × {fraction}) = {allowed} allowed"),
    "quota.within": N_("{label}: {count} of {allowed} allowed, within quota."),
    "quota.exceeded": N_("{label}: {count} exceeds the {allowed} allowed."),
    # a rule on the score, on grades, or on either (the streak's words name only what it tests)
    "streak.flagged": N_(
        "{streak} cycle(s) in a row {comparison} {threshold}: reaches {cycles}, flagged."
    ),
    "streak.not_flagged": N_(
        "{streak} cycle(s) in a row {comparison} {threshold}: fewer than {cycles}, not flagged."
    ),
    "streak.flagged_grades": N_(
        "{streak} cycle(s) in a row graded {grades}: reaches {cycles}, flagged."
    ),
    "streak.not_flagged_grades": N_(
        "{streak} cycle(s) in a row graded {grades}: fewer than {cycles}, not flagged."
    ),
    "streak.flagged_either": N_(
        "{streak} cycle(s) in a row {comparison} {threshold} or graded {grades}: "
        "reaches {cycles}, flagged."
    ),
    "streak.not_flagged_either": N_(
        "{streak} cycle(s) in a row {comparison} {threshold} or graded {grades}: "
        "fewer than {cycles}, not flagged."
    ),
    # display
    "round.half_up": N_("{value} rounded half up to {places} decimals = {rounded}"),
}

ERROR_TEMPLATES: dict[str, str] = {
    # numbers
    "number.not_text": N_("Expected text, got {value}."),
    "number.empty": N_("Please enter a number."),
    "number.too_long": N_("“{text}” is too long for a number (at most {max} characters)."),
    "number.not_finite": N_("“{text}” is not a finite number."),
    "number.percent_not_allowed": N_("“{text}”: a percent sign is not allowed here."),
    "number.invalid": N_("“{text}” is not a number."),
    "number.not_number": N_("{value} is not a number."),
    "number.float": N_("{value} is a binary float; pass a Decimal, an int or text."),
    "number.invalid_places": N_("{places} is not a valid number of decimals."),
    "number.too_large": N_(
        "“{text}” is too large: at most {digits} digits before the decimal point."
    ),
    "number.too_many_places": N_("“{text}” has too many decimals: at most {places}."),
    "number.out_of_range": N_("Enter a number from {min} to {max}, not {value}."),
    "number.below_min": N_("Enter a number of at least {min}, not {value}."),
    "number.above_max": N_("Enter a number of at most {max}, not {value}."),
    "derivation.invalid": N_("Stored derivation is malformed: {reason}."),
    # attainment and key-result specs
    "attain.cap_below_one": N_("The attainment cap {cap} is below 1 (100%)."),
    "attain.milestone_value": N_("A milestone is done (1) or not (0), not {value}."),
    "spec.missing_field": N_("A {kind} key result needs a {field}."),
    "spec.increase_start_equals_target": (
        N_("Start and target are both {start}: an increasing key result must aim above its start.")
    ),
    "spec.increase_target_below_start": (
        N_("Target {target} is below start {start}: use a decreasing key result instead.")
    ),
    "spec.decrease_start_equals_target": (
        N_("Start and target are both {start}: a decreasing key result must aim below its start.")
    ),
    "spec.decrease_target_above_start": (
        N_("Target {target} is above start {start}: use an increasing key result instead.")
    ),
    "spec.target_not_positive": N_("A {kind} key result needs a target above 0, not {target}."),
    "spec.at_most_target_negative": N_("An at-most target cannot be negative ({target})."),
    "spec.strict_at_most_zero": N_("< 0 is never held: make the edge ≤ 0 or the target above 0."),
    "spec.hold_scoring_not_hold": N_("Only hold kinds (at least, at most) choose how they score."),
    "spec.hold_strict_not_hold": N_("A strict edge is only for at-least and at-most key results."),
    "spec.strict_proportional": N_(
        "Partial credit gives 100% at the target itself: use an inclusive edge, or met or not met."
    ),
    "spec.step_not_positive": N_("The step must be above 0, not {step}."),
    "spec.points_per_step_not_positive": N_(
        "Points per step must be above 0, not {points_per_step}."
    ),
    "spec.max_points_not_positive": N_("Maximum points must be above 0, not {max_points}."),
    "spec.tiers_empty": N_("A tiered key result needs at least one tier."),
    "spec.tier_points_negative": N_("Tier {tier} has negative points."),
    "spec.tier_bounds_reversed": N_("Tier {tier} has its lower bound above its upper bound."),
    "spec.tier_empty": N_("Tier {tier} contains no value."),
    "spec.tiers_overlap": N_("Tiers {first} and {second} overlap."),
    "spec.tiers_no_points": N_("No tier gives any points."),
    "spec.tiers_uncovered_below": N_("Values below tier {tier} match no tier and score 0."),
    "spec.tiers_gap": N_(
        "Values between tier {after} and tier {before} match no tier and score 0."
    ),
    "spec.tiers_uncovered_above": N_("Values above tier {tier} match no tier and score 0."),
    # weights
    "weights.negative": N_("Weight {position} of {scope} is negative ({weight})."),
    "weights.do_not_sum": N_("Weights of {scope} add up to {sum} ({weights}), not {expected}."),
    "weights.zero_total": N_("Weights of {scope} add up to 0; nothing can be averaged."),
    # ratings
    "rating.out_of_scale": N_("Rating {rating} for {criterion} is outside the scale {min}–{max}."),
    "rating.unknown_criterion": N_("{criterion} is not a criterion of this part."),
    "peer.self_rating": N_("{rater} cannot rate themself."),
    # templates and grades
    "template.unknown_part": N_("{part} is not a part of an appraisal."),
    "template.kr_has_criteria": N_(
        "The key-result part is computed from OKRs and has no criteria."
    ),
    "template.criteria_missing": N_("The {part} part counts but has no criteria."),
    "template.duplicate_criterion": N_("Criterion {key} appears twice in the {part} part."),
    "template.scale_invalid": N_("The scale of {key} must run upward ({min}–{max})."),
    "template.scale_not_positive": N_("The total scale must be above 0, not {scale}."),
    "template.duplicate_adjustment": N_("Adjustment {key} is defined twice."),
    "template.adjustment_zero": N_("Adjustment {key} gives 0 points."),
    "template.cap_negative": N_("The {which} cap cannot be negative ({cap})."),
    "template.unknown_grade": N_("{label} is not one of the grade bands."),
    "template.min_raters": N_("At least one peer rater is needed, not {minimum}."),
    "bands.empty": N_("At least one grade band is needed."),
    "bands.duplicate_label": N_("Grade {label} appears twice."),
    "bands.duplicate_threshold": N_("Two grades start at {threshold}."),
    "bands.no_floor": N_("The lowest grade {label} starts at {lowest}; it must cover 0."),
    "grade.below_all_bands": N_("Score {score} is below every grade band."),
    "adjust.unknown_kind": N_("{kind} is not an adjustment this template allows."),
    "adjust.bad_count": N_("{kind} needs a whole count of at least 1, not {count}."),
    "adjust.fixed_points": N_("{kind} gives {each} points each, not {points}."),
    "adjust.out_of_range": N_("{kind} gives between {low} and {high} points each, not {points}."),
    "adjust.free_form_refused": N_(
        "“{kind}” is not one of this template's bonuses and deductions, and the template does not allow free-form ones."
    ),
    "adjust.free_form_points": N_("“{kind}” needs points other than 0."),
    "template.adjustment_range": N_(
        "Adjustment {key} needs a range from a lower to a higher number on one side of 0 (e.g. -5 to -1), not {low} to {high}."
    ),
    "composite.fraction_out_of_range": N_("{part} fraction {fraction} is outside 0–{limit}."),
    # calibration and periods
    "quota.fraction_out_of_range": N_(
        "The quota of {label} must be between 0 and 1, not {fraction}."
    ),
    "streak.bad_cycles": N_(
        "The number of cycles must be a whole number of at least 1 ({cycles})."
    ),
    "streak.rule_empty": N_("The rule needs a score threshold or grades."),
    "period.misaligned": N_("{start}–{end} is not a {kind} period."),
    "period.out_of_range": N_("{day} is outside the supported calendar."),
    "period.label_invalid": N_("“{label}” is not a period label such as 2026 Q4."),
}


STEP_TEMPLATES |= SCHEME_STEPS
ERROR_TEMPLATES |= SCHEME_ERRORS


def placeholders(template: str) -> frozenset[str]:
    """The {named} placeholders of a template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def describe(code: str, params: Mapping[str, str]) -> str:
    """English sentence for a step or error code; unknown codes or missing params raise KeyError."""
    template = STEP_TEMPLATES.get(code) or ERROR_TEMPLATES[code]
    return template.format_map(dict(params))
