"""Every kind the planner posts is registered with delivery's registry: a label, a sample for
the preview in each language, mandatory only for review stages."""

from __future__ import annotations

from flask_babel import force_locale

from okr.notify.kinds import kind
from okr.reminders.calendar import KIND_LABELS
from tests.helpers import assert_reads_in_chinese


def test_each_kind_has_a_sample_in_both_languages(app):
    for name in KIND_LABELS:
        registered = kind(name)
        assert registered is not None, name
        assert registered.mandatory == name.startswith("review_"), name
        assert registered.digest == (name == "department_stage_digest"), name
        with force_locale("zh"):
            title, lines, _link = registered.sample()
            assert_reads_in_chinese([title, *lines, str(registered.label)])
        with force_locale("en"):
            title, lines, _link = registered.sample()
            assert title and lines and str(registered.label) == str(KIND_LABELS[name])
