"""Rows that are written once and never changed or deleted (the audit trail, the
withdrawal ledger): the ORM refuses it here, and a database trigger refuses it too."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused with the model's own words."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(self._refusal())

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(self._refusal())

    def _refusal(self) -> str:
        return str(getattr(self.model, "append_only_message", "These rows are append-only."))


class AppendOnlyModel(models.Model):
    """A row is saved once; saving it again or deleting it is refused."""

    append_only_message: ClassVar[str] = "These rows are append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(self.append_only_message)
