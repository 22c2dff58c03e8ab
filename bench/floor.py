"""The CPU floor: the least Django can do for the customer list fragment.

One view, no middleware, no apps, no database: it makes the same single gateway call as the
app's list fragment (POST getByCustomerStatus) on one pooled requests.Session and renders the
same 25 rows (name linked, id, status, type, email, organization, created). This module is its
settings and its URLconf; the token comes from FLOOR_GATEWAY_TOKEN (the benchmark signs in).
"""

from __future__ import annotations

import os
from pathlib import Path

import requests
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from requests.adapters import HTTPAdapter

SECRET_KEY = "bench-floor-only"  # noqa: S105 - never served outside the benchmark
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "floor"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "floor_templates"],
    }
]

GATEWAY_URL = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8001")
TENANT = os.environ.get("GATEWAY_TENANT_ID", "finhub-demo")
HEADERS = {
    "Authorization": f"Bearer {os.environ.get('FLOOR_GATEWAY_TOKEN', '')}",
    "tenantId": TENANT,
    "Accept": "application/json",
}

session = requests.Session()
session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=16))


def customer_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "verified")
    page = int(request.GET.get("page", "1"))
    answer = session.post(
        f"{GATEWAY_URL}/customer/2.0.0/getByCustomerStatus/{status}",
        headers=HEADERS,
        json={"type": "", "created": "", "status": status, "pageNumber": page, "pageSize": 25},
        timeout=(3.05, 10),
    )
    answer.raise_for_status()
    body = answer.json()
    return render(request, "floor_rows.html", {"customers": body["customers"]})


urlpatterns = [path("customers/", customer_list)]
