"""Forms only parse and check the shape of input; the services decide what is valid."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, get_args

from django import forms

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Session
from selfmob.clinic.services.accounts import CONSENT_NEEDED
from selfmob.clinic.services.assessments import MeasurementInput
from selfmob.clinic.services.plans import ItemInput
from selfmob.clinic.text import TextRefused, checked_line, checked_text
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.schema import Instrument, Question


def add_service_errors(form: forms.Form, error: InvalidInput) -> None:
    """Show each service error next to its field (or at the top of the form)."""
    for name, message in error.fields.items():
        if name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, _where(name) + message)


def _where(name: str) -> str:
    """'items[0].retest_id' reads as 'Technique 1 (retest id): '."""
    if name == "__all__":
        return ""
    head, _, field = name.partition(".")
    if "[" in head:
        index = int(head[head.index("[") + 1 : head.index("]")])
        return f"Row {index + 1} ({field.replace('_', ' ')}): "
    return f"{name.replace('_', ' ').capitalize()}: "


class LineField(forms.CharField):
    """One line of text: the shared rule (clinic/text.py) refuses control characters,
    before Django's own checks, so the page shows the rule's message."""

    def to_python(self, value: Any) -> Any:
        return _text_rule(checked_line, super().to_python(value))


class LineEmailField(forms.EmailField):
    def to_python(self, value: Any) -> Any:
        return _text_rule(checked_line, super().to_python(value))


class MultiLineField(forms.CharField):
    """Text over several lines: line breaks (sent as CRLF) and tabs, no other controls."""

    def to_python(self, value: Any) -> Any:
        return _text_rule(checked_text, super().to_python(value))


def _text_rule(check: Callable[[str], str], value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return check(value)
    except TextRefused as exc:
        raise forms.ValidationError(str(exc), code="control_character") from None


def consent_field() -> forms.BooleanField:
    """The consent box of sign-up and invite pages; the services refuse without it too."""
    return forms.BooleanField(
        label="I agree to the processing of my data for this purpose",
        error_messages={"required": CONSENT_NEEDED},
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-text"}),
    )


class SignupForm(forms.Form):
    name = LineField(max_length=120)
    email = LineEmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
    consent = consent_field()


class ClientForm(forms.Form):
    name = LineField(max_length=120)
    email = LineEmailField()
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    sex = forms.ChoiceField(
        choices=[("", "Not given"), ("f", "Female"), ("m", "Male")], required=False
    )


class ClientEditForm(ClientForm):
    """A client's details. The e-mail of a client with an account is their log-in: shown,
    not editable."""

    def __init__(self, *args: Any, email_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if email_locked:
            self.fields["email"].disabled = True
            self.fields[
                "email"
            ].help_text = "The client signs in with this e-mail, so only they could change it."


class PasswordForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)


class InviteForm(PasswordForm):
    consent = consent_field()


class ConfirmForm(forms.Form):
    """A typed confirmation before something that cannot be undone; the service checks it."""

    confirm = LineField(max_length=254)

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label
        self.fields["confirm"].widget.attrs["autocomplete"] = "off"


class SessionForm(forms.Form):
    """One home session. `key` makes a retried submission land once. The pain at rest is
    optional here only so that a retry of a session stored before it was asked for still
    lands; the service refuses a new session without it (and the browser asks for it)."""

    key = forms.UUIDField(widget=forms.HiddenInput)
    performed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    pain_rest = forms.IntegerField(
        label="Pain now, before you start (0–10)",
        min_value=0,
        max_value=10,
        required=False,
        widget=forms.NumberInput(attrs={"required": True}),
    )
    pre = forms.FloatField(label="Test before")
    post = forms.FloatField(label="Test after")
    pain_during = forms.IntegerField(label="Pain during (0–10)", min_value=0, max_value=10)
    instrument = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    """Set by the page when the phone measured the test; the service checks it."""
    measured_by = forms.ChoiceField(
        label="Who measured",
        choices=Session.MeasuredBy.choices,
        initial=Session.MeasuredBy.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    readings = forms.IntegerField(
        label="Readings averaged for each test",
        min_value=1,
        max_value=5,
        initial=1,
        required=False,
    )

    def clean_measured_by(self) -> str:
        return str(self.cleaned_data.get("measured_by") or Session.MeasuredBy.SELF)

    def clean_readings(self) -> int:
        return int(self.cleaned_data.get("readings") or 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.prefix:  # tie the fields to their card's unit and pain hints (today.html)
            for name in ("pre", "post"):
                self.fields[name].widget.attrs["aria-describedby"] = f"unit-{self.prefix}"
            self.fields["pain_during"].widget.attrs["aria-describedby"] = f"pain-hint-{self.prefix}"
            self.fields["pain_rest"].widget.attrs["aria-describedby"] = f"rest-hint-{self.prefix}"

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()


YES_NO = [("no", "No"), ("yes", "Yes")]


class ScreeningForm(forms.Form):
    """One yes/no field per red-flag question; the cervical ones when `neck` is set."""

    def __init__(self, *args: object, questions: list[Question], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for q in questions:
            self.fields[q.id] = forms.ChoiceField(
                label=q.text, choices=YES_NO, widget=forms.RadioSelect
            )

    def answers(self) -> dict[str, object]:
        return {name: value == "yes" for name, value in self.cleaned_data.items()}


class ClearanceForm(forms.Form):
    note = MultiLineField(
        label="Who saw the client, and what did they advise?",
        widget=forms.Textarea,
        max_length=2000,
    )


INSTRUMENTS = [(i, i.replace("-", " ")) for i in get_args(Instrument)]
TRIALS = 3


class AssessmentForm(forms.Form):
    measured_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    measured_by = LineField(max_length=120)


class MeasurementRowForm(forms.Form):
    """One test, both sides, up to three trials each. A row without a test is ignored; an
    instrument left blank is the test's first (usual) one. `self_only` offers only the
    tests a person can do on themselves (a solo user's own assessment)."""

    test = forms.ChoiceField(required=False)
    instrument = forms.ChoiceField(
        choices=[("", "The test's usual instrument"), *INSTRUMENTS], required=False
    )
    position = LineField(max_length=200, required=False)

    def __init__(self, *args: Any, self_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tests = [t for t in load_catalogue().tests.values() if t.self_testable or not self_only]
        test_field = self.fields["test"]
        assert isinstance(test_field, forms.ChoiceField)
        test_field.choices = [("", "—"), *((t.id, f"{t.name} ({t.unit})") for t in tests)]
        for side in ("left", "right"):
            for n in range(1, TRIALS + 1):
                self.fields[f"{side}_{n}"] = forms.FloatField(required=False, label=f"{side} {n}")

    def inputs(self) -> list[MeasurementInput]:
        data = self.cleaned_data
        if not data.get("test"):
            return []
        rows = []
        for side in ("left", "right"):
            trials = [data[f"{side}_{n}"] for n in range(1, TRIALS + 1)]
            values = [t for t in trials if t is not None]
            if values:
                instrument = (
                    data["instrument"] or load_catalogue().test(data["test"]).instruments[0]
                )
                rows.append(
                    MeasurementInput(data["test"], side, values, instrument, data["position"])
                )
        return rows


MeasurementRows = forms.formset_factory(MeasurementRowForm, extra=3, max_num=6)


WEEKDAYS = [(1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun")]


class PlanForm(forms.Form):
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)


class DoseFields(forms.Form):
    """The coach's numbers for a dose; a field left blank keeps the technique's default."""

    sets = forms.IntegerField(min_value=1, max_value=10, required=False, label="Sets")
    reps = forms.IntegerField(min_value=1, max_value=30, required=False, label="Repetitions")
    seconds = forms.IntegerField(min_value=1, max_value=180, required=False, label="Seconds")
    rest_seconds = forms.IntegerField(min_value=0, max_value=180, required=False, label="Rest (s)")

    def dose(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in DOSE_FIELDS}


DOSE_FIELDS = ("sets", "reps", "seconds", "rest_seconds")


class PlanItemForm(DoseFields):
    """One technique of the plan; rows left unticked are ignored."""

    include = forms.BooleanField(required=False, label="Include")
    technique = forms.ChoiceField()
    side = forms.ChoiceField(
        choices=[("", "—"), ("left", "left"), ("right", "right")], required=False
    )
    retest = forms.ChoiceField(label="Re-test")
    every_days = forms.IntegerField(min_value=1, max_value=7, required=False, label="Every N days")
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    pain_limit = forms.IntegerField(min_value=0, max_value=3, initial=2, label="Pain limit (0–3)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        catalogue = load_catalogue()
        technique = self.fields["technique"]
        retest = self.fields["retest"]
        assert isinstance(technique, forms.ChoiceField)
        assert isinstance(retest, forms.ChoiceField)
        technique.choices = [(t.id, t.name) for t in catalogue.techniques.values()]
        retest.choices = [(t.id, t.name) for t in catalogue.tests.values()]

    def item(self) -> ItemInput | None:
        data = self.cleaned_data
        if not data.get("include"):
            return None
        return ItemInput(
            technique_id=data["technique"],
            retest_id=data["retest"],
            side=data["side"],
            weekdays=tuple(data["weekdays"]),
            every_days=data["every_days"],
            pain_limit=data["pain_limit"],
            dose=self.dose(),
        )


PlanItems = forms.formset_factory(PlanItemForm, extra=1, max_num=12)


class NextDayPainForm(forms.Form):
    pain = forms.IntegerField(min_value=0, max_value=10, label="Pain today (0–10)")


class PlanItemEditForm(DoseFields):
    every_days = forms.IntegerField(min_value=1, max_value=7, required=False, label="Every N days")
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    pain_limit = forms.IntegerField(
        min_value=0,
        max_value=3,
        label="Pain limit: points pain may rise above the pain at rest (0–3)",
    )


class ApiTokenForm(forms.Form):
    name = LineField(max_length=80, help_text="What will use it, e.g. “practice software”.")


class LimitForm(forms.Form):
    """A coach's percentile for the limit of normal; the service checks the range."""

    limit_percentile = forms.FloatField(
        required=False,
        label="Percentile of healthy people for the limit of normal",
        help_text="Empty: the catalogue's default (the 5th). A higher percentile calls more "
        "sides restricted; a lower one fewer.",
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class AuditFilterForm(forms.Form):
    """The coach's access log filters (a GET form): every field may be left empty."""

    client = forms.TypedChoiceField(coerce=uuid.UUID, required=False, empty_value=None)
    person = forms.TypedChoiceField(
        coerce=uuid.UUID, required=False, empty_value=None, label="Who accessed"
    )
    kind = forms.ChoiceField(required=False, label="What happened")
    since = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="From (day)"
    )
    until = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="To (day, included)"
    )

    def __init__(
        self,
        data: Any,
        *,
        clients: list[tuple[uuid.UUID, str]],
        people: list[tuple[uuid.UUID, str]],
        kinds: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        for name, choices, anything in (
            ("client", clients, "All clients"),
            ("person", people, "Anyone"),
            ("kind", kinds, "Anything"),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", anything), *((str(k), v) for k, v in choices)]
