from django.contrib.auth.models import AbstractUser
from django.db import models


class StaffMember(AbstractUser):
    """A local mirror of a gateway staff user, so audit records can point at a person.

    Staff never have a local password: they sign in with their gateway credentials.
    """

    gateway_user_id = models.CharField(max_length=128, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    tenant_id = models.CharField(max_length=128, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username
