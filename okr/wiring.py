"""Everything a feature adds to the app, in one list per kind; only the factory imports this.

A new feature adds its blueprint to `blueprints()`, its template labels to `template_helpers()`
and its commands to `commands()`; see docs/architecture.md ("Layers and imports").
"""

from __future__ import annotations

from flask import Blueprint, Flask


def blueprints() -> list[Blueprint]:
    """Every feature's blueprint, in the order they are registered."""
    from okr.auth.views import bp as auth_bp
    from okr.main.views import bp as main_bp
    from okr.okrs.adjustment_views import bp as adjustments_bp
    from okr.okrs.alignment_views import bp as alignment_bp
    from okr.okrs.correction_views import bp as corrections_bp
    from okr.okrs.cycle_views import bp as cycles_bp
    from okr.okrs.kr_page import bp as kr_page_bp
    from okr.okrs.kr_views import bp as key_results_bp
    from okr.okrs.team_views import bp as team_bp
    from okr.okrs.template_views import bp as kr_templates_bp
    from okr.okrs.views import bp as okrs_bp
    from okr.okrs.week_views import bp as week_bp
    from okr.org.departments import bp as departments_bp
    from okr.org.people import bp as people_bp
    from okr.org.transfer import bp as transfer_bp
    from okr.records.views import bp as records_bp
    from okr.reviews.appraisal_views import bp as appraisals_bp
    from okr.reviews.calibration_views import bp as calibration_bp
    from okr.reviews.flags_views import bp as flags_bp
    from okr.reviews.peer_views import bp as peer_forms_bp
    from okr.reviews.plan_views import bp as plans_bp
    from okr.reviews.ranking_views import bp as rankings_bp
    from okr.reviews.reminders import bp as reminders_bp
    from okr.reviews.template_views import bp as review_templates_bp
    from okr.reviews.views import bp as reviews_bp

    return [
        main_bp,
        auth_bp,
        departments_bp,
        people_bp,
        transfer_bp,
        okrs_bp,
        key_results_bp,
        cycles_bp,
        week_bp,
        corrections_bp,
        kr_page_bp,
        team_bp,
        alignment_bp,
        kr_templates_bp,
        adjustments_bp,
        review_templates_bp,
        reviews_bp,
        appraisals_bp,
        peer_forms_bp,
        reminders_bp,
        calibration_bp,
        rankings_bp,
        flags_bp,
        plans_bp,
        records_bp,
    ]


def template_helpers(app: Flask) -> None:
    """Features' labels and filters every template may use."""
    from okr.okrs import labels

    labels.register(app)


def commands(app: Flask) -> None:
    """The `flask --app okr ...` commands of every feature."""
    from okr.bench import init_app as register_bench
    from okr.cli import init_app as register_app_commands
    from okr.records.cli import init_app as register_record_commands
    from okr.reviews.cli import register as register_review_commands

    register_review_commands(app)
    register_record_commands(app)
    register_app_commands(app)
    register_bench(app)  # `flask bench ...`, and Server-Timing when OKR_SERVER_TIMING is on


def connect_signals() -> None:
    """Features that hear what happens in a feature below them (blinker signals)."""
    from okr.auth.sessions import connect as connect_sessions
    from okr.reviews.plans import connect as connect_plans

    connect_sessions()
    connect_plans()


def init_app(app: Flask) -> None:
    """Wire every feature into the app."""
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    template_helpers(app)
    commands(app)
    connect_signals()
