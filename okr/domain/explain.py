"""Every step code and error code the domain emits, with an English template sentence.

The web layer translates codes itself (Chinese and English); these templates are the
reference wording and the contract: placeholders are exactly the params of the code.
Numbers in params are exact and unrounded; round them with ``numbers.round_display`` when
showing them if needed.  A test checks that every code used in ``okr/domain`` is listed here
and that each template's placeholders match the params actually emitted.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

STEP_TEMPLATES: dict[str, str] = {
    # key-result attainment
    "kr.no_value": "No value has been checked in yet, so progress is {progress}.",
    "kr.increase": "({current} − {start}) ÷ ({target} − {start}) = {progress}",
    "kr.decrease": "({start} − {current}) ÷ ({start} − {target}) = {progress}",
    "kr.ratio": "{current} ÷ {target} = {progress}",
    "kr.at_least_met": "{current} is at least {target}: target held, progress {progress}.",
    "kr.at_least_partial": "{current} is below {target}: partial {current} ÷ {target} = {progress}",
    "kr.at_most_met": "{current} is at most {target}: target held, progress {progress}.",
    "kr.at_most_partial": "{current} is above {target}: partial {target} ÷ {current} = {progress}",
    "kr.milestone_done": "Milestone done: progress {progress}.",
    "kr.milestone_not_done": "Milestone not done: progress {progress}.",
    "kr.per_unit_up": (
        "{current} − {start} = {moved}; whole steps of {step}: {whole_steps}; "
        "{whole_steps} × {points_per_step} = {points} points"
    ),
    "kr.per_unit_down": (
        "{start} − {current} = {moved}; whole steps of {step}: {whole_steps}; "
        "{whole_steps} × {points_per_step} = {points} points"
    ),
    "kr.tier_matched": "{current} falls in tier {tier}: {points} points",
    "kr.tier_no_match": "{current} falls in no tier: {points} points",
    "kr.points_progress": "{points} ÷ {max_points} points = progress {progress}",
    "points.capped": "{raw} points capped at the maximum of {max_points}",
    "progress.floored": "Progress {raw} is below 0, floored to {progress}.",
    "progress.capped": "Progress {raw} is above the cap {cap}, capped to {progress}.",
    # weights and means
    "weights.sum": "Weights of {scope}: {weights} = {sum}",
    "mean.empty": "Nothing to average for {scope}.",
    "mean.weighted": (
        "Weighted mean of {scope}: ({terms}) ÷ {total_weight} = "
        "{numerator} ÷ {total_weight} = {value}"
    ),
    "mean.plain": "Mean of {scope}: ({values}) ÷ {count} = {total} ÷ {count} = {value}",
    # roll-ups
    "rollup.term": "{key}: progress {value} with weight {weight}",
    "rollup.no_key_results": "The objective has no key results.",
    "rollup.no_objectives": "There are no objectives.",
    "rollup.rule": "Parent progress rule: {rule}.",
    "rollup.child": "Aligned child {key}: progress {value}",
    "rollup.child_skipped": "Aligned child {key} has no progress yet and is left out.",
    "rollup.no_children": "No aligned child has progress.",
    "rollup.both": "({own} + {children}) ÷ 2 = {progress}",
    "rollup.only_one": "Only the {source} figure exists: progress {progress}.",
    "rollup.nothing": "Nothing to compute progress from under rule {rule}.",
    # ratings
    "rating.normalised": ("{criterion}: ({rating} − {min}) ÷ ({max} − {min}) = {fraction}"),
    "part.incomplete": "Ratings missing for: {missing}; the part is incomplete.",
    "peer.rater": "Rater {rater}: {fraction}",
    "peer.rater_incomplete": "Rater {rater} left out: ratings missing for {missing}.",
    "peer.too_few_raters": "Only {count} rater(s) counted, at least {minimum} needed.",
    # adjustments and composite
    "adjust.item": "{kind}: {count} × {each} = {points}",
    "adjust.bonus_capped": "Bonus {raw} capped at {cap}.",
    "adjust.deduction_capped": "Deduction {raw} capped at {cap}.",
    "adjust.total": "Adjustments: +{bonus} − {deduction} = {net}",
    "composite.part": "{part}: {fraction} × {weight}% × {scale} = {points}",
    "composite.part_unweighted": "{part} weighs 0 and does not count.",
    "composite.incomplete": "Missing parts: {missing}; no composite and no grade yet.",
    "composite.weighted_sum": "{terms} = {sum}",
    "composite.total": "{weighted_sum} + ({net}) = {composite}",
    "composite.floored": "Composite {raw} is below 0, floored to {composite}.",
    "composite.above_scale": "Composite {composite} exceeds the {scale}-point scale (bonuses).",
    "grade.band": "{score} ≥ {threshold}: grade {label}",
    "grade.band_exclusive": "{score} > {threshold}: grade {label}",
    "grade.improvement_plan": "Grade {label} requires an improvement plan.",
    # calibration
    "quota.allowed": "{label}: floor({size} × {fraction}) = {allowed} allowed",
    "quota.within": "{label}: {count} of {allowed} allowed, within quota.",
    "quota.exceeded": "{label}: {count} exceeds the {allowed} allowed.",
    "streak.flagged": (
        "{streak} cycle(s) in a row {comparison} {threshold} or in [{grades}]: "
        "reaches {cycles}, flagged."
    ),
    "streak.not_flagged": (
        "{streak} cycle(s) in a row {comparison} {threshold} or in [{grades}]: "
        "fewer than {cycles}, not flagged."
    ),
    # display
    "round.half_up": "{value} rounded half up to {places} decimals = {rounded}",
}

ERROR_TEMPLATES: dict[str, str] = {
    # numbers
    "number.not_text": "Expected text, got {value}.",
    "number.empty": "Please enter a number.",
    "number.too_long": "“{text}” is too long for a number (at most {max} characters).",
    "number.not_finite": "“{text}” is not a finite number.",
    "number.percent_not_allowed": "“{text}”: a percent sign is not allowed here.",
    "number.invalid": "“{text}” is not a number.",
    "number.not_number": "{value} is not a number.",
    "number.float": "{value} is a binary float; pass a Decimal, an int or text.",
    "number.invalid_places": "{places} is not a valid number of decimals.",
    "derivation.invalid": "Stored derivation is malformed: {reason}.",
    # attainment and key-result specs
    "attain.cap_below_one": "The attainment cap {cap} is below 1 (100%).",
    "attain.milestone_value": "A milestone is done (1) or not (0), not {value}.",
    "spec.missing_field": "A {kind} key result needs a {field}.",
    "spec.increase_start_equals_target": (
        "Start and target are both {start}: an increasing key result must aim above its start."
    ),
    "spec.increase_target_below_start": (
        "Target {target} is below start {start}: use a decreasing key result instead."
    ),
    "spec.decrease_start_equals_target": (
        "Start and target are both {start}: a decreasing key result must aim below its start."
    ),
    "spec.decrease_target_above_start": (
        "Target {target} is above start {start}: use an increasing key result instead."
    ),
    "spec.target_not_positive": "A {kind} key result needs a target above 0, not {target}.",
    "spec.at_most_target_negative": "An at-most target cannot be negative ({target}).",
    "spec.step_not_positive": "The step must be above 0, not {step}.",
    "spec.points_per_step_not_positive": "Points per step must be above 0, not {points_per_step}.",
    "spec.max_points_not_positive": "Maximum points must be above 0, not {max_points}.",
    "spec.tiers_empty": "A tiered key result needs at least one tier.",
    "spec.tier_points_negative": "Tier {tier} has negative points.",
    "spec.tier_bounds_reversed": "Tier {tier} has its lower bound above its upper bound.",
    "spec.tier_empty": "Tier {tier} contains no value.",
    "spec.tiers_overlap": "Tiers {first} and {second} overlap.",
    "spec.tiers_no_points": "No tier gives any points.",
    "spec.tiers_uncovered_below": "Values below tier {tier} match no tier and score 0.",
    "spec.tiers_gap": "Values between tier {after} and tier {before} match no tier and score 0.",
    "spec.tiers_uncovered_above": "Values above tier {tier} match no tier and score 0.",
    # weights
    "weights.negative": "Weight {position} of {scope} is negative ({weight}).",
    "weights.do_not_sum": "Weights of {scope} add up to {sum} ({weights}), not {expected}.",
    "weights.zero_total": "Weights of {scope} add up to 0; nothing can be averaged.",
    # ratings
    "rating.out_of_scale": "Rating {rating} for {criterion} is outside the scale {min}–{max}.",
    "rating.unknown_criterion": "{criterion} is not a criterion of this part.",
    "peer.self_rating": "{rater} cannot rate themself.",
    # templates and grades
    "template.unknown_part": "{part} is not a part of an appraisal.",
    "template.kr_has_criteria": "The key-result part is computed from OKRs and has no criteria.",
    "template.criteria_missing": "The {part} part counts but has no criteria.",
    "template.duplicate_criterion": "Criterion {key} appears twice in the {part} part.",
    "template.scale_invalid": "The scale of {key} must run upward ({min}–{max}).",
    "template.scale_not_positive": "The total scale must be above 0, not {scale}.",
    "template.duplicate_adjustment": "Adjustment {key} is defined twice.",
    "template.adjustment_zero": "Adjustment {key} gives 0 points.",
    "template.cap_negative": "The {which} cap cannot be negative ({cap}).",
    "template.unknown_grade": "{label} is not one of the grade bands.",
    "template.min_raters": "At least one peer rater is needed, not {minimum}.",
    "bands.empty": "At least one grade band is needed.",
    "bands.duplicate_label": "Grade {label} appears twice.",
    "bands.duplicate_threshold": "Two grades start at {threshold}.",
    "bands.no_floor": "The lowest grade {label} starts at {lowest}; it must cover 0.",
    "grade.below_all_bands": "Score {score} is below every grade band.",
    "adjust.unknown_kind": "{kind} is not an adjustment this template allows.",
    "adjust.bad_count": "{kind} needs a whole count of at least 1, not {count}.",
    "composite.fraction_out_of_range": "{part} fraction {fraction} is outside 0–{limit}.",
    # calibration and periods
    "quota.fraction_out_of_range": "The quota of {label} must be between 0 and 1, not {fraction}.",
    "streak.bad_cycles": "The number of cycles must be a whole number of at least 1 ({cycles}).",
    "streak.rule_empty": "The rule needs a score threshold or grades.",
    "period.misaligned": "{start}–{end} is not a {kind} period.",
    "period.out_of_range": "{day} is outside the supported calendar.",
    "period.label_invalid": "“{label}” is not a period label such as 2026 Q4.",
}


def placeholders(template: str) -> frozenset[str]:
    """The {named} placeholders of a template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def describe(code: str, params: Mapping[str, str]) -> str:
    """English sentence for a step or error code; unknown codes or missing params raise KeyError."""
    template = STEP_TEMPLATES.get(code) or ERROR_TEMPLATES[code]
    return template.format_map(dict(params))
