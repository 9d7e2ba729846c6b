"""The career intake form. Choice lists come from the roadmap engine's content file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from advising.database import utcnow
from advising.forms import RememberedSelect, zone_select_choices
from advising.intake.services import content
from advising.roadmap.engine import (
    APPRENTICE_OF,
    CODING_CREDENTIALS,
    MAX_CODING_MONTHS,
    MAX_EXPERIENCE_YEARS,
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    OUTSIDE_US,
    RETAKE_EXAMS,
    IntakeAnswers,
    country_key,
    example_start_date,
    form_choices,
    parse_budget,
)
from advising.shared.emails import EMAIL_HELP, normalize_email
from advising.shared.text import has_control_characters
from advising.shared.timefmt import DATE_FORMATS, us_date
from advising.shared.zones import is_zone, zone_outside_us

# Offered first: most people we advise are in the United States.
MAX_START_DAYS_AHEAD = 2 * 366

EXPERIENCE_KIND_LABELS = (
    ("clinical", "Clinical (medical assistant, LPN or LVN, aide, technician)"),
    ("nursing", "Registered nursing (RN)"),
    ("front_office", "Front office (reception, scheduling, patient access)"),
    ("billing", "Billing, charge entry or collections"),
    ("payer_claims", "Claims or review at an insurer (payer)"),
    ("coding", "Coding"),
)
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
}

# The sections of the form, in order: (legend, field names). The template follows this.
SECTIONS = (
    ("About you", ("name", "email", "timezone", "state", "country")),
    (
        "Your background",
        (
            "education",
            "current_work",
            "healthcare_experience",
            "experience_kinds",
            "experience_years",
            "assigns_codes",
            "coding_months",
            "credentials_held",
            "exam_retake",
            "employer_type",
        ),
    ),
    ("Where you want to go", ("target_setting", "specialties", "goals")),
    (
        "Time and money",
        (
            "hours_per_week",
            "start_date",
            "learning_format",
            "income_need",
            "budget",
            "budget_amount",
            "employer_may_pay",
            "employment",
            "student_aid",
            "military",
        ),
    ),
    ("What worries you", ("worries",)),
    ("Your data", ("consent", "email_link")),
)


_SHOWN_ORDER = {name: rank for rank, name in enumerate(n for _, names in SECTIONS for n in names)}


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (``_forms.field`` renders it as a group by type name)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(field: str) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in form_choices(content())[field]]


#: The retake question's "No" (a radio button needs a value).
NO_RETAKE = "none"


def held_credential_codes() -> dict[str, str]:
    """``{answer value: code}`` for the credentials-held and retake answers ("CPC-A", "CCS")."""
    catalogue = content().catalogue.credentials
    return {
        **{stage: f"{catalogue[base].code}-A" for stage, base in APPRENTICE_OF.items()},
        **{k: catalogue[k].code for k in CODING_CREDENTIALS},
    }


def _held_credential_choices() -> list[SelectChoice]:
    """The CPC-A and COC-A first (the exam passed, the A not yet off), then each coding
    credential."""
    catalogue = content().catalogue.credentials
    codes = held_credential_codes()
    return [
        *(
            SelectChoice(stage, f"{codes[stage]}: I passed the {codes[base]} and the A is still on")
            for stage, base in APPRENTICE_OF.items()
        ),
        *(SelectChoice(k, f"{catalogue[k].code}: {catalogue[k].name}") for k in CODING_CREDENTIALS),
    ]


def _zone_choices() -> tuple[SelectChoice, ...]:
    return _zone_choices_on(utcnow().date())


@lru_cache(maxsize=4)
def _zone_choices_on(day: date) -> tuple[SelectChoice, ...]:
    """Every zone picker's choices after a prompt: one tuple per date for the process, whose
    written options :class:`RememberedSelect` keeps."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return (SelectChoice("", "Choose your time zone"), *zone_select_choices(noon))


def _no_control_characters(form: FlaskForm, field: StringField) -> None:
    if has_control_characters(field.data, allow_newlines=True):
        raise ValidationError("Use letters, digits and ordinary punctuation only.")


class WholeNumberField(IntegerField):
    """An integer field whose parse error says what to type."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():  # left empty: no number, no parse error
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number, like 8.")


class PlainDateField(DateField):
    """A date field that takes what a date picker sends or a US date typed by hand, and
    whose parse error says what to type in the US way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=list(DATE_FORMATS), **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            example = us_date(example_start_date(utcnow().date()))
            raise ValueError(f"Enter a date like {example}.")


def _pick(message: str) -> list:
    return [InputRequired(message=message)]


#: What people type for the United States in the country box.
_UNITED_STATES = frozenset({"us", "usa", "united states", "united states of america", "america"})


class IntakeForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Tell us your name."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter your email address."),
            Email(message="Enter an email address like name@example.com."),
            Length(max=254),
        ],
        description=(
            "To fill in your booking if you book, and to send your roadmap link if you ask. "
            "No newsletters."
        ),
        render_kw={"autocomplete": "email"},
    )
    timezone = SelectField(
        "Your time zone",
        widget=RememberedSelect(),
        validators=[DataRequired(message="Choose your time zone.")],
        description="Consultation times will be shown in this zone.",
        render_kw={"data-zone-search": "", "data-detect-zone": ""},
    )
    education = RadioField(
        "Highest education so far", validators=_pick("Choose your highest education.")
    )
    current_work = StringField(
        "Your current work",
        validators=[Optional(), Length(max=200)],
        description="For example: retail manager, medical assistant, stay-at-home parent.",
    )
    healthcare_experience = RadioField(
        "Healthcare experience", validators=_pick("Choose your healthcare experience.")
    )
    target_setting = RadioField(
        "Where would you like to work?", validators=_pick("Choose where you would like to work.")
    )
    specialties = MultiCheckboxField(
        "Specialties that interest you (optional)", validators=[Optional()]
    )
    goals = TextAreaField(
        "Your goals, in your own words (optional)",
        validators=[Optional(), Length(max=2000)],
        description="What would a good outcome look like for you in two or three years?",
    )
    hours_per_week = WholeNumberField(
        "Hours a week you can study",
        validators=[
            InputRequired(message="Enter the hours you can study each week, as a whole number."),
        ],
        description="Be realistic: your whole timeline is paced to this number.",
        render_kw={"min": MIN_HOURS_PER_WEEK, "max": MAX_HOURS_PER_WEEK, "inputmode": "numeric"},
    )
    start_date = PlainDateField(
        "Earliest start date",
        validators=[InputRequired(message="Enter the first day you could start.")],
        description="Every date in your roadmap counts from this day.",
    )
    budget = RadioField("Budget for training", validators=_pick("Choose a budget."))
    employer_may_pay = RadioField(
        "Might an employer pay toward your training?",
        choices=[SelectChoice("yes", "Yes, or maybe"), SelectChoice("no", "No")],
        validators=_pick("Tell us whether an employer might pay."),
    )
    learning_format = RadioField(
        "How do you prefer to learn?", validators=_pick("Choose how you prefer to learn.")
    )
    state = SelectField(
        "Where do you live?",
        widget=RememberedSelect(),
        default="",  # optional (see validate_state): a form without it is a choice not made
        description="Training funds, programs and pay differ by state.",
    )
    country = StringField(
        "Country (if outside the United States)",
        validators=[Length(max=80)],
        render_kw={"autocomplete": "country-name"},
    )
    experience_kinds = MultiCheckboxField(
        "Kinds of healthcare or insurance work you have done (optional)",
        choices=[SelectChoice(v, label) for v, label in EXPERIENCE_KIND_LABELS],
        validators=[Optional()],
    )
    experience_years = WholeNumberField(
        "Years of that work, all together (optional)",
        validators=[Optional()],
        render_kw={"min": 0, "max": MAX_EXPERIENCE_YEARS, "inputmode": "numeric"},
    )
    assigns_codes = RadioField(
        "Does your current job already have you assign diagnosis or procedure codes?",
        choices=[SelectChoice("yes", "Yes, I assign codes"), SelectChoice("no", "Not at work")],
        validators=[Optional()],
        description="AAPC counts on-the-job coding toward removing the apprentice A of a CPC-A.",
    )
    coding_months = WholeNumberField(
        "For how many months? (if yes)",
        validators=[],
        render_kw={"min": 0, "max": MAX_CODING_MONTHS, "inputmode": "numeric"},
    )
    credentials_held = MultiCheckboxField(
        "Coding credentials you already hold (optional)",
        validators=[Optional()],
        description="Your plan starts from what you have earned, not from the beginning.",
    )
    exam_retake = RadioField(
        "Have you sat a coding exam and not passed it yet?",
        validators=[Optional()],
        description="A retake needs weeks of focused practice, not the whole course again.",
    )
    employer_type = RadioField("Who do you work for now?", validators=[Optional()])
    income_need = RadioField("How soon do you need an income from coding?", validators=[Optional()])
    budget_amount = StringField(
        "About how much can you spend, in dollars? (optional)",
        validators=[Optional(), Length(max=40)],
        description="A number like 1200 or $1,200, or a range like 1000-2000.",
        render_kw={"inputmode": "decimal"},
    )
    employment = RadioField("Your situation now", validators=[Optional()])
    student_aid = RadioField(
        "Are you, or could you be, a student using federal student aid (FAFSA)?",
        validators=[Optional()],
    )
    military = RadioField(
        "Are you a veteran, serving, or a military spouse?",
        validators=[Optional()],
        description="Veterans and military spouses have their own help with training costs.",
    )
    worries = MultiCheckboxField(
        "What worries you about this? (optional)",
        validators=[Optional()],
        description="Pick any; your roadmap answers each one.",
    )
    consent = BooleanField(
        "I agree that my answers are stored to prepare my roadmap and any consultation I book.",
        validators=[DataRequired(message="We need your agreement to store your answers.")],
        description="We delete intakes after our retention period unless a booking needs them.",
    )
    email_link = BooleanField(
        "Send me the private link to my roadmap",
        description="One email with the address of your roadmap, to come back to it later.",
    )
    submit = SubmitField("Get my roadmap")

    def validate_name(self, field: StringField) -> None:
        # one line: it heads the roadmap and greets the visitor in the link's mail
        if has_control_characters(field.data):
            raise ValidationError("Use letters, digits and ordinary punctuation only.")

    def validate_email(self, field: EmailField) -> None:
        # the address mail can carry (the booking form's check): the link goes there
        if field.errors:  # not an address at all: said once already
            return
        try:
            field.data = normalize_email(field.data)
        except ValueError:
            raise ValidationError(EMAIL_HELP)

    validate_current_work = _no_control_characters
    validate_goals = _no_control_characters

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = _zone_choices()
        for name in (
            "education",
            "healthcare_experience",
            "target_setting",
            "budget",
            "learning_format",
            "specialties",
            "worries",
            "employer_type",
            "employment",
            "income_need",
            "student_aid",
            "military",
        ):
            self[name].choices = _choices(name)
        self.state.choices = [
            SelectChoice("", "Choose your state"),
            *(SelectChoice(code, name) for code, name in STATE_NAMES.items()),
            SelectChoice(OUTSIDE_US, "Outside the United States"),
        ]
        self.credentials_held.choices = _held_credential_choices()
        codes = held_credential_codes()
        self.exam_retake.choices = [
            SelectChoice(NO_RETAKE, "No, none to retake"),
            *(SelectChoice(key, f"Yes, the {codes[key]}") for key in RETAKE_EXAMS),
        ]
        self._budget: tuple[int, int] | None = None

    def validate_state(self, field: SelectField) -> None:
        """Optional, except from a time zone no US state keeps: a US plan (colleges,
        holidays, funding) would be the wrong one to give unasked. A country typed (not the
        United States) answers it: "Outside the United States"."""
        country = country_key(self.country.data or "")
        if not field.data and country and country not in _UNITED_STATES:
            field.data = OUTSIDE_US
        if not field.data and zone_outside_us(self.timezone.data or ""):
            raise ValidationError(
                "Your time zone is outside the United States: choose your state, or "
                "\u201cOutside the United States\u201d, so your plan fits where you live."
            )

    def validate_country(self, field: StringField) -> None:
        if self.state.data == OUTSIDE_US and not (field.data or "").strip():
            raise ValidationError("Tell us which country you live in.")
        if has_control_characters(field.data or ""):
            raise ValidationError("Use letters and ordinary punctuation only.")

    def validate_experience_years(self, field: IntegerField) -> None:
        if field.data is not None and not 0 <= field.data <= MAX_EXPERIENCE_YEARS:
            raise ValidationError(f"Enter a number from 0 to {MAX_EXPERIENCE_YEARS}.")

    def validate_coding_months(self, field: IntegerField) -> None:
        if field.data is not None and not 0 <= field.data <= MAX_CODING_MONTHS:
            raise ValidationError(f"Enter a number of months from 0 to {MAX_CODING_MONTHS}.")
        if self.assigns_codes.data == "yes" and not field.data:
            raise ValidationError("Tell us roughly how many months you have been coding.")

    def validate_credentials_held(self, field: MultiCheckboxField) -> None:
        ticked = set(field.data or ())
        for stage, base in APPRENTICE_OF.items():
            if stage in ticked and base in ticked:
                code = held_credential_codes()[base]
                raise ValidationError(
                    f"Tick the {code}-A or the {code}, not both: the {code} once the A has "
                    "come off."
                )

    def validate_exam_retake(self, field: RadioField) -> None:
        held = {APPRENTICE_OF.get(k, k): k for k in self.credentials_held.data or ()}
        if field.data in held:
            code = held_credential_codes()[held[field.data]]  # the CPC-A, when that was ticked
            raise ValidationError(
                f"You ticked the {code} as a credential you hold: untick it there, or answer "
                "“No, none to retake”."
            )

    def validate_budget_amount(self, field: StringField) -> None:
        try:
            self._budget = parse_budget(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error))

    def validate_timezone(self, field: SelectField) -> None:
        if not is_zone(field.data or ""):
            raise ValidationError("Choose a time zone from the list.")

    def validate_hours_per_week(self, field: IntegerField) -> None:
        if field.data is None:  # not a number: the parse error is already shown
            return
        if not MIN_HOURS_PER_WEEK <= field.data <= MAX_HOURS_PER_WEEK:
            raise ValidationError(
                f"Enter a number from {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK}."
            )

    def validate_start_date(self, field: DateField) -> None:
        if field.data is None:
            return
        today = utcnow().date()
        if field.data < today - timedelta(days=1):  # a day of slack for time zones
            raise ValidationError("Choose today or a later date.")
        if field.data > today + timedelta(days=MAX_START_DAYS_AHEAD):
            raise ValidationError("Choose a date within the next two years.")

    def sections(self):
        """(legend, [fields]) in the order they are shown."""
        return [(legend, [self[name] for name in names]) for legend, names in SECTIONS]

    @property
    def errors(self) -> dict:
        """Each field's errors in the order the fields are shown, so the summary above the
        form reads from top to bottom (the fields are declared in another order)."""
        found = super().errors
        return dict(sorted(found.items(), key=lambda item: _SHOWN_ORDER.get(item[0], -1)))

    def to_answers(self) -> IntakeAnswers:
        """The engine's input; raises ``AnswersError`` naming the field it refuses."""
        return IntakeAnswers(
            name=self.name.data.strip(),
            email=self.email.data.strip(),
            timezone=self.timezone.data,
            education=self.education.data,
            current_work=(self.current_work.data or "").strip(),
            healthcare_experience=self.healthcare_experience.data,
            target_setting=self.target_setting.data,
            hours_per_week=self.hours_per_week.data,
            budget=self.budget.data,
            employer_may_pay=self.employer_may_pay.data == "yes",
            learning_format=self.learning_format.data,
            start_date=self.start_date.data,
            worries=tuple(self.worries.data or ()),
            specialties=tuple(self.specialties.data or ()),
            goals=(self.goals.data or "").strip(),
            experience_years=self.experience_years.data or 0,
            experience_kinds=tuple(self.experience_kinds.data or ()),
            coding_months=(self.coding_months.data or 0) if self.assigns_codes.data == "yes" else 0,
            employer_type=self.employer_type.data or "unknown",
            state=self.state.data or "",
            country=(self.country.data or "").strip() if self.state.data == OUTSIDE_US else "",
            income_need=self.income_need.data or "unknown",
            budget_min=self._budget[0] if self._budget else None,
            budget_max=self._budget[1] if self._budget else None,
            employment=self.employment.data or "unknown",
            student_aid=self.student_aid.data or "unknown",
            military=self.military.data or "unknown",
            credentials_held=tuple(self.credentials_held.data or ()),
            exam_retake="" if self.exam_retake.data in (None, NO_RETAKE) else self.exam_retake.data,
        )
