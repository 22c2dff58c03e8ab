"""A small ``multipart/form-data`` parser that keeps file bytes exactly as sent.

``cgi`` is gone from Python 3.13 and ``email``'s body parser works line by line (and may
touch line endings), so bodies are split on the boundary directly; only each part's headers
go through ``email``.
"""

from __future__ import annotations

import email.message
import email.parser
import email.utils
import re
from dataclasses import dataclass

MAX_PARTS = 50
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"\\/]")


class MultipartError(ValueError):
    """The body is not well-formed ``multipart/form-data``."""


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None  # None for a plain form field
    content_type: str  # "type/subtype", lower case, no parameters
    data: bytes


def boundary_of(content_type: str | None) -> str:
    header = email.message.Message()
    header["Content-Type"] = content_type or ""
    if header.get_content_type() != "multipart/form-data":
        raise MultipartError("body must be multipart/form-data")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 200:
        raise MultipartError("multipart boundary is missing")
    return boundary


def parse(body: bytes, content_type: str | None) -> list[Part]:
    delimiter = b"\r\n--" + boundary_of(content_type).encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts: list[Part] = []
    for chunk in chunks[1:]:  # chunks[0] is the preamble
        if chunk.startswith(b"--"):  # the close delimiter
            return parts
        if len(parts) >= MAX_PARTS:
            raise MultipartError(f"at most {MAX_PARTS} parts")
        parts.append(_part(chunk))
    raise MultipartError("multipart body is truncated (no closing boundary)")


def _part(chunk: bytes) -> Part:
    line_end = chunk.find(b"\r\n")  # the rest of the delimiter line (transport padding)
    if line_end == -1 or chunk[:line_end].strip(b" \t"):
        raise MultipartError("malformed multipart delimiter line")
    rest = chunk[line_end + 2 :]
    if rest.startswith(b"\r\n"):
        head, data = b"", rest[2:]
    else:
        head_end = rest.find(b"\r\n\r\n")
        if head_end == -1:
            raise MultipartError("multipart part without a header end")
        head, data = rest[:head_end], rest[head_end + 4 :]
    headers = email.parser.HeaderParser().parsestr(head.decode("utf-8", "replace"))
    disposition = headers.get("Content-Disposition", "")
    if not disposition.lower().startswith("form-data"):
        raise MultipartError("multipart part without Content-Disposition: form-data")
    name = email.utils.collapse_rfc2231_value(
        headers.get_param("name", "", header="content-disposition")
    )
    filename = headers.get_filename()
    content_type = (
        headers.get_content_type() if headers.get("Content-Type") else "application/octet-stream"
    )
    return Part(str(name), filename, content_type, data)


def safe_filename(filename: str | None, fallback: str = "upload.bin") -> str:
    """The last path segment of a client's file name, without control characters or quotes."""
    base = re.split(r"[/\\]", filename or "")[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    return cleaned[:255] or fallback
