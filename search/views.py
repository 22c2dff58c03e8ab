from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from backoffice.http import StaffRequest

from . import services

LIVE_RESULTS = 5
PAGE_RESULTS = 50


@require_GET
@vary_on_headers("HX-Request")
def search(request: StaffRequest) -> HttpResponse:
    """The top bar's live results (HTMX, as one types) or the full results page (Enter)."""
    if not settings.SEARCH_ENABLED:
        raise Http404("Search is turned off.")
    query = request.GET.get("q", "")
    if request.htmx:
        results = services.search(query, limit=LIVE_RESULTS)
        return render(request, "search/_live_results.html", {"results": results})
    target = services.record_url(query)
    if target:
        return redirect(target)
    results = services.search(query, limit=PAGE_RESULTS)
    context = {"results": results, "looks_like_id": services.looks_like_id(results.query)}
    return render(request, "search/results.html", context)
