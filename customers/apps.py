from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        # Registers how each of this app's writes is found again after its answer was lost.
        from . import reconcilers  # noqa: F401
        from .approval_metrics import register as register_metrics
        from .approval_policy import approval_policy
        from .timeline_labels import register as register_audit_labels

        # A misspelt FOUR_EYES_* value would let changes through unchecked: refuse to start.
        approval_policy()
        register_metrics()
        register_audit_labels()

        # Officers with changes awaiting their decision land on the approvals queue.
        from backoffice import landing

        from .context_processors import decisions_waiting_for

        landing.count_waiting_decisions_with(decisions_waiting_for)
