"""The phone as an inclinometer: a client or solo user measures a test on themself and may
record it as a self-measured assessment. The page works without JavaScript as a plain form
for angles read from a phone's level app; measure.js adds the live sensor reading."""

from __future__ import annotations

import statistics

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from selfmob.clinic.access import AuthedRequest
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, Side
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.audit import Kind, What, audit_write
from selfmob.clinic.views.client import own_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.measures import fmt
from selfmob.knowledge.schema import RomTest

PHONE = "phone-inclinometer"

# Where the phone sat, kept with the measurement: the site changes the number (wblt-angle:
# 44.9° 15 cm below the tuberosity against 39.0° at it, in the same people).
SITES = {
    "wblt-angle": "phone along the shin 15 cm below the tibial tuberosity, zeroed upright",
    "wrist-extension": "phone on the back of the hand, zeroed on the forearm",
    "wrist-flexion": "phone on the back of the hand, zeroed on the forearm",
    "shoulder-flexion": "phone on edge on the upper arm above the elbow, zeroed arm down",
    "thoracic-rotation": "phone flat on the breastbone, zeroed in the lumbar-locked start",
}
SELF = "self-measured with the phone"


class MeasureForm(forms.Form):
    """One test on one side: up to three trials, whose mean is the value."""

    side = forms.ChoiceField(choices=Side.choices, widget=forms.RadioSelect)
    trial_1 = forms.FloatField(label="Trial 1")
    trial_2 = forms.FloatField(label="Trial 2", required=False)
    trial_3 = forms.FloatField(label="Trial 3", required=False)
    measured_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")

    def trials(self) -> list[float]:
        data = self.cleaned_data
        return [v for v in (data["trial_1"], data["trial_2"], data["trial_3"]) if v is not None]


def phone_test(test_id: str) -> RomTest | None:
    """The catalogue test if the phone can measure it, else None."""
    test = load_catalogue().tests.get(test_id)
    return test if test is not None and PHONE in test.instruments else None


@login_required
@require_http_methods(["GET", "POST"])
def measure(request: AuthedRequest, test_id: str) -> HttpResponse:
    client = own_record(request)
    test = phone_test(test_id)
    if test is None:
        other = {"test": load_catalogue().tests.get(test_id), "test_id": test_id}
        return render(request, "clinic/measure_unavailable.html", other, status=404)
    form = MeasureForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            _record(request, client, test, form)
        except InvalidInput as exc:
            _show_errors(form, exc)
        else:
            return redirect("measure", test_id=test.id)
    context = {"client": client, "test": test, "form": form, "site": SITES.get(test.id, SELF)}
    return render(request, "clinic/measure.html", context, status=400 if form.errors else 200)


def _record(request: AuthedRequest, client: Client, test: RomTest, form: MeasureForm) -> None:
    data = form.cleaned_data
    trials = form.trials()
    row = MeasurementInput(test.id, data["side"], trials, PHONE, SITES.get(test.id, SELF))
    with audit_write(
        via=request, user=request.user, client=client, kind=Kind.CHANGE, what=What.ASSESSMENT
    ) as entry:
        assessment = assessment_record(
            client=client,
            recorded_by=request.user,
            measured_on=data["measured_on"],
            measured_by=client.name,
            measurements=[row],
            today=timezone.localdate(),
        )
        entry.record_id = assessment.id
    mean = fmt(round(statistics.fmean(trials), 1), test.unit)
    count = f"mean of {len(trials)} trials" if len(trials) > 1 else "one trial"
    messages.success(request, f"Recorded: {test.name}, {data['side']}, {mean} ({count}).")


def _show_errors(form: MeasureForm, error: InvalidInput) -> None:
    """The service names fields of its own rows (measurements[0].trial): show those at the
    top of the form, and a date error next to the date."""
    for name, message in error.fields.items():
        form.add_error("measured_on" if name == "measured_on" else None, message)
