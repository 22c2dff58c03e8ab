from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        # Registers how each of this app's writes is found again after its answer was lost.
        from . import reconcilers  # noqa: F401
