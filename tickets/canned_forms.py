"""Forms for the canned replies page: reply titles and their messages (ADMIN writes only)."""

from __future__ import annotations

from typing import Any

from django import forms

from customers.forms import GATEWAY_ID

TITLE_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 10_000
TITLE_STATUSES = (("ACTIVE", "Active"), ("INACTIVE", "Inactive"))


class CannedForm(forms.Form):
    """One write on the page. `key` names the form on the page, so a failed one is shown again
    in place, with what was typed; `action_url` is where it posts."""

    form_token = forms.CharField(widget=forms.HiddenInput)
    submit_label = "Save"
    button_class = "primary"
    # gateway field name -> form field name; anything else becomes a form-wide error
    gateway_fields: dict[str, str] = {}

    def __init__(self, *args: Any, key: str, action_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", key)
        super().__init__(*args, **kwargs)
        self.key = key
        self.action_url = action_url

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        for gateway_field, problems in field_errors.items():
            field = self.gateway_fields.get(gateway_field)
            for problem in problems:
                if field in self.fields:
                    self.add_error(field, f"Gateway: {problem}")
                else:
                    self.add_error(None, f"Gateway: {gateway_field}: {problem}")

    def body(self) -> dict[str, Any]:
        raise NotImplementedError


class ReplyTitleForm(CannedForm):
    submit_label = "Create title"
    gateway_fields = {"title": "title"}
    title = forms.CharField(label="New reply title", max_length=TITLE_MAX_LENGTH, strip=True)

    def body(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"]}


class TitleStatusForm(CannedForm):
    """Activate or deactivate a title: the button sends the status it should end up with."""

    gateway_fields = {}
    button_class = ""
    status = forms.ChoiceField(choices=TITLE_STATUSES, widget=forms.HiddenInput)
    seen_status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        becomes = self["status"].value()
        self.submit_label = "Activate" if becomes == "ACTIVE" else "Deactivate"

    def body(self) -> dict[str, Any]:
        return {"status": self.cleaned_data["status"]}


class ReplyMessageForm(CannedForm):
    submit_label = "Add message"
    gateway_fields = {"message": "message"}
    message = forms.CharField(
        label="New message",
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Use {greeting} where the customer's greeting should go.",
    )

    def body(self) -> dict[str, Any]:
        return {"message": self.cleaned_data["message"]}


class ReplyMessageEditForm(CannedForm):
    submit_label = "Save message"
    gateway_fields = {"titleId": "title_id", "message": "message"}
    title_id = forms.CharField(
        label="Reply title", max_length=64, validators=[GATEWAY_ID], widget=forms.Select
    )
    message = forms.CharField(
        label="Message",
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Use {greeting} where the customer's greeting should go.",
    )

    def set_title_choices(self, choices: list[tuple[str, str]]) -> None:
        """The titles to choose from; the current (or typed) one stays choosable."""
        current = str(self["title_id"].value() or "")
        if current and current not in {value for value, _ in choices}:
            choices = [*choices, (current, current)]
        self.fields["title_id"].widget.choices = choices

    def body(self) -> dict[str, Any]:
        return {"titleId": self.cleaned_data["title_id"], "message": self.cleaned_data["message"]}
