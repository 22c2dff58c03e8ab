from django.urls import path

from customers.urls import GatewayIdConverter  # noqa: F401  (registers the gateway_id converter)

from . import canned_views, customer_views, detail_views, report_views, views

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
    path("replies/", canned_views.canned_replies, name="replies"),
    path("replies/titles/", canned_views.create_title, name="reply_title_create"),
    path(
        "replies/titles/<gateway_id:title_id>/status/",
        canned_views.set_title_status,
        name="reply_title_status",
    ),
    path(
        "replies/titles/<gateway_id:title_id>/messages/",
        canned_views.create_message,
        name="reply_message_create",
    ),
    path(
        "replies/messages/<gateway_id:message_id>/edit/",
        canned_views.edit_message,
        name="reply_message_edit",
    ),
    path("report/", report_views.ticket_report, name="report"),
    path("report/export.csv", report_views.report_export, name="report_export"),
    path("<gateway_id:ticket_id>/", detail_views.ticket_detail, name="detail"),
    path("<gateway_id:ticket_id>/<slug:kind>/send/", detail_views.post_message, name="message"),
    path(
        "<gateway_id:ticket_id>/actions/<slug:action>/",
        detail_views.ticket_action,
        name="action",
    ),
]
