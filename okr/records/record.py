"""What a review record (考核记录) holds: plain text in dataclasses, and its content hash.

The print template sees only these (no ORM objects), and the hash is taken over them, so a
changed copy can be told apart from the filed one. `data.build_record` fills them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass
class KRLine:
    title: str
    kind: str
    weight: str
    start: str
    target: str
    actual: str
    attainment: str
    points: str  # the rule's points, for point kinds ("5 of 8 points"), else ""
    score: str  # attainment x weight, out of the weight: the KR's share of the objective's 100
    series: list[tuple[str, str]]  # (week start ISO, attainment fraction) for the chart


@dataclass
class ObjectiveBlock:
    title: str
    weight: str
    progress: str
    key_results: list[KRLine]


@dataclass
class RatingLine:
    label: str
    weight: str
    scale: str
    value: str


@dataclass
class PlanLine:
    section: str
    title: str
    current: str
    target: str
    owner: str
    due: str
    status: str


@dataclass
class Record:
    record_number: str
    language: str
    company: str
    cycle: str
    cycle_dates: str
    review: str
    review_dates: str
    person: str
    department: str
    position: str
    manager: str
    objectives: list[ObjectiveBlock]
    okr_score: str
    self_ratings: list[RatingLine]
    self_reflection: str
    peer: list[RatingLine]
    peer_note: str
    interview_notes: list[tuple[str, str]]
    interview_ratings: list[RatingLine]
    disagreement: str
    adjustments: list[tuple[str, str]]
    parts: list[tuple[str, str, str, str]]  # part, weight, fraction, points
    composite: str
    scale: str
    grade: str
    final_grade: str
    rank: str
    overrides: list[tuple[str, str, str, str, str]]  # from, to, reason, who, when
    derivation: list[str]
    rounding: str
    outcomes: list[str]  # the rewards and penalties (奖惩) the result earns, each with its reason
    plan: list[PlanLine]
    plan_status: str
    acknowledgement: str
    acknowledgement_note: str
    acknowledged_at: str
    interview_at: str
    chart_range: tuple[str, str] = ("", "")
    # A roll-up template's parts: (part, [(cycle, composite, rank, bonuses earned)]) that fed it.
    rollups: list[tuple[str, list[tuple[str, str, str, str]]]] = field(default_factory=list)
    # a self-assessed section's indicators: (indicator, plan points, self, reviewer)
    self_points: list[tuple[str, str, str, str]] = field(default_factory=list)
    content_hash: str = field(default="")
    consequences: list[str] = field(default_factory=list)  # streak consequences HR acted on

    def compute_hash(self) -> str:
        """SHA-256 over the record's content (everything but the hash itself)."""
        data = asdict(self)
        data.pop("content_hash")
        # Records without 奖惩, a self-assessed section, streak consequences or roll-up parts hash
        # as before.
        for optional in ("outcomes", "self_points", "consequences", "rollups"):
            if not data[optional]:
                data.pop(optional)
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
