"""Built-in `community-ops-yearly`: seed 004's yearly review over the four quarterly results.

Seed 004: "考核周期:按季度、半年、年度进行". Read as the half-year is (okr.schemes.
builtin_community_half_year): the mean of the released quarterly `community-ops` composites of
the quarters within the year, the same bands, no year-end bonus (the seed names none).
"""

from __future__ import annotations

from typing import Any

from okr.schemes.builtin_community_half_year import community_rollup


def community_ops_yearly(fmt: str) -> dict[str, Any]:
    """The yearly template: the mean of the year's four released quarterly composites."""
    label = {"zh": "本年度各季度得分", "en": "Quarterly results of the year"}
    return community_rollup(fmt, "社群运营年度考核（季度得分汇总）", label, "年度")
