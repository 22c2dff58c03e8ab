from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import staff
from .client_address import client_address
from .forms import LoginForm
from .gateway.errors import GatewayError
from .http import StaffRequest
from .landing import landing_path_for
from .sign_in import SignInRefused, mirror_staff_member, sign_in


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: StaffRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    gateway_error = None
    if request.method == "POST" and form.is_valid():
        try:
            grant, identity = sign_in(
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                client_address=client_address(request),
                request_id=request.request_id,
            )
        except SignInRefused as refusal:
            form.add_error(None, str(refusal))
        except GatewayError as error:
            gateway_error = error
        else:
            login(
                request,
                mirror_staff_member(identity),
                backend="django.contrib.auth.backends.ModelBackend",
            )
            staff.store_grant(request.session, grant, identity)
            return redirect(next_url or landing_path_for(request, identity))
    status = 200 if request.method == "GET" or (form.is_valid() and not form.errors) else 400
    if gateway_error:
        status = 502
    return render(
        request,
        "login.html",
        {"form": form, "next": next_url, "error": gateway_error},
        status=status,
    )


@require_POST
def logout_view(request: StaffRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def home(request: StaffRequest) -> HttpResponse:
    return redirect(landing_path_for(request, request.staff))
