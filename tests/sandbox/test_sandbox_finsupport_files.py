"""Finsupport uploads: multipart in, the same bytes out, limits and malformed bodies."""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests

from sandbox.finsupport.enums import MAX_FILE_BYTES
from sandbox.finsupport.multipart import MultipartError, parse, safe_filename
from tests.sandbox.conftest import GatewayClient

FS = "/finsupport/1.0.0"


@pytest.fixture(scope="module")
def headers(client: GatewayClient) -> dict[str, str]:
    token = client.token("carol")["access_token"]
    return {"Authorization": f"Bearer {token}", "tenantId": "finhub-demo"}


def _upload(
    client: GatewayClient, headers: dict[str, str], path: str, **kwargs: Any
) -> requests.Response:
    return client.session.post(client.url + FS + path, headers=headers, timeout=30, **kwargs)


def _content(client: GatewayClient, headers: dict[str, str], file_id: str) -> requests.Response:
    return client.session.get(f"{client.url}{FS}/files/{file_id}/content", headers=headers)


def test_a_binary_upload_comes_back_byte_for_byte(
    client: GatewayClient, headers: dict[str, str]
) -> None:
    payload = os.urandom(200_000) + b"\x00\r\n\r\n--\r\n\x00" + bytes(range(256)) + b"\r"
    response = _upload(
        client,
        headers,
        "/files/upload",
        files={"file": ("scan.bin", payload, "application/octet-stream")},
        data={"ticketId": "t-00001"},
    )
    assert response.status_code == 200, response.text
    meta = response.json()
    assert meta["id"].startswith("f-")
    assert meta["fileName"] == "scan.bin"
    assert meta["size"] == len(payload)
    assert (meta["uploadedBy"], meta["ticketId"], meta["replyId"]) == ("u-carol", "t-00001", None)
    content = _content(client, headers, meta["id"])
    assert content.status_code == 200
    assert content.content == payload
    assert content.headers["Content-Type"] == "application/octet-stream"
    assert content.headers["Content-Disposition"] == 'attachment; filename="scan.bin"'
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    mine = client.get(f"{FS}/files/mine", user="carol").json()
    assert meta in mine
    assert meta not in client.get(f"{FS}/files/mine", user="alice").json()


def test_multiple_upload_keeps_each_file(client: GatewayClient, headers: dict[str, str]) -> None:
    files = [
        ("files", ("notes.txt", b"line one\r\nline two\n", "text/plain")),
        ("files", ("Übersicht €.pdf", b"%PDF-1.4\n\x00\xff binary", "application/pdf")),
        ("files", ("empty.txt", b"", "text/plain")),
    ]
    response = _upload(client, headers, "/files/upload-multiple", files=files)
    assert response.status_code == 200, response.text
    stored = response.json()
    assert [item["fileName"] for item in stored] == ["notes.txt", "Übersicht €.pdf", "empty.txt"]
    assert [item["contentType"] for item in stored] == [
        "text/plain",
        "application/pdf",
        "text/plain",
    ]
    for item, (_, (_, data, _)) in zip(stored, files, strict=True):
        assert _content(client, headers, item["id"]).content == data
    disposition = _content(client, headers, stored[1]["id"]).headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''%C3%9Cbersicht%20%E2%82%AC.pdf" in disposition


def test_a_file_over_the_limit_is_413(client: GatewayClient, headers: dict[str, str]) -> None:
    big = b"\x00" * (MAX_FILE_BYTES + 1)
    response = _upload(client, headers, "/files/upload", files={"file": ("big.bin", big)})
    assert response.status_code == 413
    body = response.json()
    assert body["status"] == 413 and "10 MB" in body["message"]
    at_limit = _upload(
        client, headers, "/files/upload", files={"file": ("limit.bin", big[:MAX_FILE_BYTES])}
    )
    assert at_limit.status_code == 200
    assert at_limit.json()["size"] == MAX_FILE_BYTES


def test_bad_uploads_are_400(client: GatewayClient, headers: dict[str, str]) -> None:
    not_multipart = _upload(client, headers, "/files/upload", json={"file": "x"})
    assert not_multipart.status_code == 400
    wrong_field = _upload(client, headers, "/files/upload", files={"upload": ("a.txt", b"a")})
    assert wrong_field.json()["errors"][0]["field"] == "file"
    truncated = _upload(
        client,
        headers | {"Content-Type": "multipart/form-data; boundary=XYZ"},
        "/files/upload",
        data=b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
    )
    assert truncated.status_code == 400
    unknown_ticket = _upload(
        client,
        headers,
        "/files/upload",
        files={"file": ("a.txt", b"a")},
        data={"ticketId": "t-99999"},
    )
    assert unknown_ticket.json()["errors"] == [{"field": "ticketId", "message": "unknown ticket"}]
    other = client.get(f"{FS}/files", user="dave").json()[0]["id"]
    assert client.get(f"{FS}/files/{other}").status_code == 403
    assert _content(client, headers, other).status_code == 403


def test_the_parser_keeps_bytes_and_reads_fields() -> None:
    data = b"\r\n--C\r\nX\x00 --B\r"  # looks like framing, but is not this boundary
    body = (
        b"preamble\r\n--B\r\n"
        b'Content-Disposition: form-data; name="ticketId"\r\n\r\nt-00001\r\n'
        b"--B  \r\n"
        b'Content-Disposition: form-data; name="file"; filename="C:\\temp\\a\\"b.txt"\r\n'
        b"Content-Type: Text/Plain; charset=utf-8\r\n\r\n" + data + b"\r\n--B--\r\nepilogue"
    )
    field, upload = parse(body, "multipart/form-data; boundary=B")
    assert (field.name, field.filename, field.data) == ("ticketId", None, b"t-00001")
    assert upload.data == data and upload.content_type == "text/plain"
    assert safe_filename(upload.filename) == "a_b.txt"
    with pytest.raises(MultipartError):
        parse(body, "application/json")
    with pytest.raises(MultipartError):
        parse(b"--B\r\nno headers end", "multipart/form-data; boundary=B")
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('a"\r\n.txt') == "a___.txt"
    assert safe_filename("") == "upload.bin"
