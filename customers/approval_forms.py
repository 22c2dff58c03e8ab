"""The decision screen's two forms: approving needs a confirmation, rejecting needs a reason."""

from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked the customer as the gateway holds it now, and approve this change.",
        error_messages={"required": "Tick the box to confirm you checked the evidence."},
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Reason for rejecting (the maker reads this)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why: a rejection needs a reason."},
    )
