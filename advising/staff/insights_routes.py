"""The insights page and its CSV downloads (on the staff blueprint)."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.staff import insights
from advising.staff.charts import bar_chart
from advising.staff.forms import InsightsPeriodForm
from advising.staff.routes import bp


def _period_form() -> InsightsPeriodForm:
    zone = insights.zone_of(current_user.id)
    return InsightsPeriodForm(request.args, defaults=insights.default_period(zone), zone=zone)


def _short(label: str, most: int = 16) -> str:
    """A chart label that fits beside its bar (the table beside the chart has it whole)."""
    return label if len(label) <= most else label[: most - 3].rstrip() + "..."


def _charts(found: insights.Insights) -> dict[str, object]:
    f = found.funnel
    return {
        "funnel": bar_chart(
            [
                ("Intakes", f.intakes, f"{f.intakes:,}"),
                ("Bookings", f.bookings, f"{f.bookings:,}"),
                ("From intake", f.from_intake, f"{f.from_intake:,}"),
                ("Completed", f.completed, f"{f.completed:,}"),
                ("No-shows", f.no_shows, f"{f.no_shows:,}"),
            ]
        ),
        "advisors": bar_chart(
            [
                (_short(a.name), a.share or 0.0, insights.format_rate(a.share))
                for a in found.advisors
            ],
            full=1.0,  # against all the open hours; a share past 100% sets the scale itself
        ),
        "weekdays": bar_chart(
            [(day, n, f"{n:,}") for day, n in zip(insights.WEEKDAYS, found.by_weekday, strict=True)]
        ),
        "hours": bar_chart(
            [(insights.hour_label(h), n, f"{n:,}") for h, n in enumerate(found.by_hour)]
        ),
    }


def _period_args(period: insights.Period) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _page(form: InsightsPeriodForm, zone: str, status: int = 200) -> tuple[str, int]:
    found = None
    if not form.errors:
        found = insights.compute(insights.Period(form.start.data, form.end.data, zone))
    return render_template(
        "staff/insights.html",
        form=form,
        zone=zone,
        period_args=_period_args(found.period) if found else {},
        found=found,
        tables=insights.tables(found) if found else {},
        charts=_charts(found) if found else {},
        format_duration=insights.format_duration,
        format_rate=insights.format_rate,
    ), status


@bp.get("/insights")
@role_required(Role.STAFF)
def insights_page() -> tuple[str, int]:
    """The funnel, rates, lead time, booked share and busiest times over a period."""
    form = _period_form()
    ok = form.validate()
    return _page(form, insights.zone_of(current_user.id), 200 if ok else 400)


@bp.get("/insights/<name>.csv")
@role_required(Role.STAFF)
def insights_csv(name: str) -> Response | tuple[str, int]:
    if name not in insights.TABLES:
        abort(404)
    form = _period_form()
    zone = insights.zone_of(current_user.id)
    if not form.validate():
        return _page(form, zone, 400)
    period = insights.Period(form.start.data, form.end.data, zone)
    table = insights.tables(insights.compute(period))[name]
    response = Response(insights.csv_text(table), content_type="text/csv; charset=utf-8")
    filename = f"insights-{name}-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
