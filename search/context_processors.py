from typing import Any

from django.conf import settings
from django.http import HttpRequest


def search(request: HttpRequest) -> dict[str, Any]:
    return {"search_enabled": settings.SEARCH_ENABLED}
