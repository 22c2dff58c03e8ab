from django.urls import include, path

from . import health, metrics, preferences, views
from .access import include_compliance_only

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("logout/", views.logout_view, name="logout"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("customers/", include("customers.urls")),
    path("approvals/", include_compliance_only("customers.approval_urls")),
    path("tickets/", include("tickets.urls")),
    path("audit/", include_compliance_only("backoffice.audit_urls")),
    path("search/", include("search.urls")),
]

handler404 = "backoffice.error_views.not_found"
handler500 = "backoffice.error_views.server_error"
handler403 = "backoffice.error_views.forbidden"
