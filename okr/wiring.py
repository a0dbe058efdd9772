"""Everything a feature adds to the app, in one list per kind; only the factory imports this.

A new feature adds its blueprint to `blueprints()`, its template labels to `template_helpers()`,
its commands to `commands()` and its job kinds to `job_kinds()`; see docs/architecture.md
("Layers and imports").
"""

from __future__ import annotations

from flask import Blueprint, Flask


def blueprints() -> list[Blueprint]:
    """Every feature's blueprint (one per package), in the order they are registered.

    A package's view modules add their routes to its `blueprint.py`; importing them here is what
    attaches the routes, so a new view module is listed here too.
    """
    from okr.alignment import views as _alignment  # noqa: F401
    from okr.alignment.blueprint import bp as alignment
    from okr.api import token_views as _api_tokens  # noqa: F401
    from okr.api.blueprint import pages as api_pages
    from okr.appraisals import interview_views as _interviews  # noqa: F401
    from okr.appraisals import views as _appraisals  # noqa: F401
    from okr.appraisals.blueprint import bp as appraisals
    from okr.auth import views as _auth  # noqa: F401
    from okr.auth.blueprint import bp as auth
    from okr.calibration import views as _calibration  # noqa: F401
    from okr.calibration.blueprint import bp as calibration
    from okr.checkins import correction_views as _corrections  # noqa: F401
    from okr.checkins import upload_views as _value_uploads  # noqa: F401
    from okr.checkins import views as _checkins  # noqa: F401
    from okr.checkins.blueprint import bp as checkins
    from okr.cycles import calendar_views as _cycle_calendar  # noqa: F401
    from okr.cycles import views as _cycles  # noqa: F401
    from okr.cycles.blueprint import bp as cycles
    from okr.departments import views as _departments  # noqa: F401
    from okr.departments.blueprint import bp as departments
    from okr.flags import views as _flags  # noqa: F401
    from okr.flags.blueprint import bp as flags
    from okr.jobs import views as _jobs  # noqa: F401
    from okr.jobs.blueprint import bp as jobs
    from okr.key_results import page as _key_result_page  # noqa: F401
    from okr.key_results import source_views as _key_result_sources  # noqa: F401
    from okr.key_results import views as _key_results  # noqa: F401
    from okr.key_results.blueprint import bp as key_results
    from okr.kr_templates import views as _kr_templates  # noqa: F401
    from okr.kr_templates.blueprint import bp as kr_templates
    from okr.main import views as _main  # noqa: F401
    from okr.main.blueprint import bp as main
    from okr.notify import channel_views as _notify_channels  # noqa: F401
    from okr.notify import log_views as _notify_log  # noqa: F401
    from okr.notify import preference_views as _notify_preferences  # noqa: F401
    from okr.notify.blueprint import bp as notify
    from okr.objectives import adjustment_views as _adjustments  # noqa: F401
    from okr.objectives import edit_views as _objective_edits  # noqa: F401
    from okr.objectives import views as _objectives  # noqa: F401
    from okr.objectives.blueprint import bp as objectives
    from okr.peer_reviews import views as _peer_reviews  # noqa: F401
    from okr.peer_reviews.blueprint import bp as peer_reviews
    from okr.people import import_views as _people_import  # noqa: F401
    from okr.people import views as _people  # noqa: F401
    from okr.people.blueprint import bp as people
    from okr.plans import views as _plans  # noqa: F401
    from okr.plans.blueprint import bp as plans
    from okr.rankings import views as _rankings  # noqa: F401
    from okr.rankings.blueprint import bp as rankings
    from okr.records import views as _records  # noqa: F401
    from okr.records.blueprint import bp as records
    from okr.reminders import views as _reminders  # noqa: F401
    from okr.reminders.blueprint import bp as reminders
    from okr.review_templates import views as _review_templates  # noqa: F401
    from okr.review_templates.blueprint import bp as review_templates
    from okr.reviews import rollup_views as _rollup_reads  # noqa: F401
    from okr.reviews import views as _reviews  # noqa: F401
    from okr.reviews.blueprint import bp as reviews
    from okr.team import views as _team  # noqa: F401
    from okr.team.blueprint import bp as team
    from okr.todo import views as _todo  # noqa: F401
    from okr.todo.blueprint import bp as todo

    return [
        main,
        auth,
        departments,
        people,
        cycles,
        objectives,
        key_results,
        checkins,
        team,
        alignment,
        kr_templates,
        review_templates,
        reviews,
        appraisals,
        peer_reviews,
        todo,
        calibration,
        rankings,
        flags,
        plans,
        records,
        reminders,
        jobs,
        api_pages,
        notify,
    ]


def template_helpers(app: Flask) -> None:
    """Features' labels and filters every template may use."""
    from okr import labels

    labels.register(app)


def commands(app: Flask) -> None:
    """The `flask --app okr ...` commands of every feature."""
    from okr.api.cli import init_app as register_api_commands
    from okr.bench import init_app as register_bench
    from okr.cli import init_app as register_app_commands
    from okr.jobs.cli import init_app as register_jobs
    from okr.notify.cli import init_app as register_notify
    from okr.records.cli import init_app as register_record_commands
    from okr.reminders.cli import init_app as register_reminder_commands
    from okr.review_templates.cli import register as register_review_commands

    register_jobs(app)  # the queue and `flask jobs ...`
    register_review_commands(app)
    register_record_commands(app)
    register_reminder_commands(app)  # `flask reminders tick`
    register_app_commands(app)
    register_api_commands(app)  # `flask api-token create`
    register_notify(app)  # `flask notify deliver`
    register_bench(app)  # `flask bench ...`, and Server-Timing when OKR_SERVER_TIMING is on


def job_kinds() -> None:
    """Every feature's background job kinds (okr.jobs.registry): importing a module registers
    its handlers, so that the app can submit them and every `flask jobs worker` can run them."""
    from okr.calibration import jobs as _calibration_jobs  # noqa: F401  (review.finalize, .release)
    from okr.checkins import upload_job as _value_upload  # noqa: F401  ("checkins.upload")
    from okr.notify import delivery_job as _notify  # noqa: F401  ("notify.deliver")
    from okr.people import exporting as _people_export  # noqa: F401  ("export.people")
    from okr.people import import_job as _people_import  # noqa: F401  ("people.import")
    from okr.rankings import export as _results_export  # noqa: F401  ("export.results")
    from okr.records import batch as _record_batches  # noqa: F401  ("records.batch")
    from okr.reminders import jobs as _reminders  # noqa: F401  ("reminders.tick", notice kinds)
    from okr.reviews import open_job as _open_review  # noqa: F401  ("review.open")
    from okr.reviews import rollup_job as _rollup_read  # noqa: F401  ("review.rollups")
    from okr.team import exports as _weekly_export  # noqa: F401  ("export.weekly")


def connect_signals() -> None:
    """Features that hear what happens in a feature below them (blinker signals)."""
    from okr.auth.sessions import connect as connect_sessions
    from okr.objectives.progress import connect as connect_progress
    from okr.plans.services import connect as connect_plans
    from okr.reviews.cycle_templates import connect as connect_cycle_templates

    connect_sessions()
    connect_progress()
    connect_plans()
    connect_cycle_templates()


def init_app(app: Flask) -> None:
    """Wire every feature into the app."""
    from okr.api import init_app as init_api

    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    init_api(app)  # /api/v1: its blueprints go through flask-smorest's Api (the document)
    template_helpers(app)
    commands(app)
    job_kinds()
    connect_signals()
