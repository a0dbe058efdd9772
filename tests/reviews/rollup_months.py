"""Released monthly results for the roll-up tests: a month's review opened, rated, finalized
and (unless told otherwise) released; and the yearly template that rolls them up."""

from __future__ import annotations

from datetime import date

from okr.calibration.results import release
from okr.extensions import db
from tests.factories import cycle_row, opened_review, rated_and_final

AWARD = {"key": "award", "label": "月度奖", "when": {"above": "90"}, "points": "1"}


def month(org, n: int, ratings: dict, *, released: bool = True):
    cycle = cycle_row(f"2026-{n:02d}", date(2026, n, 1), date(2026, n, 28), "active", kind="month")
    review = opened_review(cycle, org.template, org.teams, org.hr, name=f"2026-{n:02d} 考核")
    db.session.commit()
    org.reviews.append(review)
    for person, rating in ratings.items():
        rated_and_final(org, person, rating, review)
    if released:
        release(review, org.spec)
        db.session.commit()
    return cycle


def yearly_spec(family: str) -> dict:
    """A yearly points template rolling up `family`: the mean, 获得月度奖 +4, department first +2."""
    return {
        "name": "年度考核",
        "composite": "points",
        "parts": {"monthly": "100"},
        "bands": [
            {"label": "升级", "min": "90"},
            {"label": "保级", "min": "80"},
            {"label": "降级", "min": "0"},
        ],
        "rollups": [
            {
                "key": "monthly",
                "label": {"zh": "1–12 月月度得分", "en": "Monthly results"},
                "rollup": {"family": family, "of": "mean"},
                "bonuses": [
                    {"key": "award", "label": "获得月度奖", "points": "4", "outcome": "award"},
                    {"key": "top3", "label": "入TOP3", "points": "2", "top": 1},
                ],
            }
        ],
    }
