"""What a file is, decided from its bytes, never from what the browser or the gateway says.

A file is one of the few types we can show to no harm (PDF, PNG, JPEG, GIF, plain text, CSV),
recognised by its magic number or, for text, by being clean UTF-8 that no browser would take for
a page. Everything else is `None`: refused on upload and served as `application/octet-stream`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TEXT = "text/plain"
CSV = "text/csv"
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extensions: frozenset[str]
    # Other names browsers give the same type (Windows calls every CSV a spreadsheet).
    aliases: frozenset[str] = frozenset()

    def fits_declared(self, declared: str) -> bool:
        """Whether the browser's type says the same thing (or nothing at all)."""
        return media_type_of(declared) in {"", OCTET_STREAM, self.media_type, *self.aliases}

    def fits_name(self, name: str) -> bool:
        """A name without an extension is fine; one with another type's extension is not."""
        suffix = PurePath(name).suffix.lower()
        return not suffix or suffix in self.extensions


_CSV_ALIASES = frozenset({"application/csv", "text/x-csv", "application/vnd.ms-excel"})

TYPES = {
    kind.media_type: kind
    for kind in (
        FileType(PDF, "PDF document", frozenset({".pdf"})),
        FileType(PNG, "PNG image", frozenset({".png"})),
        FileType(JPEG, "JPEG image", frozenset({".jpg", ".jpeg"}), frozenset({"image/pjpeg"})),
        FileType(GIF, "GIF image", frozenset({".gif"})),
        # Text is text: the name says which of the two it is, the browser may say either.
        FileType(
            TEXT, "plain-text file", frozenset({".txt", ".text", ".log"}), _CSV_ALIASES | {CSV}
        ),
        FileType(CSV, "CSV file", frozenset({".csv"}), _CSV_ALIASES | {TEXT}),
    )
}

MAGIC_NUMBERS = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)

# Text a browser, a mail client or an old content sniffer might run as a page or a script.
MARKUP = re.compile(
    rb"<\s*/?\s*(?:!doctype|!--|\?xml|html|head|body|script|iframe|frame|svg|math|object|"
    rb"embed|applet|meta|link|style|base|img|image|form|input|xsl|a\s)"
    rb"|javascript:|vbscript:",
    re.IGNORECASE,
)
UTF8_BOM = b"\xef\xbb\xbf"
NOT_RECOGNISED = "its content is not a type we recognise"


class RefusedFile(ValueError):
    """An upload whose bytes are not an allowed type, or not the type it claims; says why."""


def media_type_of(declared: str) -> str:
    return declared.split(";", 1)[0].strip().lower()


def sniff(content: bytes, *, name: str = "", declared: str = "") -> FileType | None:
    """The type of these bytes, or None. For text, the name (or else the declared type) tells
    CSV from plain text; it never turns other bytes into text."""
    return _sniff(content, name=name, declared=declared)[0]


def _sniff(content: bytes, *, name: str, declared: str) -> tuple[FileType | None, str]:
    for magic, media_type in MAGIC_NUMBERS:
        if content.startswith(magic):
            return TYPES[media_type], ""
    if b"\x00" in content:
        return None, NOT_RECOGNISED
    try:
        content.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None, NOT_RECOGNISED
    if MARKUP.search(content):
        return None, "it holds HTML, SVG or script"
    suffix = PurePath(name).suffix.lower()
    if suffix in TYPES[CSV].extensions:
        return TYPES[CSV], ""
    if suffix not in TYPES[TEXT].extensions and media_type_of(declared) in _CSV_ALIASES | {CSV}:
        return TYPES[CSV], ""
    return TYPES[TEXT], ""


def accepted_type(content: bytes, *, name: str, declared: str, allowed: list[str]) -> FileType:
    """The type an upload really is, if it is allowed and is what the browser and its name
    say; otherwise `RefusedFile` with a sentence for the person who chose the file."""
    kind, problem = _sniff(content, name=name, declared=declared)
    allowed_labels = ", ".join(TYPES[t].label if t in TYPES else t for t in allowed)
    if kind is None:
        raise RefusedFile(f"{name} is refused: {problem}. Allowed: {allowed_labels}.")
    if kind.media_type not in allowed:
        raise RefusedFile(f"{name} is a {kind.label}; allowed: {allowed_labels}.")
    if not kind.fits_declared(declared):
        raise RefusedFile(
            f"{name} was sent as {media_type_of(declared)}, but its content is a {kind.label}."
        )
    if not kind.fits_name(name):
        endings = " or ".join(sorted(kind.extensions))
        raise RefusedFile(f"{name} is a {kind.label}; its name must end in {endings}.")
    return kind


def safe_media_type(content: bytes, *, name: str, declared: str, allowed: list[str]) -> str:
    """The type to serve a stored file as: what its bytes are if allowed, else a plain download."""
    kind = sniff(content, name=name, declared=declared)
    if kind is None or kind.media_type not in allowed:
        return OCTET_STREAM
    return kind.media_type
