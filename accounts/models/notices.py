"""Portal messages: what the portal tells a client outside a page flow (a replacement
device about to activate, say). The same notice also goes out by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
