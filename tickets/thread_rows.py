"""The ticket page's thread and canned replies as display values, prepared once in Python.

Each thread entry used to look for its files by walking every owner's list, and each canned
reply was truncated twice (once per composer): prepared here, the template only reads values.
"""

from __future__ import annotations

from typing import TypedDict

from django.template.defaultfilters import filesizeformat, title, truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from backoffice.gateway.ids import GATEWAY_ID_PATTERN
from backoffice.templatetags.moments import moment_markup

from .canned_services import CannedReply
from .records import TicketFile
from .services import TicketThread

ID_PLACEHOLDER = "f-00000"


class FileLink(TypedDict):
    url: str
    name: str
    size: str


class ThreadRow(TypedDict):
    id: str
    kind: str
    internal: bool
    author: str
    role: str
    created: SafeString | str
    text: str
    files: list[FileLink]


class CannedChoice(TypedDict):
    message_id: str
    message: str
    label: str


def file_links(files: list[TicketFile]) -> list[FileLink]:
    url = reverse("tickets:file", args=[ID_PLACEHOLDER])
    return [
        {
            "url": url.replace(ID_PLACEHOLDER, item.id)
            if GATEWAY_ID_PATTERN.fullmatch(item.id)
            else reverse("tickets:file", args=[item.id]),
            "name": item.file_name,
            "size": filesizeformat(item.size),
        }
        for item in files
    ]


def thread_rows(thread: TicketThread) -> list[ThreadRow]:
    now, zone = timezone.now(), timezone.get_current_timezone()
    return [
        {
            "id": entry.id,
            "kind": entry.kind,
            "internal": entry.is_internal,
            "author": entry.author_name or entry.author_id,
            "role": title(entry.author_role),
            "created": moment_markup(entry.created_at, now, zone) if entry.created_at else "",
            "text": entry.text,
            "files": file_links(thread.files_by_owner.get(entry.id, [])),
        }
        for entry in thread.entries
    ]


def canned_choices(canned: list[CannedReply]) -> list[CannedChoice]:
    return [
        {
            "message_id": reply.message_id,
            "message": reply.message,
            "label": f"{reply.title}: {truncatechars(reply.message, 60)}",
        }
        for reply in canned
    ]
