"""Public booking pages, manage links and the advisor's consultations and rules."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors import services as advisors
from advising.advisors.access import own_profile_or_404
from advising.advisors.models import AdvisorProfile
from advising.calendars import services as calendars
from advising.calendars.week import week_start_of
from advising.database import utcnow
from advising.scheduling import (
    advisor_calendar,
    from_intake,
    limits,
    month,
    new_advisors,
    personal_data,
    request_keys,
    retention,
    services,
)
from advising.scheduling import slots as engine
from advising.scheduling.cache import SlotCache
from advising.scheduling.cli import bookings_cli
from advising.scheduling.defaults import DEFAULT_SETTINGS
from advising.scheduling.forms import (
    BLANK_ROWS,
    ROWS_PER_DAY,
    WEEKDAYS,
    BookingForm,
    BookingRulesForm,
    CancelForm,
    ConfirmForm,
    DateOverrideForm,
    EraseForm,
    HoursRow,
    RescheduleForm,
    ZoneForm,
    check_rows,
    copy_rows,
    parse_instant,
    parse_ranges,
    ranges_of,
    rows_field,
    rows_from_formdata,
    rows_from_ranges,
)
from advising.scheduling.matching import matched_words
from advising.scheduling.models import ACTIVE_STATUSES, Actor, Booking, BookingStatus
from advising.scheduling.pooled import PooledDays
from advising.shared import timefmt as display
from advising.shared.text import has_nul
from advising.shared.tokens import well_formed
from advising.shared.zones import offered_zone, zone_name
from advising.web import (
    NavItem,
    add_deactivation_note,
    add_nav,
    mark_embeddable,
    mark_private,
    read_only_view,
    remembered_roadmap,
    render_error,
)

bp = Blueprint("scheduling", __name__)

def _visitor_zone(advisor: AdvisorProfile) -> tuple[str, bool]:
    """The zone to show times in: the visitor's choice when valid (by its current name, as the
    picker offers it), else the advisor's."""
    tz = offered_zone(request.values.get("tz", ""))
    if tz is not None:
        return tz, True
    return advisor.timezone, False


def _zone_form(zone: str) -> ZoneForm:
    """The zone picker of a page of times, showing ``zone``."""
    zone_form = ZoneForm(request.args, meta={"csrf": False})
    zone_form.tz.data = zone
    return zone_form


def _active_advisor_or_404(slug: str) -> AdvisorProfile:
    """The advisor at this address; at an address they had before, a permanent redirect to
    the same page at their current one (query kept), so shared links keep working."""
    advisor = advisors.advisor_by_slug(slug)
    if advisor is None:
        moved = advisors.advisor_by_former_slug(slug)
        if moved is None:
            abort(404)
        view_args = {**(request.view_args or {}), "slug": moved.slug}
        target = url_for(request.endpoint or "scheduling.advisor_page", **view_args)
        query = request.query_string.decode("utf-8", "replace")
        # permanent; a form sent to the old address is sent again, as it was, to the new one
        code = 301 if request.method in ("GET", "HEAD") else 308
        abort(redirect(f"{target}?{query}" if query else target, code))
    return advisor


# --- public ------------------------------------------------------------------------------------


@bp.get("/advisors/<slug>")
@read_only_view
def advisor_page(slug: str) -> str | Response:
    """The advisor's page: a month calendar marking the days with free times (the whole
    booking horizon, month by month), then the chosen day's times, in the visitor's zone.
    Without JavaScript every day and month is a plain link. With ``match`` it also says why
    "any advisor" chose this advisor, and names the other matches."""
    advisor = _active_advisor_or_404(slug)
    if not request.args.get("match"):
        return _render_advisor_page(advisor)
    ranked = _ranked_for_visitor()
    mine = next((m for m in ranked if m.advisor.id == advisor.id), None)
    return _render_advisor_page(advisor, mine, ranked)


def _ranked_for_visitor() -> list[services.Match]:
    """The advisors with free time, best fit for the visitor's roadmap first."""
    wants = from_intake.wants_of(from_intake.visitor_roadmap())
    return services.rank_advisors(advisors.active_advisors(), wants)


def _render_advisor_page(
    advisor: AdvisorProfile,
    match: services.Match | None = None,
    ranked: list[services.Match] | None = None,
) -> str | Response:
    zone, chosen = _visitor_zone(advisor)
    now = utcnow()
    # "Any advisor" read the chosen advisor's rules to rank them: no second read
    rules = (match.rules if match is not None else None) or services.rules_of(advisor)
    tz = ZoneInfo(zone)
    today, last_day = now.astimezone(tz).date(), (now + rules.horizon).astimezone(tz).date()
    asked_day = parse_day(request.args.get("day"))
    if asked_day is None and request.args.get("month") is None and match is not None:
        # "Any advisor" opens on the day of the first free time it names, whichever month.
        asked_day = match.first.start.astimezone(tz).date()
    first = month.first_of_month(request.args.get("month"), asked_day or today, today, last_day)
    start, month_end = _month_range(first, zone, now)
    by_day = (
        services.slots_by_day(advisor, start, month_end, now, zone)
        if start < month_end
        else engine.slots_by_day([], rules.duration, zone)
    )
    days = by_day.counts()
    if request.args.get("month") is None and asked_day is None and not days:
        # nothing left this month: open the first month that has a free time
        upcoming = services.next_available_slots(advisor, now, days=rules.horizon.days + 1)
        if upcoming:
            args = request.args.to_dict()
            if match is not None:
                args["match"] = "1"
            return redirect(
                url_for(
                    "scheduling.advisor_page",
                    slug=advisor.slug,
                    day=upcoming[0].start.astimezone(tz).date().isoformat(),
                    **args,
                )
            )
    picker = _picker(zone, chosen, first, days, asked_day, (today, last_day))
    selected = picker["selected"]
    return render_template(
        "scheduling/advisor.html",
        advisor=advisor,
        **picker,
        day_slots=by_day.slots_on(selected) if selected else [],
        duration_minutes=int(rules.duration.total_seconds() // 60),
        now=now,
        intake=from_intake.intake_param().get("intake"),
        **(_match_note(match, ranked or [], zone) if match is not None else {}),
    )


def _picker(
    zone: str,
    chosen: bool,
    first: date,
    days: dict[date, int],
    asked_day: date | None,
    bounds: tuple[date, date],
) -> dict[str, object]:
    """What a page of times shows above its times: the zone picker and ``first``'s month,
    with the day asked for selected when it has times, else the month's first day with any."""
    selected = asked_day if asked_day in days else next(iter(sorted(days)), None)
    return {
        "zone": zone,
        "zone_chosen": chosen,
        "zone_form": _zone_form(zone),
        "month": month.month_view(first, days, selected, *bounds),
        "selected": selected,
    }


def _month_range(first: date, zone: str, now: datetime) -> tuple[datetime, datetime]:
    """The instants of ``first``'s month in ``zone`` still to come (from the minute, so a
    minute's visitors share a cached answer); empty once the month is over."""
    month_start = engine.local_day_bounds(first, zone)[0]
    month_end = engine.local_day_bounds(month.next_month(first), zone)[0]
    return max(month_start, now.replace(second=0, microsecond=0)), month_end


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _match_note(
    mine: services.Match, ranked: list[services.Match], zone: str
) -> dict[str, object]:
    """Why 'any advisor' chose this advisor, and the other matches (for the advisor page)."""
    first = display.format_datetime(mine.first.start, zone)
    if mine.fit.matched:
        why = f"Advises on {matched_words(mine.fit.matched)}; first free time {first}."
    else:
        why = f"The first free time of the advisors: {first}."
    others = [m for m in ranked if m.advisor.id != mine.advisor.id][:3]
    return {"match_why": why, "other_matches": others}


@bp.get("/book/any")
@read_only_view
def any_advisor() -> str | Response:
    """'Any advisor': the page of the advisor who fits the visitor's roadmap best
    (credential, setting, specialties), then the soonest free, saying why; answered here in
    one request (the page names its own address as canonical), ranked from cached slots."""
    ranked = _ranked_for_visitor()
    if not ranked:
        flash("No advisor has free time in the next two weeks. Please check back soon.", "warning")
        return redirect(url_for("advisors.advisor_list"))
    return _render_advisor_page(ranked[0].advisor, ranked[0], ranked)


@bp.get("/book/any/times")
@read_only_view
def any_time() -> str | Response:
    """Every advisor's free times on one calendar, in the visitor's zone: for someone who
    needs a particular time more than a particular advisor. Each time books the advisor who
    fits the visitor's roadmap best among those free then."""
    ordered = services.by_fit(
        advisors.active_advisors(), from_intake.wants_of(from_intake.visitor_roadmap())
    )
    if not ordered:
        flash("No advisor is taking bookings right now. Please check back soon.", "warning")
        return redirect(url_for("advisors.advisor_list"))
    zone, chosen = _visitor_zone(ordered[0])
    now = utcnow()
    tz = ZoneInfo(zone)
    horizon = max(services.rules_of(advisor).horizon for advisor in ordered)
    today, last_day = now.astimezone(tz).date(), (now + horizon).astimezone(tz).date()
    asked_day = parse_day(request.args.get("day"))
    first = month.first_of_month(request.args.get("month"), asked_day or today, today, last_day)

    def month_of_times(first: date) -> PooledDays:
        start, month_end = _month_range(first, zone, now)
        if start >= month_end:
            return PooledDays(())
        return services.pooled_slots_by_day(ordered, start, month_end, now, zone)

    pooled = month_of_times(first)
    days = pooled.counts()
    if request.args.get("month") is None and asked_day is None:
        while not days and first < last_day.replace(day=1):  # open the first month with times
            first = month.next_month(first)
            pooled = month_of_times(first)
            days = pooled.counts()
    picker = _picker(zone, chosen, first, days, asked_day, (today, last_day))
    selected = picker["selected"]
    return render_template(
        "scheduling/any_time.html",
        advisors=ordered,
        **picker,
        day_slots=pooled.slots_on(selected) if selected else [],
        now=now,
        intake=from_intake.intake_param().get("intake"),
    )


def _book_once(advisor: AdvisorProfile, form: BookingForm, visitor: services.VisitorDetails):
    """Book through the form's one-time key: the same form sent again (a retry after a lost
    answer, a double click) returns the booking it made instead of booking twice."""
    key = form.form_key.data or ""
    keyed = None
    if well_formed(key):
        keyed = request_keys.request_key(
            request_keys.WEB,
            key,
            current_app.config["SECRET_KEY"],
            advisor.slug,
            form.start_instant.isoformat(),
            visitor.email,
        )
    try:
        return services.book(advisor, form.start_instant, visitor, request=keyed)
    except request_keys.KeyReused:  # the same form, sent for another time or person
        return services.book(advisor, form.start_instant, visitor)


# The last booking made in this browser session: Back to its form leads to it, not "gone".
JUST_BOOKED_KEY = "just_booked"


@bp.route("/advisors/<slug>/book", methods=["GET", "POST"])
def book(slug: str) -> tuple[str, int] | Response:
    advisor = _active_advisor_or_404(slug)
    mark_private()
    form = BookingForm()
    if request.method == "GET":
        form.start.data = request.args.get("start", "")
        form.tz.data = request.args.get("tz", "")
        form.form_key.data = secrets.token_urlsafe(24)
        from_intake.prefill(
            form, from_intake.visitor_roadmap(), details=bool(from_intake.intake_param())
        )
    zone = offered_zone(form.tz.data or "") or advisor.timezone
    alternatives: list[engine.Slot] = []
    start = form.start_instant
    if request.method == "GET" and (start is None or not services.slot_is_free(advisor, start)):
        just_booked = session.get(JUST_BOOKED_KEY)
        if start is not None and just_booked and just_booked[0] == f"{slug}|{start.isoformat()}":
            # Back from the confirmation: the time is theirs, not gone
            flash("You booked this time. Here is your consultation.", "info")
            return redirect(url_for("scheduling.manage", token=just_booked[1]))
        flash("That time is no longer available. Please choose another.", "warning")
        return redirect(
            url_for("scheduling.advisor_page", slug=slug, tz=zone, intake=form.intake.data or None)
        )
    notice, status = None, 200
    if form.is_submitted() and form.caught_robot:
        notice, status = "We could not take this booking. Please try again.", 400
    elif form.validate_on_submit():
        visitor = services.VisitorDetails(
            name=form.name.data.strip(),
            email=form.email.data,
            phone=(form.phone.data or "").strip() or None,
            topic=(form.topic.data or "").strip(),
            timezone=zone,
            intake_id=None
            if form.private_roadmap.data
            else from_intake.intake_id_for(form.intake.data),
        )
        try:
            limits.count_booking_attempt(request.remote_addr, visitor.email)
            booking, token = _book_once(advisor, form, visitor)
        except services.SlotTaken as taken:
            alternatives = taken.alternatives
            form.start.errors.append("That time was just taken.")
        except services.BookingError as error:
            status = 429 if isinstance(error, limits.BookingLimited) else 422
            if error.field in ("email", "name"):
                form[error.field].errors.append(str(error))
            else:
                notice = str(error)
        else:
            if booking.status == BookingStatus.HELD:
                flash(
                    "This time is held for you: confirm it from the link we just emailed you.",
                    "warning",
                )
            else:
                flash(
                    "Your consultation is booked. A confirmation is on its way by email.",
                    "success",
                )
            session[JUST_BOOKED_KEY] = (f"{slug}|{form.start_instant.isoformat()}", token)
            return redirect(url_for("scheduling.manage", token=token))
    if form.is_submitted() and has_nul(request.form.items(multi=True)):
        status = 400
    form.private_roadmap.label.text = (
        f"Don't share that roadmap: {advisor.display_name} sees only the details above"
    )
    hold_minutes = services.settings_for(advisor.id).hold_minutes
    if hold_minutes:  # said before booking, not only after
        form.email.description = (
            f"We email you a link to confirm this booking: the time is held for you for "
            f"{hold_minutes} minutes, and the calendar invitation follows your confirmation."
        )
    return render_template(
        "scheduling/book.html",
        advisor=advisor,
        form=form,
        zone=zone,
        start=form.start_instant,
        duration=services.rules_of(advisor).duration,
        alternatives=alternatives,
        notice=notice,
    ), status


def _booking_or_404(token: str) -> Booking:
    mark_private()
    booking = services.booking_by_token(token)
    if booking is None:  # say what a visitor can do about it, not just "page not found"
        page, code = render_error(
            404,
            "This booking link is not valid. Check that it is the whole address from your "
            "booking email; a booking whose details were deleted has no page any more.",
        )
        abort(make_response(page, code))
    return booking


def _visitor_page(template: str, booking: Booking, token: str, **context: object) -> str:
    """A page of the visitor's private link, in the visitor's zone."""
    return render_template(
        template, booking=booking, token=token, zone=booking.visitor_timezone, **context
    )


@bp.get("/b/<token>")
def manage(token: str) -> str:
    booking = _booking_or_404(token)
    settings = services.settings_for(booking.advisor_id)
    now = utcnow()
    return _visitor_page(
        "scheduling/manage.html",
        booking,
        token,
        can_reschedule=services.can_change(booking, settings.reschedule_cutoff_hours)
        and booking.advisor.takes_bookings,
        can_cancel=services.can_change(booking, settings.cancel_cutoff_hours),
        settings=settings,
        hold_expired=booking.hold_expires_at is not None and booking.hold_expires_at <= now,
        over=booking.end_at <= now,
        roadmap_token=_roadmap_of_booking(booking),
    )


def _roadmap_of_booking(booking: Booking) -> str | None:
    """The token of the roadmap this booking was made from, when this browser opened that
    roadmap (the page links back to it); None otherwise: the token itself is never stored."""
    token = remembered_roadmap()
    if booking.intake_id is None or token is None:
        return None
    return token if from_intake.intake_id_for(token) == booking.intake_id else None


@bp.route("/b/<token>/confirm", methods=["GET", "POST"])
def confirm(token: str) -> str | Response:
    """The confirm link of a held booking: GET shows a button (mail scanners follow links),
    POST confirms."""
    booking = _booking_or_404(token)
    form = ConfirmForm()
    error = None
    key = request.args.get("key")
    if booking.status != BookingStatus.HELD:
        return redirect(url_for("scheduling.manage", token=token))
    if not services.confirm_key_matches(booking, key):  # not from the mail: say where it is
        return redirect(url_for("scheduling.manage", token=token))
    if form.validate_on_submit():
        try:
            services.confirm(booking, manage_token=token)
        except services.BookingError as refused:
            error = str(refused)
        else:
            flash("Your consultation is confirmed. See you then!", "success")
            return redirect(url_for("scheduling.manage", token=token))
    return _visitor_page("scheduling/confirm.html", booking, token, form=form, error=error)


@bp.route("/b/<token>/delete-data", methods=["GET", "POST"])
def delete_data(token: str) -> str | Response:
    """Delete my personal data: asks first (GET), deletes on POST; an upcoming consultation
    is cancelled first, with the usual mail."""
    booking = _booking_or_404(token)
    form = EraseForm()
    if booking.personal_data_erased_at is None and form.validate_on_submit():
        personal_data.erase(booking)
        flash("Your personal data is deleted from this booking.", "success")
        return redirect(url_for("scheduling.manage", token=token))
    return _visitor_page(
        "scheduling/delete_data.html",
        booking,
        token,
        form=form,
        upcoming=booking.status in ACTIVE_STATUSES and booking.end_at > utcnow(),
    )


@bp.route("/b/<token>/reschedule", methods=["GET", "POST"])
def reschedule(token: str) -> str | Response:
    booking = _booking_or_404(token)
    return reschedule_page(
        booking,
        by=Actor.VISITOR,
        manage_token=token,
        back=url_for("scheduling.manage", token=token),
        done=url_for("scheduling.manage", token=token),
        zone=booking.visitor_timezone,
    )


@bp.route("/b/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> str | Response:
    booking = _booking_or_404(token)
    return cancel_page(
        booking,
        by=Actor.VISITOR,
        back=url_for("scheduling.manage", token=token),
        done=url_for("scheduling.manage", token=token),
    )


def reschedule_page(
    booking: Booking,
    *,
    by: Actor,
    back: str,
    done: str,
    zone: str,
    moved: str = "The consultation is moved. Updated invitations are on their way.",
    manage_token: str | None = None,
) -> str | Response:
    """The page that moves ``booking`` for ``by`` (visitor, advisor or staff), in ``zone``
    unless the person picks another. Choosing a time asks to confirm it (nothing moves on one
    click); a time just taken keeps the form with the nearest free times next to it. A booking
    that is no longer active shows no picker: it goes back with a note."""
    if booking.status != BookingStatus.CONFIRMED:
        flash(
            f"This consultation is {booking.status.replace('_', ' ')}: it cannot be moved.",
            "info",
        )
        return redirect(back)
    advisor = booking.advisor
    if not advisor.takes_bookings:
        flash(
            f"{advisor.display_name} no longer takes new times, so this consultation cannot be "
            "moved. You can keep it or cancel it.",
            "info",
        )
        return redirect(back)
    zone_asked = offered_zone(request.args.get("tz", ""))
    zone = zone_asked or zone
    form = RescheduleForm()
    alternatives: list[engine.Slot] = []
    picked = parse_instant(request.form.get("choose")) if request.method == "POST" else None
    if picked is not None:  # the confirmation is a page of its own: Back and reload work
        kept = {key: value for key in ("tz", "month", "day") if (value := request.args.get(key))}
        return redirect(
            url_for(
                request.endpoint, **(request.view_args or {}), **kept, choose=picked.isoformat()
            )
        )
    chosen = parse_instant(request.args.get("choose")) if request.method == "GET" else None
    if chosen is not None and chosen == booking.start_at:
        # Back to the confirmation after the move: it is done, nothing to confirm again
        flash("Your consultation is at this time already.", "info")
        return redirect(back)
    if chosen is not None:
        form.start.data = chosen.isoformat()
        return render_template(
            "scheduling/reschedule_confirm.html",
            booking=booking,
            form=form,
            zone=zone,
            zone_asked=zone_asked,
            back=back,
            chosen=chosen,
            chosen_end=chosen + (booking.end_at - booking.start_at),
        )
    if form.validate_on_submit() and form.start_instant == booking.start_at:
        flash("Your consultation is at this time already.", "info")
        return redirect(back)
    if form.validate_on_submit():
        try:
            services.reschedule(
                booking,
                form.start_instant,
                by=by,
                manage_token=manage_token,
                # the visitor's own pick sets their zone; staff and advisors only look in one
                visitor_timezone=zone_asked if by is Actor.VISITOR else None,
            )
        except services.SlotTaken as taken:
            alternatives = taken.alternatives
            form.start.errors.append("That time was just taken. Here are the nearest free times.")
        except services.BookingError as error:
            form.start.errors.append(str(error))
        else:
            flash(moved, "success")
            return redirect(done)
    return render_template(
        "scheduling/reschedule.html",
        booking=booking,
        form=form,
        zone=zone,
        zone_asked=zone_asked,
        zone_form=_zone_form(zone),
        back=back,
        alternatives=alternatives,
        **_move_picker(booking, zone),
    )


def _move_picker(booking: Booking, zone: str) -> dict[str, object]:
    """The month calendar of the times ``booking`` can move to, over the advisor's whole
    booking horizon (its own time and buffers count as free, its own start is not offered):
    the month and day asked for, else the booking's own month and day, else the first day
    with a free time."""
    now = utcnow()
    rules = services.rules_of(booking.advisor)
    slots = services.next_available_slots(
        booking.advisor, now, days=rules.horizon.days + 1, exclude_booking_id=booking.id
    )
    starts = [slot.start for slot in slots if slot.start != booking.start_at]
    by_day = engine.slots_by_day(starts, rules.duration, zone)
    days = by_day.counts()
    tz = ZoneInfo(zone)
    today, last_day = now.astimezone(tz).date(), (now + rules.horizon).astimezone(tz).date()
    asked_day = parse_day(request.args.get("day"))
    own_day = booking.start_at.astimezone(tz).date()
    first = month.first_of_month(request.args.get("month"), asked_day or own_day, today, last_day)
    if asked_day in days:
        selected = asked_day
    elif request.args.get("month") is None and own_day in days:
        selected = own_day
    else:
        shown = (first.year, first.month)
        selected = next((day for day in sorted(days) if (day.year, day.month) == shown), None)
    if selected is None and request.args.get("month") is None and days:
        selected = min(days)
        first = selected.replace(day=1)
    return {
        "month": month.month_view(first, days, selected, today, last_day),
        "selected": selected,
        "day_slots": by_day.slots_on(selected) if selected else [],
    }


def cancel_page(
    booking: Booking,
    *,
    by: Actor,
    back: str,
    done: str,
    cancelled: str = "The consultation is cancelled.",
    reason_hint: str | None = None,
    zone: str | None = None,
) -> str | Response:
    """The page that cancels ``booking`` for ``by``, asking for confirmation and a reason. A
    booking no longer active (cancelled in another tab, say) goes back with a note."""
    if booking.status not in ACTIVE_STATUSES:
        status = booking.status.replace("_", " ")
        flash(f"This consultation is {status}: nothing to cancel.", "info")
        return redirect(back)
    form = CancelForm()
    if reason_hint:
        form.reason.description = reason_hint
    if form.validate_on_submit():
        try:
            services.cancel(booking, reason=form.reason.data or "", by=by)
        except services.BookingError as error:
            form.reason.errors.append(str(error))
        else:
            flash(cancelled, "success")
            return redirect(done)
    return render_template(
        "scheduling/cancel.html",
        booking=booking,
        form=form,
        back=back,
        zone=zone or booking.visitor_timezone,
    )


# --- advisors ------------------------------------------------------------------------------------

MAX_CALENDAR_DISTANCE_DAYS = 3660  # the calendar pages through ten years either way


def _day_arg(name: str, today: date) -> date:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return today
    return day if abs((day - today).days) <= MAX_CALENDAR_DISTANCE_DAYS else today


@bp.get("/me/calendar", endpoint="advisor_calendar")
@role_required(Role.ADVISOR)
def advisor_calendar_page() -> str:
    """The advisor's week (or, with ``view=day``, one day) as a time grid in their zone."""
    advisor = own_profile_or_404()
    now = utcnow()
    today = display.in_zone(now, advisor.timezone).date()
    day_view = request.args.get("view") == "day"
    if day_view:
        first = _day_arg("day", today)
        days = 1
    else:
        first = week_start_of(_day_arg("start", today))
        days = 7
    view = advisor_calendar.advisor_calendar(
        advisor,
        first,
        days,
        now,
        lambda booking_id: url_for("consultations.consultation", booking_id=booking_id),
    )
    focus = today if first <= today <= view.last else first
    horizon_days = current_app.config["CALENDAR_HORIZON_DAYS"]
    return render_template(
        "scheduling/calendar.html",
        advisor=advisor,
        view=view,
        day_view=day_view,
        today=today,
        focus=focus,
        week_days=[week_start_of(first) + timedelta(days=i) for i in range(7)],
        rows=advisor_calendar.ROWS,
        has_sources=calendars.has_sources(advisor),
        is_past=view.last < today,
        is_beyond=first > today + timedelta(days=horizon_days),
        horizon_days=horizon_days,
        display=display,
        zone_label=display.zone_label(advisor.timezone, now),
    )



@bp.route("/me/booking-rules", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def booking_rules() -> str | Response:
    profile = own_profile_or_404()
    settings = services.settings_for(profile.id)
    form = BookingRulesForm(obj=settings)
    if not form.is_submitted():
        rows = rows_from_ranges(services.weekly_ranges(profile.id))
        return _rules_page(profile, form, DateOverrideForm(prefix="override"), rows)
    rows = rows_from_formdata(request.form)
    copied = copy_rows(rows, request.form.get("copy", ""))
    if copied:  # a copy button: show the copied rows, save nothing yet
        check_rows(rows)
        flash(copied, "info")
        return _rules_page(profile, form, DateOverrideForm(prefix="override"), rows)
    rows_ok = check_rows(rows)
    if form.validate_on_submit() and rows_ok:
        fields = {name: form[name].data for name in DEFAULT_SETTINGS}
        services.update_rules(profile.id, ranges_of(rows), **fields)
        flash("Your booking rules are saved.", "success")
        return redirect(url_for("scheduling.booking_rules"))
    if not rows_ok:
        flash("Some weekly hours need a fix (see beside them); nothing was saved.", "error")
    return _rules_page(profile, form, DateOverrideForm(prefix="override"), rows)


def _rules_page(
    profile: AdvisorProfile,
    form: BookingRulesForm,
    override_form: DateOverrideForm,
    rows: dict[int, list[HoursRow]],
) -> str:
    today = utcnow().astimezone(display.ZoneInfo(profile.timezone)).date()
    bookable_until = today + timedelta(days=services.settings_for(profile.id).horizon_days)
    overrides: dict[date, list] = {}
    for row in services.list_overrides(profile.id, today):
        overrides.setdefault(row.day, [])
        if row.start_time is not None:
            overrides[row.day].append((row.start_time, row.end_time))
    shown = {
        day: [*day_rows, *(HoursRow() for _ in range(BLANK_ROWS))][:ROWS_PER_DAY]
        for day, day_rows in rows.items()
    }
    return render_template(
        "scheduling/rules.html",
        profile=profile,
        form=form,
        override_form=override_form,
        overrides=[
            (day, _override_label(r) if r else "Day off") for day, r in sorted(overrides.items())
        ],
        holidays=list(services.holiday_closings(profile.id, today, bookable_until).items()),
        weekdays=WEEKDAYS,
        hours_rows=shown,
        rows_field=rows_field,
    )


def _override_label(ranges: list) -> str:
    """'Special hours: 10:00 AM to 2:00 PM'."""
    parts = [
        f"{display.clock(s)} to {'midnight' if e == time(0) else display.clock(e)}"
        for s, e in sorted(ranges)
    ]
    return "Special hours: " + ", ".join(parts)


@bp.post("/me/booking-rules/dates")
@role_required(Role.ADVISOR)
def add_override() -> str | Response:
    profile = own_profile_or_404()
    today = utcnow().astimezone(display.ZoneInfo(profile.timezone)).date()
    override_form = DateOverrideForm(prefix="override", today=today)
    if override_form.validate_on_submit():
        day = override_form.day.data
        ranges = [] if override_form.day_off.data else parse_ranges(override_form.hours.data)
        services.set_override(profile.id, day, ranges)
        when = f"{display.format_day(day)}, {day.year}"
        if ranges:
            flash(f"Special hours for {when} are saved; they replace your usual hours.", "success")
        else:
            flash(f"{when} is a day off.", "success")
        return redirect(url_for("scheduling.booking_rules"))
    form = BookingRulesForm(obj=services.settings_for(profile.id), formdata=None)
    rows = rows_from_ranges(services.weekly_ranges(profile.id))
    return _rules_page(profile, form, override_form, rows)


@bp.post("/me/booking-rules/dates/<day>/delete")
@role_required(Role.ADVISOR)
def remove_override(day: str) -> Response:
    profile = own_profile_or_404()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    services.remove_override_day(profile.id, parsed)
    flash(f"{display.format_day(parsed)} uses your weekly hours again.", "info")
    return redirect(url_for("scheduling.booking_rules"))


# The visitor's booking flow, which the firm may show in its own site (the booking widget).
EMBEDDABLE = frozenset(
    {
        "scheduling.advisor_page",
        "scheduling.any_advisor",
        "scheduling.book",
        "scheduling.manage",
        "scheduling.reschedule",
        "scheduling.cancel",
        "scheduling.confirm",
    }
)


@bp.before_app_request
def _allow_the_widget_to_frame_the_booking_flow() -> None:
    if request.endpoint in EMBEDDABLE:
        mark_embeddable()


def register(app: Flask) -> None:
    from advising.extensions import events
    from advising.intake.cli import intake_cli
    from advising.scheduling import history, models  # noqa: F401
    from advising.scheduling.events import BookingChanged

    new_advisors.install()
    events(app).subscribe(BookingChanged, history.on_booking_change)
    intake_cli.add_command(retention.purge_command)
    app.cli.add_command(bookings_cli)
    app.extensions[services.SLOT_CACHE_KEY] = SlotCache(app.config["SLOT_CACHE_SIZE"])
    app.register_blueprint(bp)
    app.jinja_env.filters["in_zone"] = display.format_datetime
    app.jinja_env.filters["time_in_zone"] = display.format_time
    app.jinja_env.globals["time_range"] = display.format_time_range
    app.jinja_env.tests["at_night_in"] = lambda slot, zone: display.runs_into_night(
        slot.start, slot.end, zone
    )
    app.jinja_env.filters["day_label"] = display.format_day
    app.jinja_env.globals["zone_label"] = display.zone_label
    app.jinja_env.filters["zone_name"] = zone_name
    app.jinja_env.globals["BookingStatus"] = BookingStatus
    app.jinja_env.filters["status_label"] = lambda status: BookingStatus(status).label
    add_deactivation_note(app, services.upcoming_consultations_note)
    add_nav(app, NavItem("Book a consultation", "scheduling.any_advisor"))
    add_nav(
        app,
        NavItem(
            "Booking rules",
            "scheduling.booking_rules",
            ("advisor",),
            tile="Length, buffers, notice, daily limit, weekly hours and days off.",
        ),
    )
