"""Public advisor pages and the advisor's own profile page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors import services
from advising.advisors.access import own_profile_or_404
from advising.advisors.forms import ProfileForm
from advising.shared.tokens import well_formed
from advising.shared.zones import is_zone

bp = Blueprint("advisors", __name__)


@bp.get("/advisors")
def advisor_list() -> str:
    """Every bookable advisor; a roadmap's token and a chosen zone travel on to their pages."""
    intake = request.args.get("intake", "")
    tz = request.args.get("tz", "")
    return render_template(
        "advisors/list.html",
        advisors=services.active_advisors(),
        intake=intake if well_formed(intake) else None,
        tz=tz if is_zone(tz) else None,
    )


@bp.route("/me/profile", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def edit_profile() -> str | Response:
    profile = own_profile_or_404()
    form = ProfileForm(obj=profile)
    if not form.is_submitted():
        form.specialties.data = ", ".join(profile.specialties or [])
    if form.validate_on_submit():
        old_slug = profile.slug
        try:
            services.update_profile(
                profile,
                display_name=form.display_name.data.strip(),
                slug=form.slug.data,
                bio=form.bio.data or "",
                specialties=form.specialty_list(),
                timezone=form.timezone.data,
                video_url=form.video_url.data or None,
                active=form.active.data,
            )
        except services.ProfileError as error:
            getattr(form, error.field or "slug").errors.append(str(error))
        else:
            moved = profile.slug != old_slug
            flash(
                f"Your profile is saved. Links to your old address, /advisors/{old_slug}, "
                "lead to the new one."
                if moved
                else "Your profile is saved.",
                "success",
            )
            return redirect(url_for("advisors.edit_profile"))
    return render_template("advisors/profile_form.html", form=form, profile=profile)
