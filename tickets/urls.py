from django.urls import path

from customers.urls import GatewayIdConverter  # noqa: F401  (registers the gateway_id converter)

from . import customer_views, detail_views, views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_queue, name="queue"),
    path("new/", customer_views.new_ticket, name="new"),
    path(
        "for-customer/<gateway_id:customer_id>/",
        customer_views.customer_tickets,
        name="for_customer",
    ),
    path("files/<gateway_id:file_id>/", detail_views.download_file, name="file"),
    path("<gateway_id:ticket_id>/", detail_views.ticket_detail, name="detail"),
    path("<gateway_id:ticket_id>/<slug:kind>/send/", detail_views.post_message, name="message"),
    path(
        "<gateway_id:ticket_id>/actions/<slug:action>/",
        detail_views.ticket_action,
        name="action",
    ),
]
