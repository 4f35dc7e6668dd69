from typing import Any, ClassVar, Self, TypeVar

from django.db import models

from accounts.models import User

_M = TypeVar("_M", bound=models.Model)

class DeviceManager(models.Manager[_M]):
    def devices_for_user(
        self, user: User, confirmed: bool | None = None
    ) -> models.QuerySet[_M]: ...

class Device(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    name = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=True)
    objects: ClassVar[DeviceManager[Self]]

    class Meta:
        abstract = True

    @property
    def persistent_id(self) -> str: ...
    @classmethod
    def model_label(cls) -> str: ...
    @classmethod
    def from_persistent_id(cls, persistent_id: str, for_verify: bool = False) -> Device | None: ...
    def is_interactive(self) -> bool: ...
    def generate_challenge(self) -> str | None: ...
    def verify_is_allowed(self) -> tuple[bool, dict[str, Any] | None]: ...
    def verify_token(self, token: str) -> bool: ...
