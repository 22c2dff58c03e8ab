"""File types are decided from the bytes: magic numbers for binary types, clean UTF-8 for text."""

from __future__ import annotations

import pytest

from backoffice.file_types import (
    OCTET_STREAM,
    RefusedFile,
    accepted_type,
    safe_media_type,
    sniff,
)

ALLOWED = ["application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
PDF = b"%PDF-1.7\n" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(range(32))


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PNG, "a.png", "image/png"),
        (PDF, "a.pdf", "application/pdf"),
        (JPEG, "a.jpg", "image/jpeg"),
        (GIF, "a.gif", "image/gif"),
        ("Überweisung €1.250\n".encode(), "a.txt", "text/plain"),
        (b"\xef\xbb\xbfdate,amount\r\n2026-11-02,-1250.00\r\n", "a.csv", "text/csv"),
        # The name never turns bytes into another type.
        (PNG, "a.txt", "image/png"),
        (b"plain words", "a.png", "text/plain"),
    ],
)
def test_it_names_the_type_the_bytes_are(content: bytes, name: str, expected: str) -> None:
    kind = sniff(content, name=name)
    assert kind is not None
    assert kind.media_type == expected


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><p>hi</p>",
        b"  \n<html><body onload=alert(1)>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b'<?xml version="1.0"?><svg/>',
        b"date,amount\n2026-11-02,<script>alert(1)</script>\n",
        b"see <IMG SRC=x onerror=alert(1)>",
        b"<iframe src=//evil>",
        b"click javascript:alert(1)",
        b"<!-- a comment -->",
        b"MZ\x90\x00\x03\x00",  # a Windows program
        b"caf\xe9 latin-1, not UTF-8",
        b"\xff\xfeU\x00T\x00F\x00-\x001\x006\x00",
    ],
)
def test_markup_script_and_unknown_binary_are_no_type(content: bytes) -> None:
    assert sniff(content, name="a.txt", declared="text/plain") is None


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("a.csv", "text/plain", "text/csv"),
        ("a.txt", "text/csv", "text/plain"),
        ("export", "application/vnd.ms-excel", "text/csv"),
        ("notes", "", "text/plain"),
    ],
)
def test_for_text_the_name_then_the_declared_type_tells_csv_from_plain(
    name: str, declared: str, expected: str
) -> None:
    kind = sniff(b"a,b\n1,2\n", name=name, declared=declared)
    assert kind is not None and kind.media_type == expected


# Uploads


def test_an_html_file_declared_as_a_png_is_refused() -> None:
    with pytest.raises(RefusedFile) as refused:
        accepted_type(
            b"<html><script>alert(1)</script></html>",
            name="photo.png",
            declared="image/png",
            allowed=ALLOWED,
        )
    assert str(refused.value) == (
        "photo.png is refused: it holds HTML, SVG or script. Allowed: PDF document, PNG image, "
        "JPEG image, plain-text file, CSV file."
    )


def test_bytes_of_one_allowed_type_declared_as_another_are_refused() -> None:
    with pytest.raises(RefusedFile) as refused:
        accepted_type(PDF, name="scan.png", declared="image/png", allowed=ALLOWED)
    assert str(refused.value) == (
        "scan.png was sent as image/png, but its content is a PDF document."
    )


def test_a_name_that_claims_another_type_is_refused() -> None:
    with pytest.raises(RefusedFile) as refused:
        accepted_type(PNG, name="invoice.html", declared="", allowed=ALLOWED)
    assert str(refused.value) == "invoice.html is a PNG image; its name must end in .png."


def test_a_known_type_that_is_not_allowed_is_refused() -> None:
    with pytest.raises(RefusedFile) as refused:
        accepted_type(GIF, name="a.gif", declared="image/gif", allowed=ALLOWED)
    assert str(refused.value) == (
        "a.gif is a GIF image; allowed: PDF document, PNG image, JPEG image, plain-text file, "
        "CSV file."
    )
    allowed_with_gif = [*ALLOWED, "image/gif"]
    kind = accepted_type(GIF, name="a.gif", declared="image/gif", allowed=allowed_with_gif)
    assert kind.media_type == "image/gif"


@pytest.mark.parametrize(
    ("content", "name", "declared", "expected"),
    [
        (PNG, "screen.png", "image/png", "image/png"),
        (JPEG, "photo.jpeg", "image/pjpeg", "image/jpeg"),
        (PDF, "statement.pdf", "application/octet-stream", "application/pdf"),
        (PDF, "statement.pdf", "", "application/pdf"),
        (b"a,b\n", "export.csv", "application/vnd.ms-excel", "text/csv"),
        (b"ok\n", "trace.txt", "text/plain; charset=utf-8", "text/plain"),
    ],
)
def test_an_allowed_file_gets_the_type_of_its_bytes(
    content: bytes, name: str, declared: str, expected: str
) -> None:
    kind = accepted_type(content, name=name, declared=declared, allowed=ALLOWED)
    assert kind.media_type == expected


# Downloads


@pytest.mark.parametrize(
    ("content", "name", "declared", "expected"),
    [
        (b"<html><script>alert(1)</script></html>", "page.html", "text/html", OCTET_STREAM),
        (b"<svg onload=alert(1)/>", "logo.svg", "image/svg+xml", OCTET_STREAM),
        (b"MZ\x90\x00", "setup.exe", "application/x-msdownload", OCTET_STREAM),
        (GIF, "a.gif", "image/gif", OCTET_STREAM),  # a type this deployment does not allow
        (PNG, "page.html", "text/html", "image/png"),
        (b"just words", "notes.txt", "text/html", "text/plain"),
        (PDF, "statement.pdf", "application/pdf", "application/pdf"),
    ],
)
def test_a_stored_file_is_served_as_what_its_bytes_are_or_as_a_plain_download(
    content: bytes, name: str, declared: str, expected: str
) -> None:
    assert safe_media_type(content, name=name, declared=declared, allowed=ALLOWED) == expected
