"""Routes of the customer record pages; included by `customers.urls` before the detail route."""

from django.urls import path

from . import record_views

urlpatterns = [
    path("new/", record_views.create_customer, name="create"),
    path(
        "organizations/<gateway_id:organization_id>/",
        record_views.organization,
        name="organization",
    ),
    path("<gateway_id:customer_id>/edit/", record_views.edit_customer, name="edit"),
    path("<gateway_id:customer_id>/address/new/", record_views.add_address, name="add_address"),
    path(
        "<gateway_id:customer_id>/documents/new/",
        record_views.add_documents,
        name="add_documents",
    ),
    path("<gateway_id:customer_id>/documents/", record_views.documents, name="documents"),
    path(
        "<gateway_id:customer_id>/sepa-id/",
        record_views.sepa_id_for_channel,
        name="sepa_channel",
    ),
]
