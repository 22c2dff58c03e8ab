"""The reply and note composers, with attachment limits checked before anything is sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from backoffice.file_types import RefusedFile, accepted_type

from . import enums

UPLOADED_SALT = "tickets.uploaded-files"
UPLOADED_MAX_AGE = 6 * 3600


def sign_uploaded(files: list[dict[str, str]]) -> str:
    return signing.dumps(files, salt=UPLOADED_SALT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: object, initial: object = None) -> list[UploadedFile[Any]]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class MessageForm(forms.Form):
    """A public reply or an internal note; `kind` says which."""

    kind = "reply"
    text = forms.CharField(
        label="Reply to the customer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = MultipleFileField(label="Attach files", required=False)
    form_token = forms.CharField(widget=forms.HiddenInput)
    # Files already at the gateway from an earlier try whose message then failed (signed).
    uploaded = forms.CharField(widget=forms.HiddenInput, required=False)
    # What follows the send (tickets/after_message.py): a status set by a write of its own
    # once the reply is sent ("Send and mark Resolved"), and the next ticket of the queue.
    then_status = forms.ChoiceField(
        required=False, choices=[("", "Keep status"), *enums.STATUS_LABELS.items()]
    )
    then_status_button = forms.ChoiceField(required=False, choices=[("RESOLVED", "Resolved")])
    next_ticket = forms.BooleanField(required=False, label="Then open the next ticket")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind != "reply":
            data["then_status"] = ""
        elif data.get("then_status_button"):
            data["then_status"] = data["then_status_button"]
        return data

    def clean_uploaded(self) -> list[dict[str, str]]:
        value = self.cleaned_data.get("uploaded") or ""
        if not value:
            return []
        try:
            files = signing.loads(value, salt=UPLOADED_SALT, max_age=UPLOADED_MAX_AGE)
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                "The list of files uploaded earlier is no longer valid; attach them again."
            ) from exc
        return [
            {"id": str(f["id"]), "name": str(f["name"])}
            for f in files
            if isinstance(f, dict) and "id" in f and "name" in f
        ]

    def clean_attachments(self) -> list[UploadedFile[Any]]:
        files: list[UploadedFile[Any]] = self.cleaned_data.get("attachments") or []
        if len(files) > settings.TICKET_UPLOAD_MAX_FILES:
            raise forms.ValidationError(
                f"Attach at most {settings.TICKET_UPLOAD_MAX_FILES} files at once."
            )
        problems = []
        for upload in files:
            if (upload.size or 0) > settings.TICKET_UPLOAD_MAX_BYTES:
                problems.append(
                    f"{upload.name} is {filesizeformat(upload.size or 0)}; the limit is "
                    f"{filesizeformat(settings.TICKET_UPLOAD_MAX_BYTES)}."
                )
                continue
            try:
                _take_type_from_bytes(upload)
            except RefusedFile as refused:
                problems.append(str(refused))
        if problems:
            raise forms.ValidationError(problems)
        return files


def _take_type_from_bytes(upload: UploadedFile[Any]) -> None:
    """Decide the file's type from its bytes; what is sent on is that type, not the browser's."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    kind = accepted_type(
        content,
        name=upload.name or "",
        declared=upload.content_type or "",
        allowed=settings.TICKET_UPLOAD_CONTENT_TYPES,
    )
    upload.content_type = kind.media_type


class NoteForm(MessageForm):
    kind = "note"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].label = "Internal note (not visible to the customer)"
