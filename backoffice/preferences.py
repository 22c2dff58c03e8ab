"""Per-person preferences: the time zone dates are shown in."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .http import StaffRequest


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [("", f"Default ({settings.TIME_ZONE})"), *((zone, zone) for zone in zones)]


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(label="Time zone", required=False, choices=time_zone_choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
def preferences(request: StaffRequest) -> HttpResponse:
    member = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            member.time_zone = form.cleaned_data["time_zone"]
            member.save(update_fields=["time_zone"])
            zone = member.time_zone or settings.TIME_ZONE
            messages.success(request, f"Dates are now shown in {zone}.")
            back = form.cleaned_data["next"]
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("preferences")
        status = 400
    else:
        form = PreferencesForm(
            initial={"time_zone": member.time_zone, "next": request.GET.get("next", "")}
        )
        status = 200
    return render(request, "preferences.html", {"form": form}, status=status)


class StaffTimeZoneMiddleware:
    """Show every date of the request in the signed-in person's time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
