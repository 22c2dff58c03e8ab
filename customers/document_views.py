"""One customer document, opened in the app.

The gateway's Document carries a name, a `location`, a status and metadata, and no endpoint
gives its bytes (docs/gateway.md: no document content path; the sandbox's locations are on an
`.invalid` host). So the app shows the document's record and says plainly that there is no file
to open; it never fetches or links the location, an address outside the app's control.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backoffice.http import StaffRequest

from . import enums, services


@require_GET
def document_detail(request: StaffRequest, customer_id: str, number: int) -> HttpResponse:
    """The `number`-th (from 1) document of the customer's list, or of its purpose's list."""
    purpose = request.GET.get("purpose", "")
    if purpose and purpose not in enums.DOCUMENT_PURPOSES:
        raise Http404("Unknown document purpose.")
    documents = services.customer_documents(request.gateway_auth, customer_id, purpose)
    if not 1 <= number <= len(documents):
        raise Http404("No such document.")
    document = documents[number - 1]
    return render(
        request,
        "customers/document.html",
        {"customer_id": customer_id, "document": document, "number": number, "purpose": purpose},
    )
