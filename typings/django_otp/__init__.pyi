# Types for the parts of django-otp (which ships none) that the portal uses.
from django.http import HttpRequest

from .models import Device

DEVICE_ID_SESSION_KEY: str

def login(request: HttpRequest, device: Device) -> None: ...
