from django.urls import include, path, register_converter

from . import action_views, document_views, timeline_views, views
from .ids import GATEWAY_ID_REGEX


class GatewayIdConverter:
    regex = GATEWAY_ID_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(GatewayIdConverter, "gateway_id")

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("go/", views.go_to_customer, name="go"),
    path("", include("customers.record_urls")),
    path("<gateway_id:customer_id>/", views.customer_detail, name="detail"),
    path(
        "<gateway_id:customer_id>/documents/<int:number>/",
        document_views.document_detail,
        name="document",
    ),
    path(
        "<gateway_id:customer_id>/timeline/",
        timeline_views.customer_timeline,
        name="timeline",
    ),
    path(
        "<gateway_id:customer_id>/actions/<slug:action>/",
        action_views.customer_action,
        name="action",
    ),
]
