from typing import Any

from django.http import HttpRequest


def staff(request: HttpRequest) -> dict[str, Any]:
    return {"staff": getattr(request, "staff", None) if request.user.is_authenticated else None}
