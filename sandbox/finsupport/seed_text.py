"""Support-desk text and tiny attachment bytes for the Finsupport seed."""

from __future__ import annotations

import struct
import zlib

TITLES = {
    "ACCOUNT": (
        "Cannot log in after changing my phone",
        "Please update my registered address",
        "Account shows as restricted",
        "Request to close my account",
        "Second account holder cannot see statements",
    ),
    "PAYMENTS": (
        "SEPA transfer not received after 3 days",
        "Standing order executed twice",
        "Incoming payment returned to sender",
        "Wrong beneficiary name on outgoing transfer",
        "Instant payment stuck in pending",
    ),
    "CARDS": (
        "Card declined at online shops",
        "Unknown card transaction in my statement",
        "Replacement card has not arrived",
        "Contactless payments stopped working",
        "Card blocked after three wrong PIN attempts",
    ),
    "KYC": (
        "Passport upload keeps failing",
        "Why do you need proof of address again?",
        "Verification pending for two weeks",
        "Selfie check rejected",
        "Company registration document request",
    ),
    "TECHNICAL": (
        "App crashes when opening statements",
        "Two-factor SMS codes arrive late",
        "Export to CSV produces an empty file",
        "Web banking shows a blank page",
        "Push notifications stopped",
    ),
    "OTHER": (
        "Question about fees on my plan",
        "Request for a bank reference letter",
        "Complaint about waiting time on the phone",
        "Tax certificate for last year",
        "Feedback on the new app design",
    ),
}

DESCRIPTIONS = {
    "ACCOUNT": "Since yesterday I cannot access my account. I tried resetting the password twice "
    "and the reset e-mail never arrives. Please help, I need to pay rent this week.",
    "PAYMENTS": "I sent a transfer of EUR 1,250.00 to my landlord on Monday. The amount left my "
    "account but the landlord says nothing arrived. Reference: RENT-NOV.",
    "CARDS": "My card is refused at most online shops although the balance is fine. In shops "
    "with the terminal it works. Can you check whether online payments are enabled?",
    "KYC": "The app asks me again for identity documents. I uploaded my passport last month and "
    "received no feedback. What exactly is missing?",
    "TECHNICAL": "The mobile app closes itself every time I open the statements tab. I am on the "
    "latest version and already reinstalled it.",
    "OTHER": "I would like to understand the monthly fee on my plan; it changed without notice "
    "and I could not find an explanation in the app.",
}

STAFF_REPLIES = (
    "Thank you for reaching out. I have taken over your request and will get back to you "
    "within one business day.",
    "I checked the transaction log: the payment left our system on time. I have opened a "
    "trace with the receiving bank.",
    "Could you please send a screenshot of the error message and the approximate time it happened?",
    "We have reset the security settings on your account. Please try again and let us know "
    "whether it works now.",
    "The document you uploaded was cut off at the bottom. Please upload a full scan, all four "
    "corners visible.",
    "Good news: the issue is fixed on our side. I will keep the ticket open for two days in "
    "case anything else comes up.",
    "I have escalated this to our payments team; they usually answer within 48 hours.",
    "Your replacement card was dispatched today by registered mail.",
)

CUSTOMER_REPLIES = (
    "Thanks, I will wait for your answer.",
    "I attached the screenshot you asked for.",
    "It still does not work, same error as before.",
    "Any news? It has been several days now.",
    "That worked, thank you very much!",
    "I tried again this morning with the same result.",
    "Please call me back, it is urgent.",
)

NOTES = (
    "Customer called the hotline as well; same issue described.",
    "Checked AML screening: no hits. OK to proceed.",
    "Waiting for the correspondent bank's answer to the trace request.",
    "Possible duplicate of an earlier ticket from the same customer.",
    "Card processor confirms a 3-D Secure misconfiguration on this BIN range.",
    "Customer is a long-standing premium client; handle with priority.",
    "Sent the case to the KYC team for a second opinion on the document.",
)

ESCALATION_REASONS = (
    "Customer threatens to file a complaint with the regulator.",
    "Payment above EUR 10,000 missing for more than five days.",
    "Suspected fraud on the card; needs compliance review.",
    "No answer from the partner bank after two reminders.",
)

CLOSE_REASONS = (
    "Resolved; customer confirmed.",
    "No reply from the customer for 14 days.",
    "Duplicate ticket.",
    "Request withdrawn by the customer.",
)

# Canned replies: (title, status, [messages]). ``{greeting}`` is filled in by the back office.
REPLY_TITLES = (
    (
        "Greeting",
        "ACTIVE",
        (
            "{greeting} Thanks for reaching out to FinHub support. We are looking into it.",
            "{greeting} Thank you for your patience while we review your request.",
        ),
    ),
    (
        "Missing documents",
        "ACTIVE",
        (
            "{greeting} To continue we need a clear copy of your ID, front and back.",
            "{greeting} Please upload a proof of address not older than three months.",
            "{greeting} The document you sent has expired; please send a valid one.",
        ),
    ),
    (
        "Payment trace",
        "ACTIVE",
        ("{greeting} We have opened a trace with the receiving bank; this takes 2-5 days.",),
    ),
    (
        "Holiday delays (old)",
        "INACTIVE",
        ("{greeting} Due to the holidays our answers may take a little longer.",),
    ),
    (
        "Card replacement",
        "ACTIVE",
        (
            "{greeting} Your new card is on its way and should arrive within 5 business days.",
            "{greeting} For your safety the old card has been blocked.",
        ),
    ),
    (
        "Closing",
        "ACTIVE",
        (
            "{greeting} We are closing this ticket. Reply here if you need anything else.",
            "{greeting} Glad we could help! This ticket is now resolved.",
        ),
    ),
)
OTHER_TENANT_REPLY_TITLES = (
    ("Welcome", "ACTIVE", ("{greeting} Welcome to our support desk.",)),
    ("Follow-up", "ACTIVE", ("{greeting} Just checking whether the issue is solved.",)),
)

PAYLOAD_TITLE = "<img src=x onerror=alert(1)> Card declined <script>alert('title')</script>"
PAYLOAD_DESCRIPTION = (
    "\"><svg onload=alert('description')> my card fails; see javascript:alert(1) "
    "& <b>bold</b> 'quotes' \"double\""
)
PAYLOAD_REPLY = '<script>alert("reply")</script> Still waiting <img src=x onerror=alert(2)>'
PAYLOAD_NOTE = "<b>Internal</b> <a href=\"javascript:alert('note')\">link</a>"
PAYLOAD_FILE_NAME = "<img src=x onerror=alert(1)>.txt"


def tiny_png(red: int, green: int, blue: int) -> bytes:
    """A valid 1x1 RGB PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str) -> bytes:
    """A minimal one-page PDF showing ``text`` (ASCII)."""
    stream = f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def attachment(kind: int, label: str) -> tuple[str, str, bytes]:
    """``(file name, content type, bytes)`` for seed attachment number ``kind`` (cycled)."""
    slug = label.lower().replace(" ", "-")
    choice = kind % 3
    if choice == 0:
        text = (
            f"FinHub support attachment\n{label}\nDate;Amount;Reference\n2026-10-01;-1250.00;RENT\n"
        )
        return f"{slug}.txt", "text/plain", text.encode("utf-8")
    if choice == 1:
        return f"{slug}.png", "image/png", tiny_png(30 + kind % 200, 120, 200)
    return f"{slug}.pdf", "application/pdf", tiny_pdf(label[:40])
