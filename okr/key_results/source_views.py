"""Where a key result's numbers come from, changed at any time (it scores nothing): a key result
of a running cycle can start taking values from the API or an upload."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.errors import Invalid
from okr.extensions import db
from okr.key_results.blueprint import bp
from okr.key_results.forms import SourceForm
from okr.key_results.sources import set_source
from okr.objectives import access
from okr.objectives.models import KeyResult
from okr.web import form_errors, invalid_status, render


@bp.route("/key-results/<int:kr_id>/source", methods=["GET", "POST"])
@login_required
def source(kr_id: int) -> Response:
    """The source form for whoever may edit the key result's objective."""
    kr = db.get_or_404(KeyResult, kr_id, options=[db.joinedload(KeyResult.objective)])
    ensure(access.can_edit(current_user, kr.objective))
    form = SourceForm(data={"source": kr.source, "source_key": kr.source_key or ""})
    if form.validate_on_submit():
        try:
            set_source(kr, form.source.data, form.source_key.data or "")
        except Invalid as exc:
            form_errors(form, exc)
        else:
            flash(_("Where the numbers come from is saved."), "success")
            return redirect(url_for("key_results.detail", kr_id=kr.id), code=303)
    return render("key_results/source.html", form=form, kr=kr, status=invalid_status(form))
