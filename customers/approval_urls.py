from django.urls import path

from . import approval_views

app_name = "approvals"
urlpatterns = [
    path("", approval_views.approval_list, name="list"),
    path("<int:change_id>/", approval_views.decision, name="decision"),
    path(
        "<int:change_id>/<slug:decision>/",
        approval_views.decide,
        name="decide",
    ),
]
